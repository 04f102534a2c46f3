/** Picks the migration driver for a spec. */
import type { Spec } from '../spec/types.js'
import { customDriver } from './custom.js'
import { laravelDriver } from './laravel.js'
import type { MigrationDriver } from './types.js'

/** The spec's driver, or undefined when the spec has no migrate section. */
export function driverFor(spec: Spec): MigrationDriver | undefined {
  const m = spec.migrate
  if (!m) return undefined
  if (m.preset === 'laravel') return laravelDriver({ run: m.commands?.run })
  return m.commands ? customDriver(m.commands) : undefined
}

/** Index of the host that runs migrations: migrate.on, else the first. */
export function migrateHostIndex(spec: Spec): number {
  const on = spec.migrate?.on
  const i = on ? spec.hosts.findIndex((h) => h.name === on || h.host === on) : 0
  return Math.max(0, i)
}
