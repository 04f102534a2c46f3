/**
 * A deploy killed after its migrations ran (SIGKILL: nothing on the runner cleans up), on a real sshd with a
 * real migration tool (Sqitch on sqlite): the next deploy, once the dead run's lock has aged, marks the
 * interrupted release failed, steps back exactly the migrations that run applied, and then deploys.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { sqitchApp } from '../support/sqitch.js'
import { deployInterrupted } from '../support/cli.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())


describe('repairing what a killed deploy left', () => {
  test('the interrupted release is marked failed and exactly its migrations are stepped back; the next deploy succeeds', async () => {
    const root = deployRoot()
    const { source, migrate, changes, addPrices } = sqitchApp(root, ' && if [ -f slow-migrate ]; then echo migrated, now slow; sleep 8; fi')
    const file = writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
${migrate}
`)
    const v1 = await deploy({ spec: loadSpec(file) })
    expect(changes()).toEqual(['items'])

    addPrices()
    writeFileSync(join(source, 'slow-migrate'), '')
    await deployInterrupted(source, 'migrated, now slow', ['SIGKILL'])
    expect(changes()).toEqual(['items', 'prices'])
    expect(readFileSync(join(root, '.slipway/lock/owner.json'), 'utf8')).toContain('"operation":"deploy"')

    // The killed run's migrate job keeps the lock alive until it ends (it is a host job): wait for it (bounded).
    const ended = () => readdirSync(join(root, '.slipway/jobs')).some((f) => f.endsWith('.migrate.status') && !f.startsWith(v1.release))
    for (let t = 0; t < 300 && !ended(); t++) await new Promise((r) => setTimeout(r, 100))
    // The dead run's heartbeat stops; once it is older than the lock's TTL the next deploy takes over and repairs.
    execFileSync('touch', ['-d', '1 minute ago', join(root, '.slipway/lock/heartbeat')])
    rmSync(join(source, 'slow-migrate'))
    const warned: string[] = []
    const v3 = await deploy({ spec: loadSpec(file), reporter: consoleReporter(() => undefined, (s) => warned.push(s)) })
    const records = JSON.parse(`[${execFileSync('bash', ['-c', `cat ${root}/.slipway/releases/*.json | paste -sd,`], { encoding: 'utf8' })}]`) as Array<{ id: string; state: string; note?: string; migrations?: { ran: string[]; stepped_back?: string[] } }>
    const interrupted = records.find((r) => r.id !== v1.release && r.id !== v3.release)!
    expect(interrupted).toMatchObject({ state: 'failed', migrations: { ran: ['prices'], stepped_back: ['prices'] } })
    expect(interrupted.note).toMatch(/^interrupted: the run that built it stopped before finishing/)
    expect(warned.join('\n')).toContain(`${interrupted.id}: marked failed; stepping back its migrations prices`)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v3.release}`)
    expect(v3.migrations?.ran).toEqual(['prices'])
    expect(changes()).toEqual(['items', 'prices'])
    expect(readFileSync(join(root, '.slipway/audit.log'), 'utf8')).toContain(`repair ${interrupted.id} by`)
  })
})
