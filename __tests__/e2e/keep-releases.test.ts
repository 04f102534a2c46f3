/**
 * keep_releases counts healthy releases, end to end on a real sshd: 5 healthy deploys, 3 failed ones (before the
 * switch, and after it with an automatic rollback), then a healthy one, with keep_releases 5 — the failures are
 * pruned, the 5 newest healthy releases stay, and a rollback reaches each of them.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

let tick = Date.parse('2026-03-01T00:00:00Z')
const now = () => { const d = new Date(tick); tick += 1000; return () => d }
const current = (root: string) => readlinkSync(join(root, 'current')).replace('releases/', '')
const records = (root: string) => readdirSync(join(root, '.slipway/releases')).map((f) => f.replace(/\.json$/, '')).sort()

describe('keep_releases on a real sshd', () => {
  test('3 failures after 5 healthy releases, keep 5: the failures go first, every healthy one stays a rollback target', async () => {
    const root = deployRoot()
    const app = appDir({ VERSION: '0\n' })
    // A deploy fails before the switch when FAIL_BUILD exists, and after it (smoke check, automatic rollback) when FAIL_SMOKE does.
    const file = writeSpec(app, [
      'app: shop', `path: ${root}`, 'keep_releases: 5', hostsYaml([lab]),
      'build:', '  - test ! -f FAIL_BUILD',
      'smoke:', '  - { name: marker, run: "test ! -f FAIL_SMOKE" }', ''
    ].join('\n'))
    const spec = loadSpec(file)
    const version = (v: string, fail?: 'FAIL_BUILD' | 'FAIL_SMOKE') => {
      writeFileSync(join(app, 'VERSION'), `${v}\n`)
      for (const f of ['FAIL_BUILD', 'FAIL_SMOKE']) rmSync(join(app, f), { force: true })
      if (fail) writeFileSync(join(app, fail), '')
    }

    const healthy: string[] = []
    for (const v of ['1', '2', '3', '4', '5']) {
      version(v)
      healthy.push((await deploy({ spec, now: now(), actor: 'tester' })).release)
    }
    const failed: string[] = []
    for (const [v, how] of [['6', 'FAIL_BUILD'], ['7', 'FAIL_SMOKE'], ['8', 'FAIL_BUILD']] as const) {
      version(v, how)
      const error = await deploy({ spec, now: now(), actor: 'tester' }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(DeployError)
      failed.push((error as DeployError).result.release)
      expect(current(root)).toBe(healthy[4])
    }
    expect(failed.map((id) => (JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string }).state)).toEqual(['failed', 'failed', 'failed'])

    version('9')
    const ninth = await deploy({ spec, now: now(), actor: 'tester' })
    expect(ninth.removed[Object.keys(ninth.removed)[0]]).toEqual([...failed].reverse().concat(healthy[0]))
    const kept = [...healthy.slice(1), ninth.release]
    expect(readdirSync(join(root, 'releases')).sort()).toEqual(kept)
    expect(records(root)).toEqual(kept)

    // The default target is the newest healthy release before current; then each older healthy one by id.
    const first = await rollback({ spec, now: now(), actor: 'tester' })
    expect(first.release).toBe(healthy[4])
    for (const [i, id] of [...healthy.entries()].slice(1).reverse()) {
      if (id !== healthy[4]) expect((await rollback({ spec, now: now(), actor: 'tester', to: id })).release).toBe(id)
      expect(current(root)).toBe(id)
      expect(readFileSync(join(root, 'current/VERSION'), 'utf8')).toBe(`${i + 1}\n`)
    }
  }, 240_000)
})
