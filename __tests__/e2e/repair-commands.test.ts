/**
 * `slipway releases` and `slipway unlock` find what a killed deploy left (SIGKILL after Sqitch migrated, on a
 * real sshd) and repair it — release marked failed, exactly its migrations stepped back, lock freed — and say so;
 * while the dead run's lock still looks alive, `releases` leaves everything to it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployInterrupted, SLIPWAY } from '../support/cli.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { sqitchApp } from '../support/sqitch.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const slipway = (cwd: string, ...args: string[]) => spawnSync('node', [SLIPWAY, ...args], { cwd, encoding: 'utf8', timeout: 60000 })
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string; note?: string; migrations?: { ran: string[]; stepped_back?: string[] } }

describe('releases and unlock repair an interrupted deploy', () => {
  test('releases waits while the lock looks alive, then repairs; unlock --force breaks and repairs', async () => {
    const root = deployRoot()
    const { source, migrate, changes, addPrices } = sqitchApp(root, ' && if [ -f slow-migrate ]; then echo migrated, now slow; sleep 8; fi')
    const file = writeSpec(source, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource: { exclude: [slipway.yml] }\n${migrate}\n`)
    const v1 = await deploy({ spec: loadSpec(file) })
    addPrices()
    writeFileSync(join(source, 'slow-migrate'), '')
    const killed = async () => {
      const r = await deployInterrupted(source, 'migrated, now slow', ['SIGKILL'])
      expect(changes()).toEqual(['items', 'prices'])
      return /Release (\d{14}(\.\d+)?)/.exec(r.out)![1]
    }

    const v2 = await killed()
    const early = slipway(source, 'releases')
    expect(early.status).toBe(0)
    expect(early.stdout).toMatch(/\nnot repaired: \S+: a live operation holds the deploy lock \(deploy of shop by \S+ since \S+\); its releases in progress are left to it\n$/)
    expect(record(root, v2).state).toBe('ready')
    expect(changes()).toEqual(['items', 'prices'])

    // The migrate step is a host job: it keeps the lock alive until it ends (the killed run's migration finishes on
    // the host). Once it has ended, the lock's heartbeat is aged as if 60 s had passed.
    for (let t = 0; t < 300 && !existsSync(join(root, '.slipway/jobs', `${v2}.migrate.status`)); t++) await new Promise((r) => setTimeout(r, 100))
    execFileSync('touch', ['-d', '1 minute ago', join(root, '.slipway/lock/heartbeat')])
    const listed = slipway(source, 'releases')
    expect(listed.status).toBe(0)
    expect(listed.stderr).toContain('took over the deploy lock of a run that stopped without releasing it')
    expect(listed.stdout).toContain(`\nrepaired what an interrupted run left: ${v2}: marked failed; stepping back its migrations prices\n`)
    expect(listed.stdout).toMatch(new RegExp(`${v2.replace('.', '\\.')} .* failed `))
    expect(record(root, v2)).toMatchObject({ state: 'failed', migrations: { ran: ['prices'], stepped_back: ['prices'] } })
    expect(changes()).toEqual(['items'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    expect(slipway(source, 'releases').stdout).not.toMatch(/repaired what|not repaired/)

    const v3 = await killed()
    const un = slipway(source, 'unlock', '--force')
    expect(un.status).toBe(0)
    expect(un.stdout).toContain(`repaired what an interrupted run left: ${v3}: marked failed; stepping back its migrations prices`)
    expect(un.stdout).toMatch(/: lock broken \(was held by deploy of shop by \S+ since \S+ \(last sign of life \d+ s ago\)\)\n$/)
    expect(record(root, v3)).toMatchObject({ state: 'failed', migrations: { ran: ['prices'], stepped_back: ['prices'] } })
    expect(changes()).toEqual(['items'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    expect(readFileSync(join(root, 'current/sqitch.plan'), 'utf8')).not.toContain('prices')
    rmSync(join(source, 'slow-migrate'))
    expect(record(root, v1.release).state).toBe('healthy')
  }, 150000)
})
