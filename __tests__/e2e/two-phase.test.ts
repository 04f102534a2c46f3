/**
 * A two-phase deploy across CI jobs, as two CLI processes (the shards of a matrix) and one after them, on a fleet of
 * 4 hosts (each its own sshd, mount namespace and disk): `--phase prepare --release <id> --shard i/2` uploads and
 * builds on that shard's hosts and leaves the release `prepared`; `--phase switch --release <id>` checks that every
 * host has it prepared, then switches (smoke checks, confirm) — or touches nothing and names the hosts that lack it.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { slipwayBin } from '../support/cli.js'
import { startFleet, type Fleet } from '../support/fleet.js'
import { appDir, writeSpec } from '../support/lab.js'

let fleet: Fleet
let app: string
let v1: string

const slipway = (...args: string[]) => slipwayBin(app, args)

const state = (i: number, id: string) => (JSON.parse(readFileSync(join(fleet.hosts[i].root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string }).state
/** A release id for this moment, `plus` seconds ahead. */
const releaseId = (plus: number) => new Date(Date.now() + plus * 1000).toISOString().replace(/\D/g, '').slice(0, 14)

beforeAll(async () => {
  fleet = await startFleet(4)
  app = appDir({ 'index.html': 'v1\n' })
  writeSpec(app, ['app: shop', `path: ${fleet.path}`, fleet.yaml(), 'source:', '  exclude: [slipway.yml]', 'build:', '  - touch built', 'smoke:', '  - { name: built, run: "test -e built" }', ''].join('\n'))
  const first = await slipway('deploy')
  expect(first.code).toBe(0)
  v1 = fleet.serving()[0]
}, 90000)
afterAll(() => fleet?.stop())

test('two shards prepare in parallel, then one switch moves every host', async () => {
  const id = releaseId(5)
  const shards = await Promise.all([slipway('deploy', '--phase', 'prepare', '--release', id, '--shard', '1/2'), slipway('deploy', '--phase', 'prepare', '--release', id, '--shard', '2/2')])
  expect(shards.map((r) => r.code)).toEqual([0, 0])
  expect(shards[0].out).toContain(`Prepared ${id} to h01, h03`)
  expect(shards[1].out).toContain(`Prepared ${id} to h02, h04`)
  expect([0, 1, 2, 3].map((i) => state(i, id))).toEqual(Array(4).fill('prepared'))
  expect([0, 1, 2, 3].map((i) => existsSync(join(fleet.hosts[i].root, 'releases', id, 'built')))).toEqual(Array(4).fill(true))
  expect(fleet.serving()).toEqual(Array(4).fill(v1)) // nothing switched yet
  expect(fleet.locked()).toEqual([])

  const sw = await slipway('deploy', '--phase', 'switch', '--release', id)
  expect(sw.code).toBe(0)
  expect(sw.out).toContain(`Release ${id} is prepared on h01, h02, h03, h04: switching`)
  expect(fleet.serving()).toEqual(Array(4).fill(id))
  expect([0, 1, 2, 3].map((i) => state(i, id))).toEqual(Array(4).fill('healthy'))
  expect(fleet.locked()).toEqual([])
}, 120000)

test('a switch with a shard missing touches nothing and names the hosts; a release id is never prepared twice', async () => {
  const before = fleet.serving()
  const id = releaseId(10)
  expect((await slipway('deploy', '--phase', 'prepare', '--release', id, '--shard', '1/2')).code).toBe(0)
  const sw = await slipway('deploy', '--phase', 'switch', '--release', id)
  expect(sw.code).toBe(3) // nothing touched
  expect(sw.err).toContain(`release ${id} is not prepared on h02 (not there), h04 (not there); nothing was switched. Fix: run slipway deploy --phase prepare --release ${id}`)
  expect(fleet.serving()).toEqual(before)
  expect(fleet.locked()).toEqual([])
  const again = await slipway('deploy', '--phase', 'prepare', '--release', id, '--shard', '1/2')
  expect(again.code).toBe(3)
  expect(again.err).toContain(`release ${id} already exists on h01, h03; nothing was uploaded`)
}, 120000)

test('the two-phase flags are checked before anything connects', async () => {
  expect((await slipway('deploy', '--phase', 'switch', '--release', releaseId(0), '--shard', '1/2')).err).toContain('--shard is only for --phase prepare')
  expect((await slipway('deploy', '--phase', 'prepare')).err).toContain('--phase prepare needs --release <id>')
  const bad = await slipway('deploy', '--phase', 'prepare', '--release', releaseId(0), '--shard', '3/2')
  expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('--shard "3/2" is not i/n')])
  expect((await slipway('rollback', '--release', releaseId(0))).err).toContain('--release is only for deploy')
}, 60000)
