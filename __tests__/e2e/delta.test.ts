/** Delta uploads: a redeploy sends only what changed; the rest is copied on the host, never hard-linked. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
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
})
