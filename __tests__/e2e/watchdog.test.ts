/**
 * Confirm or revert, on a real sshd with a real migration tool (Sqitch on sqlite): a runner killed after the
 * switch, while its smoke checks run, never leaves the unverified release live — the host's watchdog switches
 * back, marks it failed, steps back its migrations and releases the lock. A run that confirms in time keeps it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { sqitchApp } from '../support/sqitch.js'
import { deployInterrupted } from '../support/cli.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]

async function until(check: () => boolean, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 300))
  return check()
}

describe('confirm or revert', () => {
  test('a runner killed during its smoke checks: the host reverts code, records, migrations and lock by itself', async () => {
    const root = deployRoot()
    const { source, migrate, changes, addPrices } = sqitchApp(root)
    const file = writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
${migrate}
smoke:
  - { name: slow, run: "if [ -f slow-smoke ]; then sleep 30; fi" }
rollback:
  confirm_within: 6
`)
    const v1 = await deploy({ spec: loadSpec(file) })
    expect(readdirSync(join(root, '.slipway/watchdog'))).toEqual([])

    addPrices()
    writeFileSync(join(source, 'slow-smoke'), '')
    const killed = await deployInterrupted(source, '==> Smoke tests', ['SIGKILL'])
    const v2 = /Release (\d{14})/.exec(killed.out)![1]
    expect(current(root)).toBe(v2)
    expect(changes()).toEqual(['items', 'prices'])

    expect(await until(() => current(root) === v1.release && !existsSync(join(root, '.slipway/lock')))).toBe(true)
    const record = JSON.parse(readFileSync(join(root, '.slipway/releases', `${v2}.json`), 'utf8'))
    expect(record).toMatchObject({ state: 'failed', migrations: { ran: ['prices'], stepped_back: ['prices'] } })
    expect(record.note).toBe("not confirmed within 6 s (the run stopped before confirming it); reverted by the host's watchdog")
    expect(changes()).toEqual(['items'])
    expect(readFileSync(join(root, '.slipway/audit.log'), 'utf8')).toContain(`rollback ${v1.release} by`)
    expect(readFileSync(join(root, '.slipway/audit.log'), 'utf8')).toContain(`watchdog, from ${v2}`)
  })
})
