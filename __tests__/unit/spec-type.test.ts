/**
 * The Spec type is derived from the schema: these compile-time checks fail `tsc` (and so `npm test`) if a
 * derived type loses its shape — a defaulted key turned optional, an enum widened to string, a required key lost.
 */
import { expect, test } from '@jest/globals'
import type { HostSpec, HttpCheck, MigrateSpec, RunCheck, Spec } from '../../src/spec/types.js'
import { parseSpec } from '../../src/spec/load.js'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const is = <T extends true>(value: T): T => value

test('the derived spec types keep their shape', () => {
  const checks = [
    is<Equals<Spec['keep_releases'], number>>(true),
    is<Equals<Spec['app'], string>>(true),
    is<Equals<Spec['known_hosts'], string | undefined>>(true),
    is<Equals<Spec['source'], { dir: string; exclude: string[]; allow_external_symlinks: boolean }>>(true),
    is<Equals<Spec['preset'], 'laravel' | undefined>>(true),
    is<Equals<MigrateSpec['step_back'], 'auto' | 'never'>>(true),
    is<Equals<MigrateSpec['commands'], { run: string; status?: string; step_back?: string } | undefined>>(true),
    is<Equals<HostSpec['port'], number>>(true),
    is<Equals<HostSpec['identity'], string | undefined>>(true),
    is<Equals<HttpCheck['from'], 'runner' | 'host'>>(true),
    is<Equals<RunCheck['timeout'], number>>(true),
    is<Equals<Spec['rollback'], { on_smoke_failure: boolean; confirm_within?: number }>>(true)
  ]
  expect(checks.every(Boolean)).toBe(true)
  const spec: Spec = parseSpec('app: shop\npath: /srv/shop\nhosts: [{ host: h, user: u }]\ninsecure_skip_host_key_check: true\n', '/tmp/s.yml')
  expect(spec.hosts[0]).toMatchObject({ port: 22, name: 'u@h:22' })
})
