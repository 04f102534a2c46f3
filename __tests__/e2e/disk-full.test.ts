/**
 * A full disk on the host (a 2 MB tmpfs as the deploy root, on a real sshd): a deploy that runs out of space
 * while uploading or building fails before the switch naming the cause, host and step, removes its partial
 * release directory, leaves `current` alone and releases the lock; once there is room, the next deploy succeeds.
 * And a big delta whose two-tar copy runs out of inodes (a tmpfs with nr_inodes) fails the same clean way.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SPLIT_COPY } from '../../src/commands/delta.js'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
let root: string
beforeAll(async () => {
  lab = await startLab()
  root = deployRoot()
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0755', 'tmpfs', root])
  execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, root])
})
afterAll(() => {
  execFileSync('umount', ['-l', root])
  lab.stop()
})

const current = () => readlinkSync(join(root, 'current')).split('/')[1]
// In deploy order: ids made in the same second get a .NN suffix, which a plain sort of file names puts first.
const order = (id: string) => id.replace(/^(\d{14})$/, '$1.00')
const records = () => readdirSync(join(root, '.slipway/releases')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(root, '.slipway/releases', f), 'utf8')) as { id: string; state: string; note?: string }).sort((a, b) => order(a.id).localeCompare(order(b.id)))

describe('disk full on the host', () => {
  test('during the upload and during the build: failed before the switch, partial release removed, current and lock fine; then a deploy fits', async () => {
    const app = appDir({ 'index.html': 'v1\n' })
    const file = writeSpec(app, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nbuild:\n  - if [ -f big-build ]; then echo filling; head -c 3000000 /dev/zero > filler; fi\n`)
    const v1 = await deploy({ spec: loadSpec(file) })

    const host = `slipway@127.0.0.1:${lab.port}`
    /** `step` is a pattern: the failing step's label. */
    const expectFailedCleanly = (err: DeployError, step: string) => {
      expect(err).toBeInstanceOf(DeployError)
      expect(err.message).toMatch(new RegExp(`^deploy of (\\S+) failed before the switch: no space left on device on ${host} during ${step} \\(\\d+ KiB free after it failed\\); its partial release directory was removed; current is unchanged; the lock is released\\.\\n`))
      expect(current()).toBe(v1.release)
      expect(readdirSync(join(root, 'releases'))).toEqual([v1.release])
      const failed = records().find((r) => r.id === err.result.release)!
      expect(failed.state).toBe('failed')
      expect(failed.note).toMatch(new RegExp(`^no space left on device on ${host} during ${step}`))
      expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    }

    writeFileSync(join(app, 'big.bin'), randomBytes(3_000_000))
    expectFailedCleanly((await deploy({ spec: loadSpec(file) }).catch((e) => e)) as DeployError, 'upload')

    rmSync(join(app, 'big.bin'))
    writeFileSync(join(app, 'big-build'), '')
    expectFailedCleanly((await deploy({ spec: loadSpec(file) }).catch((e) => e)) as DeployError, 'build 1: if \\[ -f big-build \\]; then echo filling; head -c 3000000 /dev/zero > filler; fi')

    rmSync(join(app, 'big-build'))
    const v4 = await deploy({ spec: loadSpec(file) })
    expect(current()).toBe(v4.release)
    expect(records().map((r) => r.state)).toEqual(['healthy', 'failed', 'failed', 'healthy'])
  })
})

describe('a big delta copied in two halves (SPLIT_COPY), out of inodes', () => {
  let small: string
  beforeAll(() => {
    small = deployRoot()
    // Room for one release of this app and its records, not two.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,nr_inodes=3200,mode=0755', 'tmpfs', small])
    execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, small])
  })
  afterAll(() => { execFileSync('umount', ['-l', small]) })

  test('the copy fails in a tar, the deploy fails before the switch with the cause, the partial release is removed', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < SPLIT_COPY + 100; i++) files[`d${i % 40}/f${i}.txt`] = `${i}\n`
    const app = appDir(files)
    const file = writeSpec(app, `app: big\npath: ${small}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`)
    const v1 = await deploy({ spec: loadSpec(file) })
    const paths = () => execFileSync('find', [small], { encoding: 'utf8' }).trim().split('\n')
    const before = paths()
    writeFileSync(join(app, 'd0/f0.txt'), 'changed\n')
    const err = (await deploy({ spec: loadSpec(file) }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toMatch(/^deploy of \S+ failed before the switch: no space left on device on \S+ during upload .*; its partial release directory was removed; current is unchanged; the lock is released\.\n/)
    expect(readlinkSync(join(small, 'current')).split('/')[1]).toBe(v1.release)
    expect(readdirSync(join(small, 'releases'))).toEqual([v1.release])
    expect(readdirSync(join(small, 'releases', v1.release)).filter((f) => f.startsWith('.slipway'))).toEqual([])
    expect(existsSync(join(small, '.slipway/lock'))).toBe(false)
    // What the failed deploy leaves: its record, and its undo's host job files (swept after a day).
    const left = paths().filter((p) => !before.includes(p)).map((p) => p.slice(small.length + 1))
    expect(left.sort()).toEqual(['.slipway/jobs', ...['err', 'log', 'sh', 'status'].map((x) => `.slipway/jobs/${err.result.release}.restore.${x}`), `.slipway/releases/${err.result.release}.json`])
  }, 120000)
})
