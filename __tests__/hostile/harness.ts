/** Test support for hostile input: a spec workspace aimed at a real lab sshd, the CLI run in-process, its output. */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { run } from '../../src/cli/run.js'
import { LAB_USER, type Lab } from '../support/lab.js'

/** One malformed input: what to write, what to run, and where the error must point. */
export interface Row {
  name: string
  /** The spec text; `$ROOT`, `$PORT`, `$KEY`, `$KH`, `$WS` are filled in. */
  spec: string
  /** CLI arguments (default: deploy). */
  argv?: string[]
  /** The key path the message must name (as `: key: ` for spec problems; with `prefix`, `: key` then more). */
  key: string
  prefix?: boolean
  /** Where the error points: the text around it with `^` at the spot, "1:1", "*" (some line:col, e.g. a YAML syntax
   * error whose column is the parser's); null for CLI argument errors, which have no position. */
  at: string | null
  /** A fragment the message must contain. */
  says: string
  /** Files to create in the workspace (path → text), or symlinks (path → { link: target }). */
  files?: Record<string, string | { link: string }>
}

/** The spec every row starts from: valid, aimed at the lab (so a missed check would really connect). */
export const BASE = `app: shop
path: $ROOT
hosts:
  - host: 127.0.0.1
    port: $PORT
    user: ${LAB_USER}
    identity: $KEY
known_hosts: $KH
source:
  dir: app
  exclude: [slipway.yml]
`

/** The base spec with one text replaced. */
export const swap = (from: string, to: string): string => {
  if (!BASE.includes(from)) throw new Error(`base spec has no ${from}`)
  return BASE.replace(from, to)
}

/** The base spec with lines added at the end. */
export const add = (yaml: string): string => BASE + yaml + '\n'

/** A fresh workspace for a row: app/ with one file, the spec, extra files; returns its dir, spec text and filler. */
export function workspace(row: Row, lab: Lab, root: string): { dir: string; text: string; fill: (s: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-hostile-'))
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'app/index.html'), 'v1\n')
  for (const [path, what] of Object.entries(row.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    if (typeof what === 'string') writeFileSync(join(dir, path), what)
    else symlinkSync(what.link, join(dir, path))
  }
  const fill = (s: string) => s.replaceAll('$ROOT', root).replaceAll('$PORT', String(lab.port)).replaceAll('$KEY', lab.key).replaceAll('$KH', lab.knownHosts).replaceAll('$WS', dir)
  const text = fill(row.spec)
  writeFileSync(join(dir, 'slipway.yml'), text)
  return { dir, text, fill }
}

/** line:col of the `^` in `at`, found in `text`. */
export function position(text: string, at: string): string {
  if (at === '1:1') return at
  const needle = at.replace('^', '')
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`row position "${at}" is not in the spec`)
  const spot = index + at.indexOf('^')
  const before = text.slice(0, spot)
  return `${before.split('\n').length}:${spot - before.lastIndexOf('\n')}`
}

/** Runs the CLI in-process; returns its exit code and what it printed. */
export async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s), cwd })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** How many connections the lab's sshd has logged so far. */
export function connections(lab: Lab): number {
  return readFileSync(join(lab.dir, 'sshd.log'), 'utf8').split('\n').filter((l) => l.includes('Connection from')).length
}
