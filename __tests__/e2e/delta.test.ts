/** Delta uploads: a redeploy sends only what changed; the rest is copied on the host, never hard-linked. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { sshConnector, type Connector } from '../../src/deploy/session.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

describe('delta upload', () => {
  test('one changed file is all that is sent; unchanged files are real copies; removed files are gone', async () => {
    const files: Record<string, string> = { 'storage/app/seed.txt': 'seed\n' }
    for (let i = 0; i < 300; i++) files[`vendor/pkg${i % 10}/file${i}.php`] = `<?php // ${i}\n`
    files['app/main.php'] = 'v1\n'
    files['app/old.php'] = 'remove me\n'
    const app = appDir(files)
    const root = deployRoot()
    const spec = () => loadSpec(writeSpec(app, `app: d\npath: ${root}\n${hostsYaml([lab])}\nshared:\n  dirs: [storage]\nsource:\n  exclude: [slipway.yml]\nbuild:\n  - echo built >> app/main.php\n`))
    const first = await deploy({ spec: spec() })
    const host = Object.keys(first.uploaded)[0]
    expect(first.uploaded[host]).toEqual({ sent: Object.keys(files).length + 14, delta: false })

    writeFileSync(join(app, 'app/main.php'), 'v2\n')
    rmSync(join(app, 'app/old.php'))
    mkdirSync(join(app, 'app/new'))
    writeFileSync(join(app, 'app/new/added.php'), 'added\n')
    const second = await deploy({ spec: spec() })
    // main.php, the new dir and file, and the 3 shared storage entries (always sent: replaced by a link on the host).
    expect(second.uploaded[host]).toEqual({ sent: 6, delta: true })

    const r1 = join(root, 'releases', first.release)
    const r2 = join(root, 'releases', second.release)
    expect(readFileSync(join(r2, 'app/main.php'), 'utf8')).toBe('v2\nbuilt\n')
    expect(readFileSync(join(r1, 'app/main.php'), 'utf8')).toBe('v1\nbuilt\n')
    expect(readFileSync(join(r2, 'app/new/added.php'), 'utf8')).toBe('added\n')
    expect(existsSync(join(r2, 'app/old.php'))).toBe(false)
    for (const i of [0, 137, 299]) {
      const p = `vendor/pkg${i % 10}/file${i}.php`
      expect(readFileSync(join(r2, p), 'utf8')).toBe(files[p])
      const [a, b] = [statSync(join(r1, p)), statSync(join(r2, p))]
      expect(b.ino).not.toBe(a.ino)
      expect(b.nlink).toBe(1)
    }
    // Writing into the new release never changes the old one.
    writeFileSync(join(r2, 'vendor/pkg0/file0.php'), 'changed by a build\n')
    expect(readFileSync(join(r1, 'vendor/pkg0/file0.php'), 'utf8')).toBe('<?php // 0\n')
    const manifest = readFileSync(join(root, '.slipway/manifests', `${second.release}.tsv`), 'utf8').trim().split('\n')
    // 300 vendor files + main.php + added.php; dirs: vendor, 10 packages, app, app/new
    expect(manifest.length).toBe(300 + 2 + 13)
    expect(manifest.some((l) => l.endsWith('\tapp/old.php'))).toBe(false)
    expect(manifest.some((l) => l.includes('\tstorage'))).toBe(false)
  })

  test('a redeploy reads the directory digests and only the changed directory\'s manifest lines; without digests, the whole manifest', async () => {
    const files: Record<string, string> = { 'app/main.php': 'v1\n', 'app/other.php': 'same\n' }
    for (let i = 0; i < 200; i++) files[`vendor/pkg${i % 20}/file${i}.php`] = `<?php // ${i}\n`
    const app = appDir(files)
    const root = deployRoot()
    const spec = () => loadSpec(writeSpec(app, `app: dd\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n`))
    // Counts the protocol lines each deploy received: manifest lines (entries read) and directory digests.
    let read = { manifest: [] as string[], dir: 0, bytes: 0 }
    const counting: Connector = async (host, sp) => {
      const remote = await sshConnector(host, sp)
      return {
        name: remote.name,
        close: () => remote.close(),
        exec: (command, options = {}) => remote.exec(command, { ...options, onLine: (line, stream) => {
          const data = /^@@slipway-[0-9a-f]+@@data:(manifest|dir):(.*)$/.exec(line)
          if (data?.[1] === 'manifest') read.manifest.push(data[2])
          if (data?.[1] === 'dir') read.dir++
          if (data) read.bytes += line.length + 1
          options.onLine?.(line, stream)
        } })
      }
    }
    const first = await deploy({ spec: spec(), connect: counting })
    const host = Object.keys(first.uploaded)[0]
    const manifest = readFileSync(join(root, '.slipway/manifests', `${first.release}.tsv`), 'utf8').trim().split('\n')
    expect(manifest.map((l) => l.split("\t")[3]).filter((p) => !/^(vendor\/pkg[0-9]+\/file[0-9]+\.php|app\/(main|other)\.php|vendor\/pkg[0-9]+|vendor|app)$/.test(p))).toEqual([])
    expect(manifest.length).toBe(202 + 20 + 2) // files, vendor/pkgN dirs, vendor, app
    const digests = readFileSync(join(root, '.slipway/manifests', `${first.release}.dirs`), 'utf8').trim().split('\n')
    expect(digests.map((l) => l.split('\t')[0])).toEqual(['.', 'app', 'vendor', ...Array.from({ length: 20 }, (_, i) => `vendor/pkg${i}`).sort()])

    writeFileSync(join(app, 'app/main.php'), 'v2\n')
    read = { manifest: [], dir: 0, bytes: 0 }
    const second = await deploy({ spec: spec(), connect: counting })
    expect(second.uploaded[host]).toEqual({ sent: 1, delta: true })
    // Only app/'s two lines travel (not the 224-line manifest), with the 23 digests.
    expect(read.manifest.map((l) => l.split('\t')[3]).sort()).toEqual(['app/main.php', 'app/other.php'])
    expect(read.dir).toBe(23)
    expect(readFileSync(join(root, 'releases', second.release, 'app/main.php'), 'utf8')).toBe('v2\n')
    expect(readFileSync(join(root, 'releases', second.release, 'vendor/pkg7/file187.php'), 'utf8')).toBe('<?php // 187\n')
    const kept = readFileSync(join(root, '.slipway/manifests', `${second.release}.tsv`), 'utf8').trim().split('\n')
    expect(kept.length).toBe(manifest.length)

    // Nothing changed: no manifest line travels at all.
    read = { manifest: [], dir: 0, bytes: 0 }
    const third = await deploy({ spec: spec(), connect: counting })
    expect(third.uploaded[host]).toEqual({ sent: 0, delta: true })
    expect(read.manifest).toEqual([])

    // A release without digests (an older version wrote it): the whole manifest is read, and the delta still holds.
    rmSync(join(root, '.slipway/manifests', `${third.release}.dirs`))
    rmSync(join(app, 'vendor/pkg3/file23.php'))
    read = { manifest: [], dir: 0, bytes: 0 }
    const fourth = await deploy({ spec: spec(), connect: counting })
    expect(read.manifest.length).toBe(manifest.length)
    expect(read.dir).toBe(0)
    expect(fourth.uploaded[host]).toEqual({ sent: 0, delta: true })
    expect(existsSync(join(root, 'releases', fourth.release, 'vendor/pkg3/file23.php'))).toBe(false)
    expect(existsSync(join(root, 'releases', fourth.release, 'vendor/pkg3/file43.php'))).toBe(true)
  })
})
