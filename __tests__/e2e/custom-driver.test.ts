/** The custom migration driver with a real tool: Sqitch (Debian's sqitch) on sqlite, over a real sshd. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
let hostA: Lab
let hostB: Lab
beforeAll(async () => { [lab, hostA, hostB] = await Promise.all([startLab(), startLab({ ownDisk: true }), startLab({ ownDisk: true })]) })
afterAll(() => { lab.stop(); hostA.stop(); hostB.stop() })

describe('custom migration driver (sqitch)', () => {
  test('records the changes a deploy ran and reverts exactly them when its smoke check fails', async () => {
    const root = deployRoot()
    const source = mkdtempSync(join(tmpdir(), 'slipway-sqitch-'))
    cpSync(join(process.cwd(), '__tests__/fixtures/sqitch-app'), source, { recursive: true })
    const db = join(root, 'shared/app.db')
    hostWrite(db, '')
    const tables = () => execFileSync('sqlite3', [db, "select name from sqlite_master where type='table' order by name"], { encoding: 'utf8' }).trim().split('\n')
    const spec = (smoke: string) => loadSpec(writeSpec(source, `app: shop
path: ${root}
${hostsYaml([lab])}
source: { exclude: [slipway.yml] }
migrate:
  commands:
    run: sqitch deploy db:sqlite:${db}
    status: if [ -f ${join(root, 'shared/sqitch.db')} ]; then sqlite3 ${join(root, 'shared/sqitch.db')} "select change from changes where project = 'shop' order by committed_at"; fi
    step_back: sqitch revert -y --to @HEAD^{count} db:sqlite:${db}
smoke:
  - run: ${smoke}
`))
    const v1 = await deploy({ spec: spec('test -f sqitch.plan') })
    expect(JSON.parse(readFileSync(join(root, '.slipway/releases', `${v1.release}.json`), 'utf8')).migrations).toEqual({ driver: 'custom', batch: 0, ran: ['items'] })

    appendFileSync(join(source, 'sqitch.plan'), 'prices 2024-01-02T00:00:00Z Slipway Tests <tests@example.invalid> # prices\n')
    writeFileSync(join(source, 'deploy/prices.sql'), 'BEGIN;\nCREATE TABLE prices (item_id INTEGER, cents INTEGER);\nCOMMIT;\n')
    writeFileSync(join(source, 'revert/prices.sql'), 'BEGIN;\nDROP TABLE prices;\nCOMMIT;\n')
    writeFileSync(join(source, 'verify/prices.sql'), 'SELECT item_id FROM prices WHERE 0;\n')
    const err = (await deploy({ spec: spec('exit 3') }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.result).toMatchObject({ rolledBack: true, migrations: { ran: ['prices'], steppedBack: ['prices'] } })
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v1.release}`)
    expect(tables()).toEqual(['items'])
  })

  test('with several hosts, migrations run once, on migrate.on, after every host is ready', async () => {
    const name = `sq-${Date.now()}`
    const path = `/srv/slipway-hosts/${name}`
    const source = mkdtempSync(join(tmpdir(), 'slipway-sqitch-'))
    cpSync(join(process.cwd(), '__tests__/fixtures/sqitch-app'), source, { recursive: true })
    for (const h of [hostA, hostB]) hostWrite(join(h.disk!, name, 'shared/app.db'), '')
    const spec = loadSpec(writeSpec(source, `app: shop
path: ${path}
${hostsYaml([hostA, hostB])}
source: { exclude: [slipway.yml] }
migrate:
  on: slipway@127.0.0.1:${hostB.port}
  commands:
    run: sqitch deploy db:sqlite:${path}/shared/app.db
`))
    const r = await deploy({ spec })
    expect(r.migrations).toEqual({ ran: [], steppedBack: [], failed: undefined })
    const tablesOn = (h: Lab) => execFileSync('sqlite3', [join(h.disk!, name, 'shared/app.db'), "select name from sqlite_master where type='table'"], { encoding: 'utf8' }).trim()
    expect(tablesOn(hostB)).toBe('items')
    expect(tablesOn(hostA)).toBe('')
    expect(readlinkSync(join(hostA.disk!, name, 'current'))).toBe(`releases/${r.release}`)
  })
})
