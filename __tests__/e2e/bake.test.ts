/**
 * `smoke.bake` on a real sshd with a real migration tool (Sqitch on sqlite): the release is marked healthy only
 * after the checks kept passing for the bake, under a watchdog whose deadline covers the bake; a check that starts
 * failing during the bake rolls the deploy back like any smoke failure (switch back, step back, marked failed).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'
import { sqitchApp } from '../support/sqitch.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string; note?: string; migrations?: { ran: string[]; stepped_back?: string[] } }

describe('smoke.bake', () => {
  test('healthy only after the bake, under a watchdog that waits for it; a check failing during the bake rolls back', async () => {
    const root = deployRoot()
    const broken = join(root, 'shared/broken')
    const { source, migrate, changes, addPrices } = sqitchApp(root)
    const file = writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
${migrate}
smoke:
  bake: 6
  checks:
    - { name: alive, run: "test ! -e ${broken}", timeout: 5 }
rollback:
  confirm_within: 5
`)
    // confirm_within 5 alone would revert during the 6 s bake: the watchdog waits 5 + 6 + 5 s.
    const v1 = await deploy({ spec: loadSpec(file) })
    expect(v1.bake!.rounds).toBeGreaterThanOrEqual(2)
    expect(record(root, v1.release).state).toBe('healthy')
    expect(readdirSync(join(root, '.slipway/watchdog'))).toEqual([])

    addPrices()
    const seen: { id?: string; state?: string } = {}
    const reporter = consoleReporter((line) => {
      seen.id ??= /^Release (\d{14}(\.\d+)?)/.exec(line)?.[1]
      if (!line.startsWith('smoke ok') || seen.state) return
      // The checks passed once: the release is live, not yet healthy; now the check starts failing.
      seen.state = record(root, seen.id!).state
      hostWrite(broken, '')
    }, () => undefined)
    const err = (await deploy({ spec: loadSpec(file), reporter }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(seen.state).toBe('live')
    expect(err.message).toMatch(new RegExp(`^deploy of ${seen.id} was rolled back to ${v1.release}: smoke check failed during the bake \\(\\d s of 6 s after the checks first passed\\): alive on \\S+: exit 1`))
    expect(err.message).toContain('migrations stepped back: prices')
    expect(current(root)).toBe(v1.release)
    expect(record(root, seen.id!)).toMatchObject({ state: 'failed', migrations: { ran: ['prices'], stepped_back: ['prices'] } })
    expect(record(root, seen.id!).note).toMatch(/^smoke check failed during the bake/)
    expect(changes()).toEqual(['items'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    expect(readdirSync(join(root, '.slipway/watchdog'))).toEqual([])
  })
})
