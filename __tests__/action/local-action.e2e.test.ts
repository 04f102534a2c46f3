/**
 * The bundle under GitHub's own local runner (`@github/local-action`), which imports dist/index.js and
 * dist/post.js and calls their exported `run()` in one process: deploy and rollback against a real sshd,
 * and the migration check. Each step runs exactly once, the post step runs and removes the key.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appDir, deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { runLocalAction, type LocalRun } from './support/local-action.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const current = (root: string) => readlinkSync(join(root, 'current'))
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string }

/** The key directory the main step wrote under RUNNER_TEMP, from the state it saved. */
const keyDir = (run: LocalRun) => (JSON.parse(run.state.slipway_paths) as string[])[0]

/** local-action itself reports an entry without run(), and a toolkit call its stubs lack, with these texts. */
function expectCleanRun(run: LocalRun): void {
  expect(run.log).not.toContain('does not export a run() function')
  expect(run.log).not.toContain('Cannot read properties of undefined')
  expect(run.log).toContain('Running Post Step')
}

describe('the bundle under @github/local-action', () => {
  test('deploy, then rollback: one release per run, live on the host; the post step removes the key; rollback switches back', async () => {
    const root = deployRoot()
    const app = appDir({ 'index.html': 'v1\n' })
    writeSpec(app, ['app: shop', `path: ${root}`, 'hosts:', `  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER} }`, 'keep_releases: 3', ''].join('\n'))
    const inputs = { 'working-directory': app, 'ssh-private-key': readFileSync(lab.key, 'utf8'), 'known-hosts': readFileSync(lab.knownHosts, 'utf8'), 'github-token': '' }

    const first = await runLocalAction(inputs)
    expectCleanRun(first)
    expect(first.code).toBe(0)
    const v1 = first.outputs.release
    expect(first.outputs).toEqual({ release: v1, 'previous-release': '', 'rolled-back': 'false', migrations: '{"ran":[],"steppedBack":[],"stillApplied":[]}', url: '' })
    expect(readdirSync(join(root, 'releases'))).toEqual([v1]) // the step ran once, not once on import and once more from run()
    expect(current(root)).toBe(`releases/${v1}`)
    expect(first.summary).toContain(`### ✅ Deployed ${v1}\n`)
    expect(keyDir(first).startsWith(`${first.runnerTemp}/slipway-`)).toBe(true)
    expect(existsSync(keyDir(first))).toBe(false)
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)

    writeFileSync(join(app, 'index.html'), 'v2\n')
    const second = await runLocalAction(inputs)
    expect(second.code).toBe(0)
    const v2 = second.outputs.release
    expect(readdirSync(join(root, 'releases')).sort()).toEqual([v1, v2])
    expect(readFileSync(join(root, 'current/index.html'), 'utf8')).toBe('v2\n')

    const back = await runLocalAction({ ...inputs, command: 'rollback' })
    expectCleanRun(back)
    expect(back.code).toBe(0)
    expect(back.outputs).toMatchObject({ release: v1, 'previous-release': v2, 'rolled-back': 'true' })
    expect(current(root)).toBe(`releases/${v1}`)
    expect(readFileSync(join(root, 'current/index.html'), 'utf8')).toBe('v1\n')
    expect(record(root, v2).state).toBe('rolled-back')
    expect(back.summary).toContain(`### ↩️ Rolled back ${v2} → ${v1}\n`)
    expect(existsSync(keyDir(back))).toBe(false)
  }, 300_000)

  test('check: findings as outputs and annotations, the step fails with exit code 1', async () => {
    const repo = appDir({ 'migrations/001_drop.sql': 'DROP TABLE users;\n' })
    const run = await runLocalAction({ command: 'check', 'working-directory': repo, 'github-token': '' })
    expectCleanRun(run)
    expect(run.code).toBe(1)
    expect(run.outputs.findings).toBe('{"error":1,"warning":1,"notice":0}')
    expect(run.outputs.sarif.startsWith(`${run.runnerTemp}/slipway-check-`)).toBe(true)
    expect(run.log).toContain('::error file=migrations/001_drop.sql,line=1,col=1,title=pg-drop-table%3A data-loss::DROP TABLE users destroys the table and its rows')
    expect(run.log).toContain('migration check: 1 error-level finding(s); see the annotations and the job summary')
  }, 120_000)
})
