/**
 * Cancelling the CLI the way CI does (SIGINT, SIGTERM, then the same signal again), on a real sshd: the run
 * undoes what it did and releases its lock, so the next deploy needs no person.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deployInterrupted, SLIPWAY } from '../support/cli.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const bin = SLIPWAY
const env = { ...process.env, GITHUB_ACTOR: 'cancel-test' }

const interrupted = (cwd: string, when: string, signals: NodeJS.Signals[]) => deployInterrupted(cwd, when, signals, { env })
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
const records = (root: string) => readdirSync(join(root, '.slipway/releases')).sort().map((f) => JSON.parse(readFileSync(join(root, '.slipway/releases', f), 'utf8')) as { id: string; state: string; note?: string })

function setup() {
  const root = deployRoot()
  const app = appDir({ 'index.html': 'v1\n' })
  writeSpec(app, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nbuild:\n  - if [ -f slow-build ]; then echo slow build; sleep 4; touch built-after-sleep; fi\nsmoke:\n  - { name: wait, run: "if [ -f slow-smoke ]; then sleep 4; fi" }\n`)
  const first = spawnSync('node', [bin, 'deploy'], { cwd: app, env, encoding: 'utf8', timeout: 60000 })
  expect(first.status).toBe(0)
  return { root, app, v1: current(root) }
}

describe('cancelling a deploy', () => {
  test('SIGTERM during the build: exit 143, the release is marked failed, current unchanged, the lock released', async () => {
    const t = setup()
    writeFileSync(join(t.app, 'slow-build'), '')
    const r = await interrupted(t.app, 'slow build', ['SIGTERM'])
    expect(r.code).toBe(143)
    expect(r.err).toMatch(/slipway: deploy of \S+ was cancelled by SIGTERM; current is unchanged; the lock is released/)
    expect(current(t.root)).toBe(t.v1)
    expect(records(t.root).map((x) => x.state)).toEqual(['healthy', 'failed'])
    expect(records(t.root)[1].note).toBe('cancelled by SIGTERM')
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
    const next = spawnSync('node', [bin, 'deploy'], { cwd: t.app, env, encoding: 'utf8', timeout: 60000 })
    expect(next.status).toBe(0)
  })

  test('SIGINT after the switch (during the smoke checks): exit 130, switched back, marked failed, the lock released', async () => {
    const t = setup()
    writeFileSync(join(t.app, 'slow-smoke'), '')
    const r = await interrupted(t.app, '==> Smoke tests', ['SIGINT'])
    expect(r.code).toBe(130)
    // The smoke check in flight ends 4 s after the signal; the undo (a host job) is followed to its end, or, 5 s after
    // the signal, left to the host to finish (so the run exits within GitHub's grace): either way it completes.
    expect(r.err).toMatch(new RegExp(`was cancelled by SIGINT( after the switch and was rolled back to ${t.v1}; the lock is released|; its undo \\(back to ${t.v1}\\) runs on as a host job)`))
    for (let i = 0; i < 100 && existsSync(join(t.root, '.slipway/lock')); i++) await new Promise((res) => setTimeout(res, 100))
    expect(current(t.root)).toBe(t.v1)
    expect(records(t.root).map((x) => x.state)).toEqual(['healthy', 'failed'])
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a second SIGTERM releases the lock at once, without waiting for the build in flight', async () => {
    const t = setup()
    writeFileSync(join(t.app, 'slow-build'), '')
    const r = await interrupted(t.app, 'slow build', ['SIGTERM', 'SIGTERM'])
    expect(r.code).toBe(143)
    expect(r.err).toContain('stopped at once (SIGTERM, a second time): the lock is released, nothing was undone')
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
    const building = records(t.root)[1]
    expect(existsSync(join(t.root, 'releases', building.id, 'built-after-sleep'))).toBe(false)
    expect(current(t.root)).toBe(t.v1)
  })
})
