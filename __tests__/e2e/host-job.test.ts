/**
 * Host jobs on a real sshd behind a TCP proxy that resets every connection: the migrate step and a manual
 * rollback's step-back run detached on the host, so a dropped connection cannot stop them half-way; the runner
 * connects again and follows the job to its end, and the operation finishes as if nothing had happened. When
 * the runner cannot come back, the host still finishes the job and the next deploy repairs what the run left.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { silentReporter, type Reporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostWrite, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { startProxy } from '../faults/lane.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

/** An app whose migrations are the files in db/, applied by appending their names to shared/applied (slowly). */
function app(root: string, port: number) {
  const dir = appDir({ 'index.html': 'v1\n' })
  mkdirSync(join(dir, 'db'))
  writeFileSync(join(dir, 'db/001'), '')
  const applied = join(root, 'shared/applied')
  hostWrite(applied, '')
  const fingerprint = execFileSync('ssh-keygen', ['-lf', lab.knownHosts], { encoding: 'utf8' }).split(' ')[1]
  const file = writeSpec(dir, `app: shop
path: ${root}
hosts:
  - { host: 127.0.0.1, port: ${port}, user: ${LAB_USER}, identity: ${lab.key}, host_key: "${fingerprint}" }
source: { exclude: [slipway.yml] }
migrate:
  step_back: auto
  commands:
    run: echo migrating slowly; sleep 2; for f in $(ls db); do grep -qx "$f" ${applied} || echo "$f" >> ${applied}; done
    status: cat ${applied}
    step_back: echo stepping back slowly; sleep 2; head -n -{count} ${applied} > ${applied}.tmp && mv ${applied}.tmp ${applied}
`)
  return { dir, applied: () => readFileSync(applied, 'utf8').trim().split('\n').filter(Boolean), spec: () => loadSpec(file) }
}

/** A reporter that calls `cut` once, when a line (output or step) contains `text`, and keeps the warnings. */
function cutting(text: string, cut: () => void): Reporter & { warnings: string[] } {
  let done = false
  const see = (line: string) => { if (!done && line.includes(text)) { done = true; cut() } }
  const warnings: string[] = []
  return { ...silentReporter, warnings, warn: (m) => warnings.push(m), line: (_h, t) => see(t), debug: see }
}

describe('host jobs', () => {
  test('a connection dropped mid-migration: the host finishes the migration, the runner reconnects, follows it and deploys', async () => {
    const root = deployRoot()
    const proxy = await startProxy(lab.port)
    const a = app(root, proxy.port)
    const v1 = await deploy({ spec: a.spec() })
    writeFileSync(join(a.dir, 'db/002'), '')
    const reporter = cutting('migrating slowly', () => proxy.cut())
    const v2 = await deploy({ spec: a.spec(), reporter })
    expect(reporter.warnings.some((w) => w.includes(`the host finishes its job ${v2.release}.migrate on its own; connecting again`))).toBe(true)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v2.release}`)
    expect(a.applied()).toEqual(['001', '002'])
    const record = JSON.parse(readFileSync(join(root, '.slipway/releases', `${v2.release}.json`), 'utf8'))
    expect(record).toMatchObject({ state: 'healthy', migrations: { ran: ['002'] } })
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)

    // A manual rollback whose step-back is cut: the host finishes it, the runner reconnects and reports it.
    const back = cutting('stepping back slowly', () => proxy.cut())
    const r = await rollback({ spec: a.spec(), db: 'stepback', reporter: back })
    expect(back.warnings.some((w) => w.includes('connecting again'))).toBe(true)
    expect(r).toMatchObject({ release: v1.release, migrations: { steppedBack: ['002'] } })
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v1.release}`)
    expect(a.applied()).toEqual(['001'])
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    proxy.close()
  }, 120000)

  test('a runner that cannot come back: the migration still completes on the host, and the next deploy steps it back and deploys', async () => {
    const root = deployRoot()
    const proxy = await startProxy(lab.port)
    const a = app(root, proxy.port)
    await deploy({ spec: a.spec() })
    writeFileSync(join(a.dir, 'db/002'), '')
    const err = (await deploy({ spec: a.spec(), reporter: cutting('migrating slowly', () => proxy.close()) }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    const id = err.result.release
    // The job ran to its end on the host although nobody followed it.
    for (let i = 0; i < 100 && !existsSync(join(root, `.slipway/jobs/${id}.migrate.status`)); i++) await new Promise((r) => setTimeout(r, 100))
    expect(readFileSync(join(root, `.slipway/jobs/${id}.migrate.status`), 'utf8').trim()).toBe('0')
    expect(a.applied()).toEqual(['001', '002'])

    execFileSync('touch', ['-d', '1 minute ago', join(root, '.slipway/lock/heartbeat')])
    const next = await startProxy(lab.port)
    writeFileSync(join(a.dir, 'slipway.yml'), readFileSync(join(a.dir, 'slipway.yml'), 'utf8').replace(`port: ${proxy.port}`, `port: ${next.port}`))
    const warnings: string[] = []
    const v3 = await deploy({ spec: a.spec(), reporter: { ...silentReporter, warn: (m) => warnings.push(m) } })
    expect(warnings.some((w) => w.includes(`${id}: marked failed; stepping back its migrations 002`))).toBe(true)
    expect(JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')).state).toBe('failed')
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v3.release}`)
    expect(a.applied()).toEqual(['001', '002'])
    next.close()
  }, 120000)
})
