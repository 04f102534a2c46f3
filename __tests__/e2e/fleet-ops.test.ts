/**
 * Incident commands on a fleet of 3 hosts (each its own sshd, mount namespace and disk), through the CLI's own
 * code (`run`, in process): a rollback with no release common to every host is refused with the per-host table;
 * a killed host is named by `releases` while the others are listed (exit 3); rollback with `--exclude` of the dead
 * host moves the others; once it is back, `releases` flags that the hosts disagree, and a plain rollback brings the
 * odd host back to where the others are without moving them. After each step the release every host serves is
 * printed and asserted.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { slipwayIn } from '../support/cli.js'
import { startFleet, type Fleet } from '../support/fleet.js'
import { appDir, writeSpec } from '../support/lab.js'

let fleet: Fleet
let dir: string
/** Releases made, oldest first. */
const made: string[] = []

beforeAll(async () => {
  fleet = await startFleet(3)
  dir = appDir({ 'index.html': 'v1\n' })
  writeSpec(dir, ['app: shop', `path: ${fleet.path}`, fleet.yaml(), 'source:', '  exclude: [slipway.yml]', 'timeouts:', '  connect: 2', '  keepalive: 1', ''].join('\n'))
}, 60000)
afterAll(() => fleet?.stop())

/** Runs the CLI in the app directory; returns the exit code and what it wrote. */
const slipway = (...argv: string[]) => slipwayIn(dir, ...argv)

/** Deploys (with extra flags) and remembers the release. */
async function deployed(...flags: string[]): Promise<string> {
  const r = await slipway('deploy', '--json', ...flags)
  expect([r.code, r.err]).toEqual([0, expect.any(String)])
  const id = (JSON.parse(r.out.trim().split('\n').pop()!) as { release: string }).release
  made.push(id)
  return id
}

test('no release healthy on every host: rollback refuses (exit 3) with the per-host table and changes nothing', async () => {
  const [r0] = [await deployed('--hosts', 'h01')]
  const r1 = await deployed()
  expect(fleet.serving('after deploy --hosts h01, then all')).toEqual([r1, r1, r1])
  const r = await slipway('rollback')
  console.log(r.err)
  expect(r.code).toBe(3)
  expect(r.err).toContain('no release to roll back to that every host has healthy')
  expect(r.err).toContain(`  h01  current ${r1}  healthy: ${r1}, ${r0}\n  h02  current ${r1}  healthy: ${r1}\n  h03  current ${r1}  healthy: ${r1}`)
  expect(fleet.serving('after the refused rollback')).toEqual([r1, r1, r1])
  expect(fleet.locked()).toEqual([])
}, 90000)

test('a killed host: releases names it and lists the rest (exit 3); rollback refuses until --exclude, then moves the others', async () => {
  const [, r1] = made
  const r2 = await deployed()
  fleet.kill(2)
  const listed = await slipway('releases')
  console.log(listed.out, listed.err)
  expect(listed.code).toBe(3)
  expect(listed.out).toMatch(/^h03 {2}UNREACHABLE: cannot connect: /m)
  expect(listed.out).toMatch(new RegExp(`^h01\\n[^]*^\\* +${r2} `, 'm'))
  expect(listed.out).toMatch(new RegExp(`^h02\\n[^]*^\\* +${r2} `, 'm'))
  expect(listed.err).toContain('1 of 3 hosts could not be read: h03 (cannot connect: ')

  const refused = await slipway('rollback')
  expect(refused.code).toBe(3)
  expect(refused.err).toContain('1 of 3 hosts unreachable (h03); to go on with the others: --exclude h03')
  expect(fleet.serving('h03 killed, rollback without --exclude')).toEqual([r2, r2, r2])

  const excluded = await slipway('rollback', '--exclude', 'h03')
  expect([excluded.code, excluded.err]).toEqual([0, expect.stringContaining('working on 2 of 3 hosts (--exclude h03): h01, h02')])
  expect(fleet.serving('rollback --exclude h03')).toEqual([r1, r1, r2])
  expect(fleet.locked()).toEqual([])
}, 90000)

test('the hosts disagree: releases flags it (table and JSON); rollback moves the odd host to where the others are, and only it', async () => {
  const [, r1, r2] = made
  fleet.restart(2)
  const listed = await slipway('releases')
  console.log(listed.out)
  expect(listed.code).toBe(0)
  expect(listed.out.split('\n')[0]).toBe(`HOSTS DISAGREE: they serve different releases: ${r1} on h01, h02; ${r2} on h03`)
  expect(listed.out).toContain(`h03  (serves ${r2}: the hosts disagree)`)
  const json = await slipway('releases', '--json')
  expect(JSON.parse(json.out).disagree).toEqual({ h01: r1, h02: r1, h03: r2 })

  const back = await slipway('rollback')
  expect(back.code).toBe(0)
  expect(back.out + back.err).toContain(`Rolling back ${r2} → ${r1} on 1 host(s) (h01, h02 already serve ${r1} and stay)`)
  expect(fleet.serving('plain rollback of the split fleet')).toEqual([r1, r1, r1])
  expect(fleet.locked()).toEqual([])
  const agreed = await slipway('releases', '--json')
  expect(JSON.parse(agreed.out).disagree).toBeUndefined()
}, 90000)

test('unlock and releases take the same selection; an unknown name is refused before anything connects', async () => {
  const one = await slipway('unlock', '--hosts', 'h02')
  expect([one.code, one.out]).toEqual([0, 'h02: not locked\n'])
  const web = await slipway('releases', '--hosts', 'h09')
  expect([web.code, web.err]).toEqual([2, "slipway: --hosts: unknown host h09. Fix: the spec's hosts are h01, h02, h03\n"])
}, 60000)
