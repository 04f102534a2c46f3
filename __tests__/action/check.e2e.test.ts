/**
 * `command: check` end to end on dist/index.js: a pull request (event payload with its base sha) that adds two
 * unsafe migrations to the Laravel fixture → annotations on the right lines, the table in the summary, a SARIF
 * file with the findings, and a failed step.
 */
import { describe, expect, test } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commit, git, laravelRepo } from './support/laravel.js'
import { runStep } from './support/runner.js'

const scenarios = join(process.cwd(), '__tests__/fixtures/laravel-migrations')
const RENAME = 'database/migrations/2024_02_06_000000_rename_items_column.php'
const NO_DOWN = 'database/migrations/2024_02_04_000000_no_down_migration.php'

/** A repo at the PR's head; the base commit has only the fixture's own migration. */
function pullRequest(migrations: string[]) {
  const repo = laravelRepo()
  const base = git(repo, 'rev-parse', 'HEAD')
  for (const m of migrations) copyFileSync(join(scenarios, m.split('/').pop() as string), join(repo, m))
  commit(repo, {}, 'add migrations')
  const event = join(mkdtempSync(join(tmpdir(), 'slipway-event-')), 'event.json')
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base, ref: 'main' } } }))
  return { repo, env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_BASE_REF: 'main' } }
}

describe('the action\'s migration check on a pull request', () => {
  test('unsafe migrations: error annotations, summary table, SARIF output, failed step', async () => {
    const pr = pullRequest([NO_DOWN, RENAME])
    const run = await runStep({ inputs: { command: 'check', 'working-directory': pr.repo }, env: pr.env })
    expect(run.code).toBe(1)
    const annotations = run.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.name))
    expect(annotations.map((a) => [a.name, a.props.file, a.props.line, a.props.title])).toEqual([
      ['error', RENAME, '13', 'rename-column: breaks-running-code'],
      ['error', NO_DOWN, '8', 'missing-down: irreversible']
    ])
    expect(annotations[0].message.split('\n')[0]).toBe('renaming items.name to title breaks the code still using name during the rollout and after a code rollback')
    // The step fails without a third, generic error annotation (GitHub shows 10 errors per step).
    expect(run.text).toContain('migration check: 2 error-level finding(s); see the annotations and the job summary')

    expect(run.outputs.findings).toBe('{"error":2,"warning":0,"notice":0}')
    expect(run.outputs.sarif).toBe(join(run.env.RUNNER_TEMP, 'slipway-check-4242.sarif'))
    const sarif = JSON.parse(readFileSync(run.outputs.sarif, 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([
      ['missing-down', 'error', NO_DOWN, 8],
      ['rename-column', 'error', RENAME, 13]
    ])

    expect(run.summary).toContain('### ❌ Migration check: 2 error(s)\n\n2 file(s) checked: 2 error(s), 0 warning(s), 0 notice(s).\n')
    expect(run.summary).toContain('| Severity | Rule | Where | Problem | Fix |\n| --- | --- | --- | --- | --- |\n')
    expect(run.summary).toContain(`| error | rename-column | ${RENAME}:13 | renaming items.name to title breaks`)
    expect(run.summary).toContain(`| error | missing-down | ${NO_DOWN}:8 |`)
    expect(run.summary).toContain(`SARIF: ${run.outputs.sarif}\n`)
  })

  test('only migrations changed in the PR are checked; a safe PR passes', async () => {
    const pr = pullRequest(['database/migrations/2024_02_02_000000_create_orders_table.php'])
    const run = await runStep({ inputs: { command: 'check', 'working-directory': pr.repo }, env: pr.env })
    expect(run.code).toBe(0)
    expect(run.commands.filter((c) => ['error', 'warning'].includes(c.name))).toEqual([])
    expect(run.outputs.findings).toMatch(/^\{"error":0,/)
    expect(run.summary).toContain('### ✅ Migration check: no errors\n\n1 file(s) checked: 0 error(s)')
  })

  test('in a subdirectory of the workspace: annotation and SARIF paths are relative to the repository root', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'slipway-ws-'))
    const pr = pullRequest([RENAME])
    const app = join(workspace, 'app')
    mkdirSync(app)
    git(workspace, 'clone', '-q', pr.repo, app)
    const run = await runStep({ inputs: { command: 'check', 'working-directory': app }, env: { ...pr.env, GITHUB_WORKSPACE: workspace } })
    expect(run.code).toBe(1)
    expect(run.commands.filter((c) => c.name === 'error').map((c) => c.props.file)).toEqual([`app/${RENAME}`])
    const sarif = JSON.parse(readFileSync(run.outputs.sarif, 'utf8')) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }
    expect(sarif.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual([`app/${RENAME}`])
  })

  test('the spec\'s check: section applies (a rule lowered to a warning) without known_hosts: the check connects nowhere', async () => {
    const pr = pullRequest([NO_DOWN, RENAME])
    writeFileSync(join(pr.repo, 'slipway.yml'), 'app: shop\npath: /srv/shop\nhosts:\n  - { host: 203.0.113.10, user: deploy }\ncheck:\n  rules: { missing-down: warning }\n')
    const run = await runStep({ inputs: { command: 'check', 'working-directory': pr.repo }, env: pr.env })
    expect(run.code).toBe(1)
    expect(run.commands.filter((c) => ['error', 'warning'].includes(c.name)).map((c) => [c.name, c.props.file])).toEqual([['error', RENAME], ['warning', NO_DOWN]])
    expect(run.outputs.findings).toBe('{"error":1,"warning":1,"notice":0}')
  })
})

describe('verify-rollback: true', () => {
  test('the base revision\'s job (a run: smoke check) fails on the renamed column: an error annotation on the rename', async () => {
    const repo = laravelRepo()
    mkdirSync(join(repo, 'scripts'))
    const job = "<?php\nrequire __DIR__.'/../vendor/autoload.php';\n$app = require __DIR__.'/../bootstrap/app.php';\n$app->make(Illuminate\\Contracts\\Console\\Kernel::class)->bootstrap();\n" +
      "try { Illuminate\\Support\\Facades\\DB::table('items')->insert(['name' => 'smoke']); } catch (Throwable $e) { fwrite(STDERR, $e->getMessage() . \"\\n\"); exit(1); }\n"
    const spec = 'app: shop\npath: /srv/shop\nhosts:\n  - { host: 203.0.113.10, user: deploy }\nsmoke:\n  - { name: add-item, run: php scripts/add-item.php }\n'
    const base = commit(repo, { 'scripts/add-item.php': job, 'slipway.yml': spec }, 'base: a job writes items.name')
    copyFileSync(join(scenarios, RENAME.split('/').pop() as string), join(repo, RENAME))
    commit(repo, {}, 'rename items.name')
    const event = join(mkdtempSync(join(tmpdir(), 'slipway-event-')), 'event.json')
    writeFileSync(event, JSON.stringify({ pull_request: { number: 8, base: { sha: base, ref: 'main' } } }))
    const run = await runStep({ inputs: { command: 'check', 'working-directory': repo, 'verify-rollback': 'true' }, env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }, timeoutMs: 110000 })
    expect(run.code).toBe(1)
    const errors = run.commands.filter((c) => c.name === 'error')
    expect(errors.map((a) => [a.props.file, a.props.line, a.props.title])).toEqual([
      [RENAME, '10', 'verify-rollback-failed: breaks-running-code'], [RENAME, '13', 'rename-column: breaks-running-code']])
    expect(errors[0].message.split('\n')[0]).toBe(`the base revision (${base.slice(0, 12)}) fails smoke check "add-item" once 2024_02_06_000000_rename_items_column.php has run: a code rollback to it would break`)
    expect(run.outputs.findings).toBe('{"error":2,"warning":0,"notice":0}')
  }, 150000)
})
