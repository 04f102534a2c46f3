/**
 * The fleet lock cannot deadlock: two deploys started together on 10 hosts (each its own sshd and disk), 20 times.
 * Both take the primary host's lock first (h01, the first by name), so exactly one proceeds each time; the other
 * stops there having taken nothing, exits 3 ("nothing touched") and names the holder. The winner's build fails at
 * once (a short trial), and every lock is gone after each trial.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { LockedError } from '../../src/deploy/run.js'
import { loadSpec } from '../../src/spec/load.js'
import { startFleet, type Fleet } from '../support/fleet.js'
import { appDir, writeSpec } from '../support/lab.js'

let fleet: Fleet
let file: string

beforeAll(async () => {
  fleet = await startFleet(10)
  const app = appDir({ 'index.html': 'v1\n' })
  file = writeSpec(app, ['app: shop', `path: ${fleet.path}`, fleet.yaml(), 'source:', '  exclude: [slipway.yml]', 'build:', '  - exit 3', ''].join('\n'))
}, 60000)
afterAll(() => fleet?.stop())

test('two deploys started together on 10 hosts, 20 times: exactly one proceeds, the other takes nothing and names the holder', async () => {
  let proceeded = 0
  for (let trial = 0; trial < 20; trial++) {
    const runs = await Promise.allSettled([deploy({ spec: loadSpec(file), actor: 'alice' }), deploy({ spec: loadSpec(file), actor: 'bob' })])
    const reasons = runs.map((r) => (r as PromiseRejectedResult).reason as Error)
    const winners = reasons.filter((e) => e instanceof DeployError)
    const losers = reasons.filter((e) => e instanceof LockedError) as LockedError[]
    expect([winners.length, losers.length]).toEqual([1, 1])
    const winner = reasons.indexOf(winners[0]) === 0 ? 'alice' : 'bob'
    expect(losers[0].host).toBe('h01')
    expect(losers[0].exitCode).toBe(3)
    expect(losers[0].message).toContain(`another operation holds the deploy lock: deploy of shop by ${winner} since `)
    expect(fleet.locked()).toEqual([])
    proceeded++
  }
  console.log(`two deploys together on 10 hosts: exactly one proceeded in ${proceeded}/20 trials`)
  expect(proceeded).toBe(20)
}, 240000)
