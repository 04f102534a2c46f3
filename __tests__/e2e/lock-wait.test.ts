/**
 * `--lock-wait` on a real sshd: a deploy that finds another run's live lock waits for it (naming the holder)
 * and proceeds once that run finishes; one that waits in vain fails naming the holder, and holds no lock.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { loadSpec } from '../../src/spec/load.js'
import { slipwayBin } from '../support/cli.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string }

/** An app deploying to `root`; its build sleeps while the app has a file `slow`. */
function app(root: string, files: Record<string, string> = {}) {
  const dir = appDir({ 'index.html': 'v\n', ...files })
  const file = writeSpec(dir, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nbuild:\n  - if [ -f slow ]; then echo slow build; sleep 5; fi\n`)
  return { dir, spec: () => loadSpec(file) }
}

const cli = (cwd: string, ...args: string[]) => slipwayBin(cwd, args, { ...process.env, GITHUB_ACTOR: 'second' })

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50))
}

describe('--lock-wait', () => {
  test('a second deploy waits for the first one\'s lock, naming it, and deploys once it is released', async () => {
    const root = deployRoot()
    const slow = app(root, { slow: '' })
    const first = deploy({ spec: slow.spec(), actor: 'first' })
    await until(() => existsSync(join(root, '.slipway/lock/owner.json')))
    const second = await cli(app(root).dir, 'deploy', '--lock-wait', '60')
    const a = await first
    expect(second.err).toBe('')
    expect(second.code).toBe(0)
    expect(second.out).toMatch(/: the deploy lock is held by deploy of shop by first since \S+; waiting for it \(up to 60 s, 0 s so far\)/)
    expect(second.out).toMatch(/took the deploy lock after waiting \d+ s/)
    const b = /Deployed (\d{14}(\.\d+)?)/.exec(second.out)![1]
    expect(b > a.release).toBe(true)
    expect(current(root)).toBe(b)
    expect([record(root, a.release).state, record(root, b).state]).toEqual(['healthy', 'healthy'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
  })

  test('a wait that runs out fails naming the live holder (deploy and rollback), and leaves its lock alone', async () => {
    const root = deployRoot()
    const t = app(root)
    await deploy({ spec: t.spec() })
    const owner = JSON.stringify({ token: 'live0000', app: 'shop', by: 'alive', run: '7', operation: 'deploy', since: '2026-01-01T00:00:00Z' })
    hostWrite(join(root, '.slipway/lock/owner.json'), owner)
    hostWrite(join(root, '.slipway/lock/heartbeat'), '')
    const r = await cli(t.dir, 'deploy', '--lock-wait', '3')
    expect(r.code).toBe(3) // nothing touched
    expect(r.out).toContain(': the deploy lock is held by deploy of shop by alive (run 7) since 2026-01-01T00:00:00Z; waiting for it (up to 3 s, 0 s so far)')
    expect(r.err).toMatch(/: another operation still holds the deploy lock after waiting [34] s for it \(--lock-wait\): deploy of shop by alive \(run 7\) since 2026-01-01T00:00:00Z\. Wait longer/)
    const back = (await rollback({ spec: t.spec(), lockWait: 2 }).catch((e) => e)) as Error
    expect(back.message).toMatch(/another operation still holds the deploy lock after waiting [23] s for it \(--lock-wait\): deploy of shop by alive/)
    expect(readFileSync(join(root, '.slipway/lock/owner.json'), 'utf8')).toBe(owner)
  })
})
