/**
 * --verify-rollback: is a code rollback safe? A scratch database is migrated to the PR's head, the base revision
 * (a git worktree) is booted against it and its smoke checks run; each failing check is blamed on the migration
 * after which it starts failing, found by bisecting the PR's migrations.
 */
import { existsSync } from 'node:fs'
import { copyFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { finding } from '../catalog.js'
import { CheckInputError } from '../errors.js'
import { relativePath } from '../files.js'
import type { Migration } from '../php/migration.js'
import type { Finding, RollbackCheck, RollbackOutcome } from '../types.js'
import { scratchApp, type ScratchApp } from './app.js'
import { parseDsn } from './dsn.js'
import { DEFAULT_SERVE, runChecks, serve } from './serve.js'
import { checkoutBase } from './worktree.js'

/** Input of {@link verifyRollback}. */
export interface RollbackInput {
  cwd: string
  /** The Laravel app at the PR's head (with artisan), inside a git repository. */
  app: string
  /** The git ref the PR merges into; the merge base with HEAD is the revision booted. */
  base: string
  /** The PR's migrations (absolute paths), with what the static read found in them (for finding positions). */
  files: Array<{ path: string; migration: Migration }>
  database: string
  checks: RollbackCheck[]
  /** The command that serves the base revision for HTTP checks (`{port}` filled in). */
  serve?: string
}

type Results = Map<string, string | undefined>

/** A run of `migrate:fresh` that failed: the migrations after the baseline do not apply. */
class MigrateFailure extends Error {}

/** The base revision and the head's migrations, on one scratch database. */
interface Bench { head: ScratchApp; base: ScratchApp; files: RollbackInput['files']; probe(k: number): Promise<Results> }

async function setUp(input: RollbackInput, files: RollbackInput['files'], undo: Array<() => Promise<void>>): Promise<Bench & { commit: string }> {
  const target = parseDsn(input.database)
  const checkout = await checkoutBase(input.app, input.base)
  undo.push(() => checkout.remove())
  if (!existsSync(join(checkout.app, 'artisan'))) throw new CheckInputError(`--verify-rollback: the base revision ${checkout.commit.slice(0, 12)} has no artisan at the app's path`)
  const head = await scratchApp(input.app, target, { exclude: new Set(files.map((f) => basename(f.path))) }).catch((e: Error) => { throw new CheckInputError(`--verify-rollback: ${e.message}`) })
  undo.push(() => head.dispose())
  const base = await scratchApp(checkout.app, target, { shared: head.database, head: input.app })
  undo.push(() => base.dispose())
  const server = input.checks.some((c) => c.http !== undefined) ? await serve(base, input.serve ?? DEFAULT_SERVE).catch((e: Error) => { throw new CheckInputError(`--verify-rollback: ${e.message}`) }) : undefined
  if (server) undo.push(() => server.stop())
  const seen = new Map<number, Results>()
  const probe = async (k: number): Promise<Results> => {
    const known = seen.get(k)
    if (known) return known
    for (const f of files) await rm(join(head.migrations, basename(f.path)), { force: true })
    for (const f of files.slice(0, k)) await copyFile(f.path, join(head.migrations, basename(f.path)))
    const migrated = await head.artisan(['migrate:fresh'])
    if (migrated.code !== 0) throw new MigrateFailure(migrated.output)
    const results = await runChecks(base, server, input.checks)
    seen.set(k, results)
    return results
  }
  return { head, base, files, probe, commit: checkout.commit }
}

/** The smallest number of the PR's migrations after which `check` fails (it passes with none, fails with all). */
async function bisect(bench: Bench, check: string): Promise<number> {
  let pass = 0
  let fail = bench.files.length
  while (fail - pass > 1) {
    const mid = Math.floor((pass + fail) / 2)
    if ((await bench.probe(mid)).get(check) !== undefined) fail = mid
    else pass = mid
  }
  return fail
}

/** Runs the base revision's smoke checks on the head's schema; see the module comment. */
export async function verifyRollback(input: RollbackInput): Promise<{ outcomes: RollbackOutcome[]; findings: Finding[] }> {
  if (input.checks.length === 0) throw new CheckInputError('--verify-rollback: no smoke checks to run (add them to the spec\'s smoke: list)')
  const files = [...input.files].sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : 1))
  if (files.length === 0) return { outcomes: [], findings: [] }
  if (!existsSync(join(input.app, 'artisan'))) throw new CheckInputError(`--verify-rollback: no artisan in ${input.app} (point --app at the Laravel app)`)
  const undo: Array<() => Promise<void>> = []
  try {
    const bench = await setUp(input, files, undo)
    return await attribute(input, bench, bench.commit.slice(0, 12))
  } finally {
    for (const step of undo.reverse()) await step().catch(() => undefined)
  }
}

async function attribute(input: RollbackInput, bench: Bench, commit: string): Promise<{ outcomes: RollbackOutcome[]; findings: Finding[] }> {
  let all: Results
  try {
    all = await bench.probe(bench.files.length)
  } catch (e) {
    if (!(e instanceof MigrateFailure)) throw e
    return { outcomes: [], findings: [migrateFailed(input, bench, e)] }
  }
  const failing = input.checks.filter((c) => all.get(c.name) !== undefined)
  if (failing.length > 0) await passesBefore(bench, commit, failing)
  const outcomes: RollbackOutcome[] = []
  const findings: Finding[] = []
  for (const check of input.checks) {
    if (all.get(check.name) === undefined) { outcomes.push({ check: check.name, status: 'passed' }); continue }
    const k = await bisect(bench, check.name)
    const f = bench.files[k - 1] as RollbackInput['files'][number]
    const file = relativePath(input.cwd, f.path)
    const detail = (await bench.probe(k)).get(check.name) as string
    outcomes.push({ check: check.name, status: 'failed', file, detail })
    const at = { file, ...(f.migration.up?.span ?? f.migration.span) }
    findings.push(finding('verify-rollback-failed', at, `the base revision (${commit}) fails smoke check "${check.name}" once ${basename(f.path)} has run: a code rollback to it would break`, detail))
  }
  return { outcomes, findings }
}

/** The checks that fail on the head's schema must pass on the base's own schema, or the PR is not what breaks them. */
async function passesBefore(bench: Bench, commit: string, failing: RollbackCheck[]): Promise<void> {
  const baseline = await bench.probe(0).catch((e: unknown) => {
    throw e instanceof MigrateFailure ? new CheckInputError(`--verify-rollback: the app's other migrations fail before the PR's run:\n${e.message.slice(-1500)}`) : e
  })
  const broken = failing.filter((c) => baseline.get(c.name) !== undefined)
  if (broken.length) throw new CheckInputError(`--verify-rollback: the base revision ${commit} fails its own smoke checks before the PR's migrations run:\n${broken.map((c) => `${c.name}: ${baseline.get(c.name) as string}`).join('\n')}`)
}

/** A PR whose migrations do not apply: `verify-up-failed` on the one named last in the output. */
function migrateFailed(input: RollbackInput, bench: Bench, e: MigrateFailure): Finding {
  const names = bench.files.map((f) => basename(f.path))
  const name = [...names].reverse().find((n) => e.message.includes(n.replace(/\.php$/, ''))) ?? names[names.length - 1] as string
  const f = bench.files[names.indexOf(name)] as RollbackInput['files'][number]
  const at = { file: relativePath(input.cwd, f.path), ...(f.migration.up?.span ?? f.migration.span) }
  return finding('verify-up-failed', at, `php artisan migrate fails on ${name}`, e.message.split('\n').slice(-12).join('\n'))
}
