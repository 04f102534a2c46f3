/** The deploy spec after validation and defaults: one type for the action, the CLI and the library. */

/** One SSH target. */
export interface HostSpec {
  host: string
  port: number
  user: string
  identity?: string
  host_key?: string
  /** Label for logs: `name` from the spec, or user@host:port. */
  name: string
}

/** An HTTP smoke check. */
export interface HttpCheck {
  name: string
  http: string
  from: 'runner' | 'host'
  method: string
  status: number
  contains?: string
  header?: string
  timeout: number
  retries: number
  deadline: number
}

/** A command smoke check, run on the host in the new current release. */
export interface RunCheck {
  name: string
  run: string
  timeout: number
}

/** One smoke check. */
export type SmokeCheck = HttpCheck | RunCheck

import type { CheckConfig } from '../check/types.js'

/** Database migrations. */
export interface MigrateSpec {
  preset?: 'laravel'
  commands?: { run: string; status?: string; step_back?: string }
  step_back: 'auto' | 'never'
  backup?: string
  on?: string
}

/** A validated deploy spec with every default filled in. */
export interface Spec {
  app: string
  path: string
  keep_releases: number
  hosts: HostSpec[]
  known_hosts?: string
  insecure_skip_host_key_check: boolean
  /** `allow_external_symlinks`: upload symlinks that point outside the source dir (refused by default). */
  source: { dir: string; exclude: string[]; allow_external_symlinks: boolean }
  shared: { files: string[]; dirs: string[] }
  writable: string[]
  copy_from_previous: string[]
  build: string[]
  activate: string[]
  rollback_hooks: string[]
  smoke: SmokeCheck[]
  preset?: 'laravel'
  php_fpm_reload?: string
  migrate?: MigrateSpec
  check?: CheckConfig
  rollback: { on_smoke_failure: boolean; confirm_within?: number }
  timeouts: { connect: number; command: number; idle: number }
  /** Where the spec was read from (for messages), and the directory relative paths resolve against. */
  file: string
  baseDir: string
  /** line:col of a key path (e.g. `hosts[0].identity`) in the spec file, for messages; absent for specs built in code. */
  where?: (path: string) => { line: number; col: number }
}
