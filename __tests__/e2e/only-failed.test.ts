/**
 * `deploy --only-failed` on a fleet of 3 hosts, through the CLI's code: a release deployed with h03 left out is rerun
 * there with the same id (and only there); a rerun whose build fails leaves h03 where it was; what a failed attempt
 * left in the release directory is gone after the rerun; nothing to rerun and another commit are refused.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { slipwayIn } from '../support/cli.js'
import { startFleet, type Fleet } from '../support/fleet.js'
import { appDir, hostWrite, writeSpec } from '../support/lab.js'

let fleet: Fleet
let dir: string

/** h03's disk: a marker there fails its build. */
const failMarker = () => join(fleet.hosts[2].lab.disk!, 'fail-build')
const record = (i: number, id: string) => join(fleet.hosts[i].root, '.slipway/releases', `${id}.json`)

beforeAll(async () => {
  fleet = await startFleet(3)
  dir = appDir({ 'index.html': 'v1\n' })
  writeSpec(dir, ['app: shop', `path: ${fleet.path}`, fleet.yaml(), 'source:', '  exclude: [slipway.yml, .git]', 'build:', '  - test ! -e /srv/slipway-hosts/fail-build', 'timeouts:', '  connect: 2', ''].join('\n'))
  git('init', '-q')
  git('add', 'index.html')
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'v1')
}, 60000)
afterAll(() => fleet?.stop())

function git(...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim()
}

const slipway = (...argv: string[]) => slipwayIn(dir, ...argv)

async function released(...flags: string[]): Promise<string> {
  const r = await slipway('deploy', '--json', ...flags)
  expect([r.code, r.err]).toEqual([0, expect.any(String)])
  return (JSON.parse(r.out.trim().split('\n').pop()!) as { release: string }).release
}

test('the last release is rerun, same id, on the host that lacks it, and only there', async () => {
  const r1 = await released()
  const r2 = await released('--exclude', 'h03')
  expect(fleet.serving('deploy, then deploy --exclude h03')).toEqual([r2, r2, r1])

  hostWrite(failMarker(), 'x\n')
  const failed = await slipway('deploy', '--only-failed')
  console.log(failed.err)
  expect(failed.code).toBe(1)
  expect(failed.out + failed.err).toContain(`--only-failed: rerunning release ${r2} on h03 (the other hosts serve it)`)
  expect(fleet.serving('--only-failed with a failing build on h03')).toEqual([r2, r2, r1])
  expect(JSON.parse(readFileSync(record(2, r2), 'utf8')).state).toBe('failed')

  rmSync(failMarker())
  hostWrite(join(fleet.hosts[2].root, 'releases', r2, 'stale.txt'), 'left by the failed attempt\n')
  const before = [0, 1].map((i) => statSync(record(i, r2)).mtimeMs)
  const again = await slipway('deploy', '--only-failed', '--json')
  expect(again.code).toBe(0)
  expect(JSON.parse(again.out.trim().split('\n').pop()!)).toMatchObject({ release: r2, hosts: ['h03'] })
  expect(fleet.serving('--only-failed again')).toEqual([r2, r2, r2])
  expect(existsSync(join(fleet.hosts[2].root, 'releases', r2, 'stale.txt'))).toBe(false)
  expect(readFileSync(join(fleet.hosts[2].root, 'current/index.html'), 'utf8')).toBe('v1\n')
  expect(JSON.parse(readFileSync(record(2, r2), 'utf8'))).toMatchObject({ state: 'healthy', note: 'rerun (deploy --only-failed)', commit: git('rev-parse', 'HEAD') })
  expect([0, 1].map((i) => statSync(record(i, r2)).mtimeMs)).toEqual(before) // h01, h02 untouched
  expect(fleet.locked()).toEqual([])

  const nothing = await slipway('deploy', '--only-failed')
  expect([nothing.code, nothing.err]).toEqual([2, `slipway: --only-failed: every host already serves ${r2}; nothing to rerun\n`])
}, 120000)

test('another commit is refused: a rerun must send the source the release was built from', async () => {
  const r3 = await released('--exclude', 'h03')
  writeFileSync(join(dir, 'index.html'), 'v2\n')
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'v2')
  const refused = await slipway('deploy', '--only-failed')
  expect(refused.code).toBe(2)
  expect(refused.err).toContain(`--only-failed: release ${r3} was built from commit ${git('rev-parse', 'HEAD~1').slice(0, 12)}, the source is at ${git('rev-parse', 'HEAD').slice(0, 12)}`)
  expect(fleet.serving('refused rerun')[2]).not.toBe(r3)
}, 90000)
