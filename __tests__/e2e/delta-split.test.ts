/**
 * A big delta: with SPLIT_COPY or more unchanged paths the host copies them with two tars at once, each directory
 * whole to one of them. Every kept file arrives as a real copy, no temporary list is left in the release, and a
 * file that cannot be copied fails the deploy whichever tar had it (the one in the background too), the live
 * release still serving.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SPLIT_COPY } from '../../src/commands/delta.js'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { recording } from '../support/recording.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

/** Every script the deploy sent, in one text. */
const sentText = (rec: ReturnType<typeof recording>) => [...rec.sent.values()].flat().join('\n')

describe('a delta over SPLIT_COPY unchanged paths', () => {
  const half = Math.ceil(SPLIT_COPY / 2) + 50
  const files: Record<string, string> = {}
  for (let i = 0; i < half; i++) {
    files[`a/f${i}.txt`] = `a ${i}\n`
    files[`b/f${i}.txt`] = `b ${i}\n`
  }
  // Many small directories too: the directories are made before the two tars start.
  for (let i = 0; i < 600; i++) files[`c/d${i % 200}/f${i}.txt`] = `c ${i}\n`
  let app: string, root: string
  const spec = () => loadSpec(writeSpec(app, `app: big\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`))
  const live = () => readlinkSync(join(root, 'current')).split('/').pop()

  beforeAll(() => { app = appDir(files); root = deployRoot() })

  test('copies in two halves: every kept file is a real copy with its content; no list is left behind', async () => {
    const first = await deploy({ spec: spec() })
    writeFileSync(join(app, 'a/f0.txt'), 'changed\n')
    const rec = recording()
    const second = await deploy({ spec: spec(), connect: rec.connect })
    expect(second.uploaded[Object.keys(second.uploaded)[0]]).toEqual({ sent: 1, delta: true })
    expect(sentText(rec)).toContain('/.slipway-copy; : > "$P"d; : > "$P"0; : > "$P"1')
    const [r1, r2] = [first.release, second.release].map((id) => join(root, 'releases', id))
    expect(readFileSync(join(r2, 'a/f0.txt'), 'utf8')).toBe('changed\n')
    for (const [name, text] of Object.entries(files).filter(([n]) => n !== 'a/f0.txt')) expect(readFileSync(join(r2, name), 'utf8')).toBe(text)
    for (const name of ['a/f1.txt', `a/f${half - 1}.txt`, 'b/f0.txt', `b/f${half - 1}.txt`]) {
      expect(statSync(join(r2, name)).ino).not.toBe(statSync(join(r1, name)).ino)
      expect(statSync(join(r2, name)).nlink).toBe(1)
    }
    expect(readdirSync(r2).filter((f) => f.startsWith('.slipway'))).toEqual([])
    // The manifest: every file and every directory (a, b, c and its 200).
    expect(readFileSync(join(root, '.slipway/manifests', `${second.release}.tsv`), 'utf8').trim().split('\n')).toHaveLength(2 * half + 600 + 203)
  }, 120000)

  // a/ and b/ go to different tars (a directory first seen goes to the half with fewer paths): one fails in each.
  // (The files a/ holds go to the tar in the background.)
  test.each(['a/f7.txt', 'b/f7.txt'])('an unreadable %s in the live release fails the deploy; the live release still serves', async (name) => {
    const serving = live()!
    const unreadable = join(root, 'releases', serving, name)
    chmodSync(unreadable, 0)
    writeFileSync(join(app, 'a/f0.txt'), `changed for ${name}\n`)
    try {
      const err = (await deploy({ spec: spec() }).catch((e) => e)) as DeployError
      expect(err).toBeInstanceOf(DeployError)
      expect(err.message).toContain('upload')
      expect(live()).toBe(serving)
      expect(existsSync(join(root, 'releases', err.result.release, '.slipway-copy0'))).toBe(false)
    } finally {
      chmodSync(unreadable, 0o644)
    }
  }, 120000)
})

test.each([
  ['under SPLIT_COPY unchanged paths', 3],
  ['over SPLIT_COPY with a directory its owner cannot write to (a split would make it first, read-only)', SPLIT_COPY + 10]
])('a delta %s copies them with one tar', async (_, count) => {
  const files: Record<string, string> = { 'a/x.txt': 'x\n', 'b/z.txt': 'z\n' }
  for (let i = 2; i < count; i++) files[`a/f${i}.txt`] = `${i}\n`
  const app = appDir(files)
  if (count > 3) chmodSync(join(app, 'b'), 0o555)
  const root = deployRoot()
  const spec = () => loadSpec(writeSpec(app, `app: small\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`))
  await deploy({ spec: spec() })
  writeFileSync(join(app, 'a/x.txt'), 'changed\n')
  const rec = recording()
  const second = await deploy({ spec: spec(), connect: rec.connect })
  expect(sentText(rec)).toContain('--verbatim-files-from -T -)')
  expect(sentText(rec)).not.toContain('.slipway-copy')
  expect(readFileSync(join(root, 'releases', second.release, 'b/z.txt'), 'utf8')).toBe('z\n')
}, 60000)
