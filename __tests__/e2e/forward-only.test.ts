/**
 * check.policy: forward-only on the deploy side, on the Laravel 8 fixture (sqlite) over a real sshd: the dry-run
 * and the deploy say before migrating that the release's migrations without down() cannot be stepped back, the
 * record keeps it, and `rollback --migrations` refuses (exit 2) before anything changes on the host.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, planDeploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { InputError } from '../../src/errors.js'
import { consoleReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, database, laravelSource } from '../support/laravel.js'

const NO_DOWN = '2024_02_04_000000_no_down_migration'
const EMPTY_DOWN = '2024_02_05_000000_empty_down_migration'
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
let tick = Date.parse('2026-04-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }

describe('check.policy: forward-only on a deploy', () => {
  let lab: Lab
  let root: string
  let source: string
  let db: ReturnType<typeof database>
  let log: string[]
  const reporter = () => { log = []; return consoleReporter((s) => log.push(s), (s) => log.push(s)) }
  const spec = () => loadSpec(writeSpec(source, `app: shop\npath: ${root}\npreset: laravel\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\ncheck:\n  policy: forward-only\n`))
  const ran = () => db.query('select migration from migrations order by id').split('\n').filter(Boolean)
  const line = (knownLive: boolean) => `warning: check.policy: forward-only: ${knownLive ? 'new migrations of this release' : 'migrations of this release (no file list of a live release to compare with)'} without a usable down(): ` +
    `${NO_DOWN} (no down()), ${EMPTY_DOWN} (an empty down()); step-back is impossible for this release: if it is rolled back, the code goes back and these schema changes stay`

  beforeAll(async () => {
    lab = await startLab()
    root = deployRoot()
    source = laravelSource('laravel8')
    db = database('sqlite', root)
  })
  afterAll(() => { db.drop(); lab.stop() })

  test('the dry-run and the deploy say it before migrating; the record keeps it; rollback --migrations refuses before touching anything', async () => {
    const v1 = await deploy({ spec: spec(), now: clock(), reporter: reporter() })
    expect(log.filter((l) => l.includes('forward-only'))).toEqual([])
    addMigration(source, NO_DOWN)
    addMigration(source, EMPTY_DOWN)

    await planDeploy({ spec: spec(), reporter: reporter() })
    expect(log).toContain(line(false))
    expect(ran()).toEqual(['2024_01_01_000000_create_items_table'])

    const v2 = await deploy({ spec: spec(), now: clock(), reporter: reporter() })
    const said = log.indexOf(line(true))
    expect(said).toBeGreaterThan(-1)
    expect(said).toBeLessThan(log.findIndex((l) => l.startsWith('migrations: ran')))
    expect(v2.forwardOnly).toEqual([NO_DOWN, EMPTY_DOWN])
    expect(record(root, v2.release)).toMatchObject({ state: 'healthy', migrations: { ran: [NO_DOWN, EMPTY_DOWN], no_down: [NO_DOWN, EMPTY_DOWN] } })

    const before = readFileSync(join(root, '.slipway/releases', `${v2.release}.json`), 'utf8')
    const refused = await rollback({ spec: spec(), now: clock(), migrations: true }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(InputError)
    expect((refused as InputError).exitCode).toBe(2)
    expect((refused as InputError).message).toBe(`rollback --migrations: release ${v2.release}: ${NO_DOWN}, ${EMPTY_DOWN} have no usable down() (check.policy: forward-only, said when it was deployed): ` +
      'its schema cannot be stepped back. Nothing was changed. Fix: roll back without --migrations (the code goes back, the schema stays), then undo the schema with a new migration if needed')
    expect(current(root)).toBe(v2.release)
    expect(readFileSync(join(root, '.slipway/releases', `${v2.release}.json`), 'utf8')).toBe(before)
    expect(ran()).toEqual(['2024_01_01_000000_create_items_table', NO_DOWN, EMPTY_DOWN])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)

    // The code alone goes back, and says what stays applied.
    const back = await rollback({ spec: spec(), now: clock() })
    expect(back).toMatchObject({ release: v1.release, migrations: { steppedBack: [], kept: [NO_DOWN, EMPTY_DOWN] } })
    expect(current(root)).toBe(v1.release)
  }, 120000)
})
