/**
 * Rolling and canary rollouts on a fleet of 6 hosts (each its own sshd, mount namespace and disk): every host is
 * prepared first, then batches switch in turn, each gated by the smoke checks (a command on each host that fails
 * where a marker file is on that host's disk). A stop switches back every host already switched and never switches
 * the later batches; within strategy.max_failed a failing host is switched back alone and the rollout goes on.
 * After each scenario the release every host serves is printed and asserted.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { unlock } from '../../src/deploy/releases.js'
import { loadSpec } from '../../src/spec/load.js'
import type { Spec } from '../../src/spec/types.js'
import { startFleet, type Fleet } from '../support/fleet.js'
import { appDir, writeSpec } from '../support/lab.js'

let fleet: Fleet
let file: string
let good: string

beforeAll(async () => {
  fleet = await startFleet(6)
  const app = appDir({ 'index.html': 'v1\n' })
  file = writeSpec(app, [
    'app: shop', `path: ${fleet.path}`, fleet.yaml(),
    'source:', '  exclude: [slipway.yml]',
    'smoke:', '  - { name: up, run: "test ! -e /srv/slipway-hosts/smoke-fails" }',
    'rollback:', '  confirm_within: 20',
    'timeouts:', '  connect: 3', '  keepalive: 1', ''
  ].join('\n'))
  good = (await deploy({ spec: loadSpec(file) })).release
}, 90000)
afterAll(() => fleet?.stop())

const withStrategy = (strategy: Partial<Spec['strategy']>): Spec => {
  const spec = loadSpec(file)
  return { ...spec, strategy: { ...spec.strategy, ...strategy } }
}
const names = (...n: number[]) => n.map((i) => `h0${i}`)
const failOn = (...hosts: number[]) => hosts.forEach((n) => writeFileSync(join(fleet.hosts[n - 1].lab.disk!, 'smoke-fails'), ''))
const clear = () => fleet.hosts.forEach((h) => rmSync(join(h.lab.disk!, 'smoke-fails'), { force: true }))
const state = (n: number, id: string) => (JSON.parse(readFileSync(join(fleet.hosts[n - 1].root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string }).state

async function failed(spec: Spec): Promise<DeployError> {
  const err = (await deploy({ spec }).catch((e) => e)) as DeployError
  expect(err).toBeInstanceOf(DeployError)
  console.log(`${err.message.split('\n').slice(-2).join(' | ')} (exit ${err.exitCode})\n${err.result.ledger.map((e) => `  ${e.host} serves=${e.serves} switched=${e.switched} rolledBack=${e.rolledBack}${e.error ? ` error=${e.error}` : ''}`).join('\n')}`)
  return err
}

describe('strategies on 6 hosts', () => {
  test('rolling [1, 2]: a smoke failure in the second batch switches the first two batches back; later batches never switch', async () => {
    failOn(3)
    const err = await failed(withStrategy({ kind: 'rolling', batches: [1, 2] }))
    clear()
    const id = err.result.release
    expect(err.exitCode).toBe(1) // failed cleanly: every host on the same release
    expect(err.message).toContain('smoke check failed: up on h03')
    expect(err.message).toContain('rollout stopped in batch 2 of 4: switched back h01, h02, h03; never switched: h04, h05, h06')
    expect(err.result.rollout!.batches).toEqual([names(1), names(2, 3), names(4, 5), names(6)])
    // What every host served after the first batch passed, as the report says it.
    expect(err.result.rollout!.timeline[0]).toBe(`batch 1/4 (h01) passed: h01=${id} ${names(2, 3, 4, 5, 6).map((h) => `${h}=${good}`).join(' ')}`)
    expect(err.result.ledger.map((e) => [e.switched, e.rolledBack])).toEqual([[true, true], [true, true], [true, true], [false, false], [false, false], [false, false]])
    expect(err.result.ledger.every((e) => e.prepared)).toBe(true)
    expect(fleet.serving('after the stop')).toEqual(Array(6).fill(good))
    for (let n = 1; n <= 6; n++) expect(state(n, id)).toBe('failed')
    expect(fleet.locked()).toEqual([])
  }, 120000)

  test('canary: a failing canary is switched back and no other host ever switches', async () => {
    failOn(4)
    const err = await failed(withStrategy({ kind: 'canary', canary: 'h04' }))
    clear()
    expect(err.exitCode).toBe(1)
    expect(err.message).toContain('rollout stopped in batch 1 of 2: switched back h04; never switched: h01, h02, h03, h05, h06')
    expect(err.result.ledger.filter((e) => e.switched).map((e) => e.host)).toEqual(['h04'])
    expect(fleet.serving('after the canary failed')).toEqual(Array(6).fill(good))
    expect(fleet.locked()).toEqual([])
  }, 120000)

  test('max_failed: 1 with one bad host: it is switched back alone, the rollout goes on, the report says the fleet is split', async () => {
    failOn(3)
    const err = await failed(withStrategy({ kind: 'rolling', batches: [2], max_failed: 1 }))
    clear()
    const id = err.result.release
    expect(err.exitCode).toBe(4) // hosts left on different releases
    expect(err.message).toBe(`deploy of ${id} is live on 5 of 6 hosts; h03 failed and serve ${good} again (within strategy.max_failed: 1). Fix the cause, then deploy again`)
    expect(err.result.rollout!.dropped).toEqual(['h03'])
    expect(fleet.serving('after the rollout')).toEqual([id, id, good, id, id, id])
    expect([1, 2, 3, 4, 5, 6].map((n) => state(n, id))).toEqual(['healthy', 'healthy', 'failed', 'healthy', 'healthy', 'healthy'])
    expect(fleet.locked()).toEqual([])
    // The next deploy brings every host to one release.
    const next = await deploy({ spec: withStrategy({ kind: 'rolling', batches: ['50%'] }) })
    expect(fleet.serving('next deploy')).toEqual(Array(6).fill(next.release))
    expect(next.rollout!.timeline).toHaveLength(2)
    good = next.release
  }, 150000)

  test('a host killed mid-rollout (before its batch): the rollout stops there, every switched host goes back, no crash', async () => {
    const spec = withStrategy({ kind: 'rolling', batches: [2] })
    // h05 (batch 3) dies while batch 1's checks run.
    const err = (await deploy({ spec, reporter: { ...silentReporterLike(), group: async (title, fn) => { if (title === 'Smoke tests' && !killed) { killed = true; fleet.kill(4) } return fn() } } }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    console.log(`${err.message.split('\n')[0]} (exit ${err.exitCode})`)
    expect(err.message).toContain('rollout stopped in batch 3 of 3: switched back h01, h02, h03, h04, h06; never switched: h05')
    // Nothing reached h05 after it died: it still serves the good release, so the fleet is consistent.
    expect(err.result.ledger[4]).toMatchObject({ serves: good, lockLeft: true })
    expect(err.result.ledger[4].error).toMatch(/^connection lost \(the connection closed\) before watchdog, switch/)
    expect(err.exitCode).toBe(1)
    expect(err.result.ledger.filter((_, i) => i !== 4).map((e) => [e.switched, e.rolledBack, e.serves])).toEqual(Array(5).fill([true, true, good]))
    fleet.restart(4)
    expect(fleet.serving('after the stop')).toEqual(Array(6).fill(good))
    // The killed host kept this run's lock (nobody could release it): it ages, then an unlock breaks it.
    const root = fleet.hosts[4].root
    if (fleet.locked().includes('h05')) execFileSync('touch', ['-d', '1 minute ago', join(root, '.slipway/lock/heartbeat'), join(root, '.slipway/lock/owner.json'), join(root, '.slipway/lock')])
    await unlock({ spec: loadSpec(file) })
    expect(fleet.locked()).toEqual([])
  }, 150000)
})

let killed = false
function silentReporterLike() {
  return { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, line: () => undefined, group: <T>(_t: string, fn: () => Promise<T>) => fn() }
}
