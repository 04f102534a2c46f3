/**
 * The migrate guard (issue 10, item 4): when the run stops before it reads what its migrate job did — its CLI
 * killed, or its connection gone for good — the host itself steps back what the job applied, marks the release
 * failed and releases the lock, with no `slipway` command run after it. On the Laravel 8 fixture (Debian's
 * framework, no `--batch`: the guard's own `rollback-batch`) and a current Laravel (`migrate:rollback --batch`),
 * on SQLite, over a real sshd. The CLI runs with SLIPWAY_LOCK_TTL=9: heartbeats every 3 s, the guard acts after 7 s.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { silentReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { startProxy, type Proxy } from '../faults/lane.js'
import { SLIPWAY } from '../support/cli.js'
import { deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, database, laravelSource, tables, type LaravelApp, type TestDb } from '../support/laravel.js'

const SLOW = '2024_04_01_000000_slow_create_notes_table'
// The migrate job's log shows migrate started (Laravel 8 names the migration as it starts, Laravel 12 only once it is
// done): the job reported its state, and its guard was armed, before that.
const MIGRATING = new RegExp(`Migrate on[\\s\\S]*(Migrating: ${SLOW}|Running migrations)`)
const BROKEN = '2024_04_02_000000_broken_after_slow'
const ENV = { ...process.env, SLIPWAY_LOCK_TTL: '9', GITHUB_ACTOR: 'guard' }

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

/**
 * Runs `slipway deploy` (the bundle) in `cwd`; once its output matches `when`, waits `afterMs` and calls `fault`.
 * Resolves with the exit code (or signal) and the output, and the moment the fault struck.
 */
function deployWith(cwd: string, when: RegExp, afterMs: number, fault: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | string | null; out: string; struck: number }> {
  return new Promise((resolve) => {
    const child = spawn('node', [SLIPWAY, 'deploy'], { cwd, env: ENV })
    let out = ''
    let struck = 0
    const bound = setTimeout(() => child.kill('SIGKILL'), 90000)
    const see = (d: Buffer) => {
      out += d.toString()
      if (struck || !when.test(out)) return
      struck = -1
      setTimeout(() => { struck = Date.now(); fault(child) }, afterMs)
    }
    child.stdout.on('data', see)
    child.stderr.on('data', see)
    child.on('close', (code, signal) => { clearTimeout(bound); resolve({ code: code ?? signal, out, struck }) })
  })
}

/**
 * Waits (bounded) until the lock is gone, without running slipway; the seconds since `from`. Then (bounded) for the
 * newest release's guard job to write its status, which it does after the unlock.
 */
async function lockGone(root: string, from: number): Promise<number> {
  for (let i = 0; i < 600 && existsSync(join(root, '.slipway/lock')); i++) await new Promise((r) => setTimeout(r, 100))
  expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
  const seconds = (Date.now() - from) / 1000
  const id = readdirSync(join(root, '.slipway/releases')).filter((f) => /^\d+\.json$/.test(f)).map((f) => f.replace(/\.json$/, '')).sort().pop()!
  for (let i = 0; i < 100 && !existsSync(join(root, `.slipway/jobs/${id}.migrate.guard.status`)); i++) await new Promise((r) => setTimeout(r, 100))
  return seconds
}

describe.each<LaravelApp>(['laravel8', 'current'])('the migrate guard on %s (sqlite)', (app) => {
  let root: string
  let source: string
  let db: TestDb
  let proxy: Proxy
  const migrations = () => db.query('select migration from migrations order by id').split('\n')
  const current = () => readlinkSync(join(root, 'current')).split('/')[1]
  const record = (id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))
  const guardedRelease = () => readdirSync(join(root, '.slipway/jobs')).filter((f) => f.endsWith('.migrate.guard.status')).map((f) => f.split('.')[0]).sort().pop()!
  const timeout = app === 'current' ? 400000 : 120000

  beforeAll(async () => {
    root = deployRoot()
    source = laravelSource(app)
    db = database('sqlite', root)
    proxy = await startProxy(lab.port)
    const fingerprint = execFileSync('ssh-keygen', ['-lf', lab.knownHosts], { encoding: 'utf8' }).split(' ')[1]
    writeSpec(source, `app: shop\npath: ${root}\npreset: laravel\nhosts:\n  - { host: 127.0.0.1, port: ${proxy.port}, user: ${LAB_USER}, identity: ${lab.key}, host_key: "${fingerprint}" }\nsource:\n  exclude: [slipway.yml]\n`)
    await deploy({ spec: loadSpec(join(source, 'slipway.yml')) })
  }, timeout)
  afterAll(() => proxy?.close())

  test('the CLI killed while its migrations run (one applied, the next failing): the host steps back exactly the one applied, marks the release failed and releases the lock', async () => {
    const live = current()
    const before = migrations()
    addMigration(source, SLOW)
    addMigration(source, BROKEN)
    const run = await deployWith(source, MIGRATING, 1000, (child) => child.kill('SIGKILL'))
    expect(run.code).toBe('SIGKILL')
    const seconds = await lockGone(root, run.struck)
    console.log(`${app}: CLI killed mid-migration; the host's guard released the lock ${seconds.toFixed(1)} s later`)
    const id = guardedRelease()
    expect(readFileSync(join(root, `.slipway/jobs/${id}.migrate.status`), 'utf8').trim()).not.toBe('0')
    expect(readFileSync(join(root, `.slipway/jobs/${id}.migrate.guard.status`), 'utf8').trim()).toBe('0')
    // Only the slow migration (batch 2) was applied and stepped back: the first batch (items) is untouched.
    expect(migrations()).toEqual(before)
    expect(tables('sqlite', db)).toContain('items')
    expect(tables('sqlite', db)).not.toContain('notes')
    expect(record(id).state).toBe('failed')
    expect(record(id).note).toContain(`undone by the host's guard; stepped back what of batch 2 was applied (pending before it migrated: ${SLOW}, ${BROKEN})`)
    expect(current()).toBe(live)
    rmSync(join(source, 'database/migrations', `${BROKEN}.php`))
  }, timeout)

  // The current Laravel steps back the same way (its `--batch` is proven by the test above): this one is for Laravel 8 only.
  if (app === 'laravel8') test('the connection lost for good while migrating: the run says the guard undoes it, and the host does', async () => {
    const live = current()
    const before = migrations()
    const run = await deployWith(source, MIGRATING, 1000, () => proxy.close())
    expect(run.code).toBe(1)
    expect(run.out).toContain('the guard of the migrate job undoes it once this run has sent no heartbeat for 7 s')
    const seconds = await lockGone(root, run.struck)
    console.log(`${app}: connection lost for good mid-migration; the host's guard released the lock ${seconds.toFixed(1)} s after the cut`)
    const id = guardedRelease()
    expect(readFileSync(join(root, `.slipway/jobs/${id}.migrate.status`), 'utf8').trim()).toBe('0')
    expect(migrations()).toEqual(before)
    expect(tables('sqlite', db)).not.toContain('notes')
    expect(record(id).state).toBe('failed')
    expect(current()).toBe(live)

    // Nothing for a person to repair: the next deploy finds nothing interrupted and migrates again.
    proxy = await startProxy(lab.port)
    const file = join(source, 'slipway.yml')
    writeSpec(source, readFileSync(file, 'utf8').replace(/port: \d+/, `port: ${proxy.port}`))
    const warnings: string[] = []
    const next = await deploy({ spec: loadSpec(file), reporter: { ...silentReporter, warn: (m) => warnings.push(m) } })
    expect(warnings.filter((w) => w.includes('repairing'))).toEqual([])
    expect(record(next.release).state).toBe('healthy')
    expect(migrations()).toEqual([...before, SLOW])
    // A run that reads its migrations' outcome leaves no guard behind.
    expect(readdirSync(join(root, '.slipway/watchdog')).filter((f) => f.startsWith(`${next.release}.migrate.guard`))).toEqual([])
  }, timeout)
})
