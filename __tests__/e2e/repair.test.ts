/**
 * A deploy killed after its migrations ran (SIGKILL: nothing on the runner cleans up), on a real sshd with a
 * real migration tool (Sqitch on sqlite): the next deploy, once the dead run's lock has aged, marks the
 * interrupted release failed, steps back exactly the migrations that run applied, and then deploys.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const bin = join(process.cwd(), 'bin/slipway.js')

/** Runs `slipway deploy` and SIGKILLs it once stdout shows `when`. */
function killedAt(cwd: string, when: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('node', [bin, 'deploy'], { cwd })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes(when)) child.kill('SIGKILL')
    })
    child.on('close', () => resolve(out))
  })
}

describe('repairing what a killed deploy left', () => {
  test('the interrupted release is marked failed and exactly its migrations are stepped back; the next deploy succeeds', async () => {
    const root = deployRoot()
    const source = mkdtempSync(join(tmpdir(), 'slipway-repair-'))
    cpSync(join(process.cwd(), '__tests__/fixtures/sqitch-app'), source, { recursive: true })
    const db = join(root, 'shared/app.db')
    const registry = join(root, 'shared/sqitch.db')
    hostWrite(db, '')
    const changes = () => execFileSync('sqlite3', [registry, "select change from changes where project = 'shop' order by committed_at"], { encoding: 'utf8' }).trim().split('\n')
    const file = writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
migrate:
  commands:
    run: sqitch deploy db:sqlite:${db} && if [ -f slow-migrate ]; then echo migrated, now slow; sleep 8; fi
    status: if [ -f ${registry} ]; then sqlite3 ${registry} "select change from changes where project = 'shop' order by committed_at"; fi
    step_back: sqitch revert -y --to @HEAD^{count} db:sqlite:${db}
`)
    const v1 = await deploy({ spec: loadSpec(file) })
    expect(changes()).toEqual(['items'])

    appendFileSync(join(source, 'sqitch.plan'), 'prices 2024-01-02T00:00:00Z Slipway Tests <tests@example.invalid> # prices\n')
    writeFileSync(join(source, 'deploy/prices.sql'), 'BEGIN;\nCREATE TABLE prices (item_id INTEGER, cents INTEGER);\nCOMMIT;\n')
    writeFileSync(join(source, 'revert/prices.sql'), 'BEGIN;\nDROP TABLE prices;\nCOMMIT;\n')
    writeFileSync(join(source, 'verify/prices.sql'), 'SELECT item_id FROM prices WHERE 0;\n')
    writeFileSync(join(source, 'slow-migrate'), '')
    await killedAt(source, 'migrated, now slow')
    expect(changes()).toEqual(['items', 'prices'])
    expect(readFileSync(join(root, '.slipway/lock/owner.json'), 'utf8')).toContain('"operation":"deploy"')

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
