/**
 * A lock that knows its holder is alive, on a real sshd: a live holder's heartbeat keeps its lock, a dead run's
 * lock is taken over by the next operation (with a warning naming it), so no person has to run `slipway unlock`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { unlock } from '../../src/deploy/releases.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployInterrupted } from '../support/cli.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const owner = (by: string) => JSON.stringify({ token: 'dead0000', app: 'shop', by, run: '7', operation: 'deploy', since: '2026-01-01T00:00:00Z' })
const age = (path: string, ago: string) => execFileSync('touch', ['-h', '-d', ago, path])

function setup(build = 'true') {
  const root = deployRoot()
  const app = appDir({ 'index.html': 'v1\n' })
  const file = writeSpec(app, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nbuild:\n  - ${build}\n`)
  return { root, app, spec: () => loadSpec(file) }
}

function warnings() {
  const lines: string[] = []
  return { lines, reporter: consoleReporter(() => undefined, (s) => lines.push(s)) }
}

describe('the deploy lock and its heartbeat', () => {
  test('a lock whose holder stopped beating is taken over, with a warning naming the dead holder', async () => {
    const t = setup()
    hostWrite(join(t.root, '.slipway/lock/owner.json'), owner('ghost'))
    hostWrite(join(t.root, '.slipway/lock/heartbeat'), '')
    age(join(t.root, '.slipway/lock/heartbeat'), '2 minutes ago')
    const w = warnings()
    const r = await deploy({ spec: t.spec(), reporter: w.reporter })
    expect(readlinkSync(join(t.root, 'current'))).toBe(`releases/${r.release}`)
    expect(w.lines.join('\n')).toMatch(/took over the deploy lock of a run that stopped without releasing it \(no sign of life for 1[2-9]\d s\): deploy of shop by ghost \(run 7\)/)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('unlock breaks a dead run\'s lock and refuses a live one unless told it is dead', async () => {
    const t = setup()
    hostWrite(join(t.root, '.slipway/lock/owner.json'), owner('alive'))
    hostWrite(join(t.root, '.slipway/lock/heartbeat'), '')
    const refused = (await unlock({ spec: t.spec() }).catch((e) => e)) as Error
    expect(refused.message).toMatch(/the lock is held by a live run: deploy of shop by alive \(run 7\) since 2026-01-01T00:00:00Z \(last sign of life [0-9] s ago\)/)
    expect(existsSync(join(t.root, '.slipway/lock/owner.json'))).toBe(true)
    age(join(t.root, '.slipway/lock/heartbeat'), '2 minutes ago')
    const held = await unlock({ spec: t.spec() })
    expect(Object.values(held)[0]).toMatch(/^deploy of shop by alive \(run 7\) since 2026-01-01T00:00:00Z \(last sign of life 1[2-9]\d s ago\)$/)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a lock with a fresh heartbeat is never taken', async () => {
    const t = setup()
    hostWrite(join(t.root, '.slipway/lock/owner.json'), owner('alive'))
    hostWrite(join(t.root, '.slipway/lock/heartbeat'), '')
    const err = (await deploy({ spec: t.spec() }).catch((e) => e)) as Error
    expect(err.message).toContain('another operation holds the deploy lock: deploy of shop by alive')
    expect(existsSync(join(t.root, 'current'))).toBe(false)
  })

  test('a CLI killed mid-build: its lock stays while its heartbeat is fresh, and the next deploy takes it over once it is not', async () => {
    const t = setup('if [ -f slow ]; then echo slow build; sleep 12; fi')
    hostWrite(join(t.app, 'slow'), '')
    // Past one heartbeat interval after the build started (so the heartbeat file exists), then a SIGKILL: no handler runs.
    await deployInterrupted(t.app, 'slow build', ['SIGKILL'], { afterMs: 6000 })
    const heartbeat = join(t.root, '.slipway/lock/heartbeat')
    expect(existsSync(heartbeat)).toBe(true)
    execFileSync('rm', ['-f', join(t.app, 'slow')])
    const refused = (await deploy({ spec: t.spec() }).catch((e) => e)) as Error
    expect(refused.message).toContain('another operation holds the deploy lock')
    age(heartbeat, '1 minute ago')
    const w = warnings()
    const r = await deploy({ spec: t.spec(), reporter: w.reporter })
    expect(readlinkSync(join(t.root, 'current'))).toBe(`releases/${r.release}`)
    expect(w.lines.join('\n')).toContain('took over the deploy lock of a run that stopped without releasing it')
  })
})
