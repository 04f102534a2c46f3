import { existsSync } from 'node:fs'
import { copyFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { finding, type Site } from '../catalog.js'
import { CheckInputError } from '../errors.js'
import { relativePath } from '../files.js'
import type { Migration } from '../php/migration.js'
import type { Finding, VerifyOutcome } from '../types.js'
import { scratchApp, type RunResult, type ScratchApp } from './app.js'
import { parseDsn } from './dsn.js'

/** Input of {@link verifyMigrations}. */
export interface VerifyInput {
  cwd: string
  /** The Laravel app (with artisan) to copy. */
  app: string
  /** Absolute paths of the migrations to run, with what the static read found in them (for finding positions). */
  files: Array<{ path: string; migration: Migration }>
  /** DSN of the scratch database server (`sqlite` by default). */
  database: string
}

/** Schema lines only before (`-`) and only after (`+`). */
export function schemaDiff(before: string[], after: string[]): string {
  const a = new Set(before)
  const b = new Set(after)
  return [...before.filter((l) => !b.has(l)).map((l) => `- ${l}`), ...after.filter((l) => !a.has(l)).map((l) => `+ ${l}`)].join('\n')
}

/** The last lines of a command's output, blank lines and stack frames left out. */
function tail(r: RunResult, lines = 12): string {
  return r.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^#\d+ /.test(l)).slice(-lines).join('\n')
}

/**
 * Runs each migration for real on a copy of the app: `migrate` (up), snapshot, `migrate:rollback --step=1` (down),
 * compare with the schema before, `migrate` again and compare with the first up. The baseline is every other
 * migration of the app, migrated first.
 */
export async function verifyMigrations(input: VerifyInput): Promise<{ outcomes: VerifyOutcome[]; findings: Finding[] }> {
  const target = parseDsn(input.database)
  const files = [...input.files].sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : 1))
  if (files.length === 0) return { outcomes: [], findings: [] }
  if (!existsSync(join(input.app, 'artisan'))) throw new CheckInputError(`--verify: no artisan in ${input.app} (point --app at the Laravel app)`)
  let app: ScratchApp
  try {
    app = await scratchApp(input.app, target, { exclude: new Set(files.map((f) => basename(f.path))) })
  } catch (e) {
    throw new CheckInputError(`--verify: ${(e as Error).message}`)
  }
  try {
    const baseline = await app.artisan(['migrate'])
    if (baseline.code !== 0) throw new CheckInputError(`--verify: the app's other migrations fail before the checked ones run:\n${tail(baseline)}`)
    const outcomes: VerifyOutcome[] = []
    const findings: Finding[] = []
    let broken: string | undefined
    for (const f of files) {
      const file = relativePath(input.cwd, f.path)
      if (broken) { outcomes.push({ file, status: 'skipped', detail: broken }); continue }
      const upAt: Site = { file, ...(f.migration.up?.span ?? f.migration.span) }
      const downAt: Site = { file, ...(f.migration.down?.span ?? f.migration.span) }
      const outcome = await verifyOne(app, f.path)
      outcomes.push({ file, ...outcome })
      if (outcome.status !== 'ok') {
        // Start the next migration from a clean schema: this one's leftovers would blur its diff.
        if (outcome.status.endsWith('failed')) await rm(join(app.migrations, basename(f.path)), { force: true })
        const fresh = await app.artisan(['migrate:fresh'])
        if (fresh.code !== 0) broken = `the scratch database could not be rebuilt after ${basename(f.path)}:\n${tail(fresh)}`
      }
      const detail = outcome.detail
      const name = basename(f.path)
      switch (outcome.status) {
        case 'up-failed': findings.push(finding('verify-up-failed', upAt, `php artisan migrate fails on ${name}`, detail)); break
        case 'down-failed': findings.push(finding('verify-down-failed', downAt, `php artisan migrate:rollback fails right after ${name} ran`, detail)); break
        case 'down-mismatch': findings.push(finding('verify-down-mismatch', downAt, `rolling back ${name} does not restore the schema it started from`, detail)); break
        case 'reapply-failed': findings.push(finding('verify-reapply-failed', upAt, `${name} fails when migrated again after its rollback`, detail)); break
        case 'reapply-mismatch': findings.push(finding('verify-reapply-mismatch', upAt, `${name} gives a different schema when migrated again after its rollback`, detail)); break
      }
    }
    return { outcomes, findings }
  } finally {
    await app.dispose()
  }
}

async function verifyOne(app: ScratchApp, path: string): Promise<Omit<VerifyOutcome, 'file'>> {
  const target = join(app.migrations, basename(path))
  const before = await app.snapshot()
  await copyFile(path, target)
  const up = await app.artisan(['migrate'])
  if (up.code !== 0) return { status: 'up-failed', detail: tail(up) }
  const afterUp = await app.snapshot()
  const down = await app.artisan(['migrate:rollback', '--step=1'])
  if (down.code !== 0) return { status: 'down-failed', detail: tail(down) }
  const afterDown = await app.snapshot()
  const downDiff = schemaDiff(before, afterDown)
  const again = await app.artisan(['migrate'])
  if (downDiff) {
    const note = again.code !== 0 ? `\nmigrating again then fails:\n${tail(again, 4)}` : ''
    return { status: 'down-mismatch', detail: `schema after rollback vs before up():\n${downDiff}${note}` }
  }
  if (again.code !== 0) return { status: 'reapply-failed', detail: tail(again) }
  const upDiff = schemaDiff(afterUp, await app.snapshot())
  if (upDiff) return { status: 'reapply-mismatch', detail: `schema after second up() vs first up():\n${upDiff}` }
  return { status: 'ok' }
}
