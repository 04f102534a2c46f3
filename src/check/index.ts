import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { collectFiles, relativePath, roots } from './files.js'
import { ColumnHistory } from './php/history.js'
import { checkPhpFile } from './php/check-file.js'
import type { Migration } from './php/migration.js'
import { Apps } from './php/app.js'
import { configuredDatabase } from './php/database.js'
import { selectChanged } from './select.js'
import { checkSqlFile } from './sql/check-file.js'
import { loadSqlParser } from './sql/parse.js'
import { RULES, ruleInfo } from './catalog.js'
import { CheckInputError } from './errors.js'
import { applySuppressions, readDirectives, validateConfig, type Directive, type LineRange } from './suppress.js'
import type { CheckConfig, CheckOptions, CheckResult, Finding, SuppressedFinding } from './types.js'
import { verifyMigrations, type VerifyInput } from './verify/index.js'
import { verifyRollback } from './verify/rollback.js'

export type { CheckConfig, CheckOptions, CheckResult, Finding, HttpReply, Reason, RollbackCheck, RollbackOutcome, RuleInfo, Severity, SuppressedFinding, VerifyOutcome } from './types.js'
export { RULES } from './catalog.js'
export { CheckInputError } from './errors.js'
export { formatText } from './format/text.js'
export { formatJson } from './format/json.js'
export { formatSarif, type SarifFormatOptions } from './format/sarif.js'
export { formatGithub, type GithubFormatOptions } from './format/github.js'

/**
 * Checks migrations for safety before they merge: Laravel migrations (PHP, read with php-parser) and `.sql` files
 * (read with the PostgreSQL parser) against rules for locks, code that breaks during a rollout, data loss and
 * missing or wrong rollbacks; with `verify`, also runs the Laravel migrations up → down → up on a scratch database.
 *
 * Throws CheckInputError on bad input (missing path, bad git ref, ignore entry without reason).
 */
export async function checkMigrations(options: CheckOptions = {}): Promise<CheckResult> {
  const cwd = resolve(options.cwd ?? process.cwd())
  const config: CheckConfig = options.config ?? {}
  validateConfig(config, (id) => RULES.some((r) => r.id === id))
  const paths = options.paths && options.paths.length > 0 ? options.paths : config.paths
  const collected = await collectFiles(cwd, paths)
  let files = collected.files
  const raw: Finding[] = []
  if (options.base) {
    const selection = await selectChanged(cwd, options.base, files.map((f) => relativePath(cwd, f)), roots(cwd, paths))
    files = selection.files
    raw.push(...selection.findings)
  }
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')))
  // The PostgreSQL parser (WASM) loads only when there is SQL to read.
  if (files.some((f) => f.endsWith('.sql')) || texts.some((t) => /statement\s*\(|unprepared\s*\(/.test(t))) await loadSqlParser()
  const app = resolve(cwd, options.app ?? config.verify?.app ?? '.')
  const apps = appsOf(config, options.app ?? config.verify?.app ? app : undefined)
  const migrations = new Map<string, Migration | undefined>()
  const history = new ColumnHistory(migrations)
  const directives = new Map<string, Directive[]>()
  files.forEach((abs, i) => {
    const file = relativePath(cwd, abs)
    const text = texts[i] as string
    const result = checkFile(abs, file, text, apps, history, migrations)
    const inline = readDirectives(file, text, result.statements)
    directives.set(file, inline.directives)
    raw.push(...result.findings, ...inline.findings)
  })
  const php = files.flatMap((path) => { const migration = migrations.get(path); return migration ? [{ path, migration }] : [] })
  const ran = await runMigrations(options, config, { cwd, app, files: php, database: options.database ?? config.verify?.database ?? 'sqlite' })
  raw.push(...ran.findings)
  const findings: Finding[] = []
  const suppressed: SuppressedFinding[] = []
  for (const f of overrideSeverities(applyPolicy(raw, config.policy), config.rules)) {
    const split = applySuppressions([f], directives.get(f.file) ?? [], config.ignore)
    findings.push(...split.kept)
    suppressed.push(...split.suppressed)
  }
  findings.sort(byPosition)
  suppressed.sort(byPosition)
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  const result: CheckResult = { findings, suppressed, files: files.map((f) => relativePath(cwd, f)), skipped: collected.skipped, counts, exitCode: counts.error > 0 ? 1 : 0 }
  if (ran.verify) result.verify = ran.verify
  if (ran.verifyRollback) result.verifyRollback = ran.verifyRollback
  return result
}

/** `verify` and `verifyRollback`: the migrations run for real on scratch databases. */
async function runMigrations(options: CheckOptions, config: CheckConfig, input: VerifyInput): Promise<Pick<CheckResult, 'verify' | 'verifyRollback'> & { findings: Finding[] }> {
  const out: Pick<CheckResult, 'verify' | 'verifyRollback'> & { findings: Finding[] } = { findings: [] }
  if (options.verify) {
    const run = await verifyMigrations(input)
    out.verify = run.outcomes
    out.findings.push(...run.findings)
  }
  if (options.verifyRollback) {
    if (!options.base) throw new CheckInputError('--verify-rollback needs --base: the revision whose code must still run on the new schema')
    const serve = config.verify?.serve
    const run = await verifyRollback({ ...input, base: options.base, checks: options.smoke ?? [], ...(serve ? { serve } : {}) })
    out.verifyRollback = run.outcomes
    out.findings.push(...run.findings)
  }
  return out
}

/** Checks one file: SQL with the PostgreSQL rules, PHP with the Laravel rules (its migration is kept for history and --verify). */
function checkFile(abs: string, file: string, text: string, apps: Apps, history: ColumnHistory, migrations: Map<string, Migration | undefined>):
  { findings: Finding[]; statements: LineRange[] } {
  if (abs.endsWith('.sql')) return checkSqlFile(file, text)
  const php = checkPhpFile(text, { file, ...apps.for(dirname(abs)), previousColumn: (t, c) => history.previous(abs, t, c) })
  migrations.set(abs, php.migration)
  return php
}

/** The app facts source: the spec's check.laravel / check.database settings, the --app directory, else found per file. */
function appsOf(config: CheckConfig, root: string | undefined): Apps {
  const fixed: ConstructorParameters<typeof Apps>[0] = {}
  if (config.laravel !== undefined) fixed.laravel = { major: config.laravel, source: `check.laravel: ${config.laravel}` }
  if (config.database !== undefined) {
    try { fixed.database = configuredDatabase(config.database) } catch (e) { throw new CheckInputError((e as Error).message) }
  }
  if (root !== undefined) fixed.root = root
  return new Apps(fixed)
}

/** `check.policy: forward-only`: a migration without a rollback is the team's choice, said as a notice, not an error. */
function applyPolicy(findings: Finding[], policy: CheckConfig['policy']): Finding[] {
  if (policy !== 'forward-only') return findings
  return findings.map((f) => f.ruleId === 'missing-down' || f.ruleId === 'empty-down'
    ? { ...f, severity: 'notice', message: `${f.message} (check.policy: forward-only: a release that ships it cannot step its schema back)` }
    : f)
}

function overrideSeverities(findings: Finding[], rules: CheckConfig['rules']): Finding[] {
  return findings.flatMap((f) => {
    const level = rules?.[f.ruleId]
    if (level === undefined && ruleInfo(f.ruleId).optIn) return []
    if (level === 'off') return []
    return level ? [{ ...f, severity: level }] : [f]
  })
}

function byPosition(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
}
