/**
 * `command: check` — the PR migration-safety check: annotations for the worst findings (GitHub shows 10 per
 * level per step), the full table in the job summary, and a SARIF file for github/codeql-action/upload-sarif.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { checkMigrations, formatGithub, formatSarif, formatText, type CheckConfig, type CheckResult, type RollbackCheck } from '../check/index.js'
import { rollbackChecks } from '../deploy/smoke.js'
import { checkMarkdown } from '../report/summary.js'
import type { Context, Outcome } from './context.js'
import type { Settings } from './inputs.js'
import { loadActionSpec } from './spec.js'

/** Stands in for known_hosts while reading the spec for the check, which connects to no host. */
const NO_HOSTS = '# the migration check connects to no host\n'

/** The spec's `check:` section, when the spec file exists (its hosts are not used, so no known_hosts is needed). */
export function checkConfig(settings: Settings): CheckConfig | undefined {
  return checkSpec(settings).config
}

/** The spec's `check:` section and its smoke checks (for verify-rollback), when the spec file exists. */
function checkSpec(settings: Settings): { config?: CheckConfig; smoke: RollbackCheck[] } {
  if (!existsSync(settings.spec)) return { smoke: [] }
  const spec = loadActionSpec(settings.spec, settings.environment, undefined, settings.knownHosts ?? NO_HOSTS)
  return { ...(spec.check ? { config: spec.check } : {}), smoke: rollbackChecks(spec.smoke) }
}

/** The git ref a pull request is checked against: the event's base sha, else origin/<base branch>, else none (check all). */
export function baseRef(env: NodeJS.ProcessEnv, payload: PullRequestPayload): string | undefined {
  const sha = payload.pull_request?.base?.sha
  return (typeof sha === 'string' && sha) || (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined)
}

/** The part of the event payload (GITHUB_EVENT_PATH) the check reads. */
export interface PullRequestPayload {
  pull_request?: { base?: { sha?: unknown }; [key: string]: unknown }
}

/** Findings with file paths relative to the repository root (annotations and SARIF need that), not the working directory. */
export function fromRepoRoot(result: CheckResult, workspace: string, workingDirectory: string): CheckResult {
  const prefix = relative(workspace, workingDirectory).split(sep).join('/')
  if (!prefix || prefix.startsWith('..')) return result
  const move = <T extends { file: string }>(f: T): T => ({ ...f, file: `${prefix}/${f.file}` })
  return { ...result, findings: result.findings.map(move), suppressed: result.suppressed.map(move), files: result.files.map((f) => `${prefix}/${f}`) }
}

/** Runs the check; fails the step (without an extra annotation) when error-level findings remain. */
export async function checkCommand(ctx: Context, payload: PullRequestPayload): Promise<Outcome> {
  const { log, env, settings } = ctx
  const base = baseRef(env, payload)
  const raw = await log.group(`Check migrations${base ? ` changed since ${base}` : ''}`, () => {
    const { config, smoke } = checkSpec(settings)
    const rollback = settings.verifyRollback ? { verifyRollback: true, smoke } : {}
    return checkMigrations({ cwd: settings.workingDirectory, ...(base ? { base } : {}), ...(config ? { config } : {}), ...rollback })
  })
  const result = fromRepoRoot(raw, env.GITHUB_WORKSPACE || settings.workingDirectory, settings.workingDirectory)
  log.info(formatText(result))
  log.commands(formatGithub(result, { limit: 10 }))
  const sarif = join(env.RUNNER_TEMP || tmpdir(), `slipway-check-${env.GITHUB_RUN_ID || process.pid}.sarif`)
  writeFileSync(sarif, formatSarif(result))
  const { error, warning, notice } = result.counts
  return {
    outputs: { findings: JSON.stringify({ error, warning, notice }), sarif },
    summary: checkMarkdown(result, sarif),
    ...(result.exitCode ? { failure: `migration check: ${error} error-level finding(s); see the annotations and the job summary`, quiet: true } : {})
  }
}
