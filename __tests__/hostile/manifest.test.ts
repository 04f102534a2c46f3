/**
 * Names with a newline, tab or CR never corrupt a manifest, and a manifest the runner cannot trust (damaged or
 * missing on the host) means a full upload, never a failure. Real deploys on a real sshd.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const odd = ['new\nline.txt', 'tab\there.txt', 'cr\rname.txt', 'dir/in\nside.txt']
const manifest = (root: string, id: string) => readFileSync(join(root, '.slipway/manifests', `${id}.tsv`), 'utf8')

describe('manifests and odd file names', () => {
  test('deploy with newline/tab/CR names, remove them, deploy again: every deploy succeeds and the manifests stay clean', async () => {
    const app = appDir({ 'index.html': 'v1\n', 'dir/plain.txt': 'plain\n' })
    for (const name of odd) writeFileSync(join(app, name), `${JSON.stringify(name)}\n`)
    const root = deployRoot()
    const spec = () => loadSpec(writeSpec(app, `app: odd\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`))
    const first = await deploy({ spec: spec() })
    const host = Object.keys(first.uploaded)[0]
    expect(first.uploaded[host].delta).toBe(false)
    for (const name of odd) expect(readFileSync(join(root, 'releases', first.release, name), 'utf8')).toBe(`${JSON.stringify(name)}\n`)
    const lines = manifest(root, first.release).trimEnd().split('\n')
    expect(lines.every((l) => l.split('\t').length === 4)).toBe(true)
    expect(lines.map((l) => l.split('\t')[3])).toEqual(['dir', 'dir/plain.txt', 'index.html'])

    for (const name of odd) rmSync(join(app, name))
    writeFileSync(join(app, 'index.html'), 'v2\n')
    const second = await deploy({ spec: spec() })
    expect(second.uploaded[host]).toEqual({ sent: 1, delta: true })
    const r2 = join(root, 'releases', second.release)
    expect(readdirSync(r2).sort()).toEqual(['dir', 'index.html'])
    expect(readdirSync(join(r2, 'dir'))).toEqual(['plain.txt'])
    expect(readFileSync(join(r2, 'index.html'), 'utf8')).toBe('v2\n')

    writeFileSync(join(app, odd[0]), 'back\n')
    const third = await deploy({ spec: spec() })
    expect(third.uploaded[host].delta).toBe(false)
    expect(readFileSync(join(root, 'releases', third.release, odd[0]), 'utf8')).toBe('back\n')
  })

  test('a damaged or missing manifest on the host degrades to a full upload', async () => {
    const app = appDir({ 'index.html': 'v1\n', 'a.txt': 'a\n' })
    const root = deployRoot()
    const spec = () => loadSpec(writeSpec(app, `app: bad\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`))
    const first = await deploy({ spec: spec() })
    const host = Object.keys(first.uploaded)[0]
    const damaged = [
      manifest(root, first.release) + 'F\tnot-a-hash\t644\tghost.txt\n',
      manifest(root, first.release) + 'F\t0123456789abcdef0123456789abcdef\t644\tx\textra\n',
      manifest(root, first.release) + manifest(root, first.release).split('\n')[0] + '\n',
      // What an older Slipway wrote for a file named "new<LF>line.txt": one line cut in two.
      manifest(root, first.release) + 'F\t0123456789abcdef0123456789abcdef\t644\tnew\nline.txt\n'
    ]
    let live = first.release
    for (const text of damaged) {
      hostWrite(join(root, '.slipway/manifests', `${live}.tsv`), text)
      writeFileSync(join(app, 'index.html'), `${text.length}\n`)
      const next = await deploy({ spec: spec() })
      expect(next.uploaded[host]).toEqual({ sent: 2, delta: false })
      expect(readFileSync(join(root, 'current/index.html'), 'utf8')).toBe(`${text.length}\n`)
      expect(readFileSync(join(root, 'current/a.txt'), 'utf8')).toBe('a\n')
      expect(existsSync(join(root, 'current/ghost.txt'))).toBe(false)
      live = next.release
    }
    rmSync(join(root, '.slipway/manifests', `${live}.tsv`))
    const after = await deploy({ spec: spec() })
    expect(after.uploaded[host]).toEqual({ sent: 2, delta: false })
    expect(manifest(root, after.release)).toMatch(/^F\t[0-9a-f]{32}\t644\ta\.txt\nF\t[0-9a-f]{32}\t644\tindex\.html\n$/)
  })
})
