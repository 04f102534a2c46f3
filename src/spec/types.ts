/**
 * The deploy spec after validation and defaults: one type for the action, the CLI and the library, derived
 * from the schema in schema.ts (written once), plus what loading adds: names filled in and where it came from.
 */
import type { CheckConfig } from '../check/types.js'
import type { Infer, specFields } from './schema.js'

/** The spec's keys as the schema defines them, defaults filled in (what the validator returns). */
export type FromSchema = Infer<{ kind: 'object'; fields: typeof specFields; required: ['app', 'path', 'hosts'] }>

/** One SSH target. `name`: from the spec, or user@host:port. */
export type HostSpec = FromSchema['hosts'][number] & { name: string }

/** One check as the schema defines it (`smoke:` is a list of them, or `{ checks, bake }`). */
type SchemaCheck = Extract<NonNullable<FromSchema['smoke']>, unknown[]>[number]

/** An HTTP smoke check (`name` defaults to the URL). */
export type HttpCheck = Extract<SchemaCheck, { http: string }> & { name: string }

/** A command smoke check, run on the host in the new current release (`name` defaults to the command). */
export type RunCheck = Extract<SchemaCheck, { run: string }> & { name: string }

/** One smoke check. */
export type SmokeCheck = HttpCheck | RunCheck

/** A build, activate or rollback hook: a command for every host, or `{ run, roles }` for some. */
export type Hook = FromSchema['build'][number]

/** Database migrations. */
export type MigrateSpec = NonNullable<FromSchema['migrate']>

/** The schema's `check` keys validate to what the check takes (a compile error here when they drift apart). */
export type CheckKeysMatch = NonNullable<FromSchema['check']> extends CheckConfig ? true : never
export const checkKeysMatch: CheckKeysMatch = true

/** A validated deploy spec with every default filled in. */
export type Spec = Omit<FromSchema, 'hosts' | 'smoke' | 'check'> & {
  hosts: HostSpec[]
  smoke: SmokeCheck[]
  /** `smoke.bake`: seconds the checks keep being polled after they first pass (0: no bake). */
  bake: number
  /** The migration check's settings (the check's own type, which the schema's `check` keys match). */
  check?: CheckConfig
  /** Where the spec was read from (for messages), and the directory relative paths resolve against. */
  file: string
  baseDir: string
  /** line:col of a key path (e.g. `hosts[0].identity`) in the spec file, for messages; absent for specs built in code. */
  where?: (path: string) => { line: number; col: number }
}
