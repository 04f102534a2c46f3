/**
 * The Action with the Laravel preset end to end (dist/index.js on a real sshd, sqlite, PHP's web server on
 * `current`): a failing health check rolls back code and exactly its migrations, and outputs and summary say so;
 * then a dispatch rollback with `migrations: true` steps back the migrations of the release it leaves.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, breakHealth, database, serveCurrent } from '../support/laravel.js'
import { startApi, type FakeApi } from './support/github-api.js'
import { commit, laravelRepo } from './support/laravel.js'
import { runStep, type StepRun } from './support/runner.js'

let lab: Lab
let api: FakeApi
let web: Awaited<ReturnType<typeof serveCurrent>>
let db: ReturnType<typeof database>
const root = deployRoot()
const repo = laravelRepo()

beforeAll(async () => {
  lab = await startLab()
  api = await startApi()
  db = database('sqlite', root)
  web = await serveCurrent(root)
  writeSpec(repo, [
    'app: shop', `path: ${root}`, 'preset: laravel', 'hosts:', `  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER} }`,
    'smoke:', `  - { name: health, http: "${web.url}/health", contains: '"ok":true', retries: 1, timeout: 5, deadline: 10 }`, ''
  ].join('\n'))
})
afterAll(async () => {
  web.stop()
  lab.stop()
  await api.close()
})

const inputs = () => ({ 'working-directory': repo, 'ssh-private-key': readFileSync(lab.key, 'utf8'), 'known-hosts': readFileSync(lab.knownHosts, 'utf8') })
const current = () => readlinkSync(join(root, 'current')).split('/')[1]
const migrations = () => db.query('select migration from migrations order by id').split('\n').filter(Boolean)
const step = (extra: Record<string, string>, sha: string): Promise<StepRun> => {
  api.requests.length = 0
  return runStep({ inputs: { ...inputs(), ...extra }, githubToken: 'ghs_fake', env: { GITHUB_API_URL: api.url, GITHUB_SHA: sha }, timeoutMs: 90000 })
}

describe('the action with the Laravel preset', () => {
  test('failing smoke check → automatic rollback with its migrations stepped back; then a dispatch rollback with migrations', async () => {
    const v1 = await step({}, commit(repo, {}, 'spec'))
    expect(v1.code).toBe(0)
    expect(v1.outputs.migrations).toBe('{"ran":["2024_01_01_000000_create_items_table"],"steppedBack":[],"stillApplied":[]}')
    expect(v1.outputs.url).toBe(`${web.url}/`)
    expect(v1.summary).toContain(`#### Smoke checks\n\n| Check | Host | Result | Detail |\n| --- | --- | --- | --- |\n| health | runner | ✅ passed | HTTP 200 |`)
    expect(v1.summary).toContain('#### Migrations\n\nRan:\n- 2024_01_01_000000_create_items_table\n\nStepped back:\n- (none)')
    expect(api.requests.at(-1)?.body).toMatchObject({ state: 'success', environment_url: `${web.url}/` })

    addMigration(repo, '2024_02_01_000000_add_price_to_items')
    const v2 = await step({}, commit(repo, {}, 'price'))
    expect(v2.code).toBe(0)

    addMigration(repo, '2024_02_02_000000_create_orders_table')
    breakHealth(repo)
    const v3 = await step({}, commit(repo, {}, 'orders, broken health'))
    expect(v3.code).toBe(1)
    expect(v3.outputs).toEqual({
      release: v3.outputs.release,
      'previous-release': v2.outputs.release,
      'rolled-back': 'true',
      migrations: '{"ran":["2024_02_02_000000_create_orders_table"],"steppedBack":["2024_02_02_000000_create_orders_table"],"stillApplied":[]}',
      url: `${web.url}/`
    })
    expect(current()).toBe(v2.outputs.release)
    expect(migrations()).toEqual(['2024_01_01_000000_create_items_table', '2024_02_01_000000_add_price_to_items'])
    expect(v3.summary).toContain(`### ↩️ Release ${v3.outputs.release} failed and was rolled back to ${v2.outputs.release}\n`)
    expect(v3.summary).toMatch(/\| health \| runner \| ❌ failed \| expected status 200, got 500/)
    expect(v3.summary).toContain('#### Migrations\n\nRan:\n- 2024_02_02_000000_create_orders_table\n\nStepped back:\n- 2024_02_02_000000_create_orders_table\n')
    expect(v3.summary).toContain('#### Not reverted by the rollback\n')
    const errors = v3.commands.filter((c) => c.name === 'error')
    expect(errors.map((e) => e.message.split('\n')[0])).toEqual([
      expect.stringMatching(/^smoke FAIL health: expected status 200, got 500/),
      expect.stringMatching(new RegExp(`^deploy of ${v3.outputs.release} was rolled back to ${v2.outputs.release}: smoke check failed: health: expected status 200, got 500`))
    ])
    expect(api.requests.map((r) => r.body?.state)).toEqual([undefined, 'in_progress', 'failure'])

    const back = await step({ command: 'rollback', migrations: 'true' }, 'f'.repeat(40))
    expect(back.code).toBe(0)
    expect(back.outputs).toEqual({
      release: v1.outputs.release,
      'previous-release': v2.outputs.release,
      'rolled-back': 'true',
      migrations: '{"ran":[],"steppedBack":["2024_02_01_000000_add_price_to_items"],"stillApplied":[]}',
      url: `${web.url}/`
    })
    expect(current()).toBe(v1.outputs.release)
    expect(migrations()).toEqual(['2024_01_01_000000_create_items_table'])
    expect(back.summary).toContain('#### Migrations\n\nStepped back:\n- 2024_02_01_000000_add_price_to_items\n')
    expect(await (await fetch(`${web.url}/health`)).json()).toMatchObject({ ok: true, release: v1.outputs.release })
  }, 240000)
})
