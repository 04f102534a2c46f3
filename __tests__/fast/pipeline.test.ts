/**
 * The deploy, rollback and restore pipelines at unit speed: the same scripts a host would get, run by a
 * local bash in a temporary deploy root (LocalRemote). No root, no sshd; real file effects.
 */
import { describe, expect, test } from '@jest/globals'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import type { Connector } from '../../src/deploy/session.js'
import { LocalRemote } from '../../src/remote/local.js'
import { parseSpec } from '../../src/spec/load.js'

/** A connector to this machine that counts connections and channels. */
function local(): { connect: Connector; connections: number; channels: number } {
  const counts = { connections: 0, channels: 0 }
  const connect: Connector = async (host) => {
    counts.connections++
    const remote = new LocalRemote(host.name)
    return { name: remote.name, close: () => remote.close(), exec: (c, o) => { counts.channels++; return remote.exec(c, o) } }
  }
  return Object.assign(counts, { connect })
}

function setup(extra = '') {
  const base = mkdtempSync(join(tmpdir(), 'slipway-fast-'))
  const root = join(base, 'srv')
  const app = join(base, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'index.html'), 'v1\n')
  const yaml = `app: shop\npath: ${root}\nkeep_releases: 3\nhosts:\n  - { host: 127.0.0.1, user: deploy }\ninsecure_skip_host_key_check: true\nsource: { dir: ${app} }\n${extra}`
  const file = join(base, 'slipway.yml')
  writeFileSync(file, yaml)
  return { root, app, file, spec: () => parseSpec(yaml, file) }
}

let tick = Date.parse('2026-05-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }
const read = (p: string) => readFileSync(p, 'utf8')
const record = (root: string, id: string) => JSON.parse(read(join(root, '.slipway/releases', `${id}.json`)))
const current = (root: string) => readlinkSync(join(root, 'current')).split('/')[1]
const audit = (root: string) => read(join(root, '.slipway/audit.log')).trim().split('\n')

describe('pipelines on a LocalRemote', () => {
  test('hosts that get the same upload share one tar, packed once; a host with another live release gets its own', async () => {
    const t = setup()
    const roots = ['a', 'b', 'c'].map((n) => join(t.root, n))
    const hosts = (n: number) => `hosts:\n${roots.slice(0, n).map((r, i) => `  - { name: h${i}, host: 127.0.0.1, user: deploy, path: ${r} }`).join('\n')}\n`
    const spec = (n: number) => parseSpec(read(t.file).replace(/hosts:\n.*\n/, hosts(n)), t.file)
    writeFileSync(join(t.app, 'about.html'), 'about\n')
    const l = local()
    const two = await deploy({ spec: spec(2), now: clock(), connect: l.connect })
    expect(two.packs).toBe(1)
    writeFileSync(join(t.app, 'index.html'), 'v2\n')
    const three = await deploy({ spec: spec(3), now: clock(), connect: l.connect })
    expect([three.uploaded.h0, three.uploaded.h1, three.uploaded.h2]).toEqual([{ sent: 1, delta: true }, { sent: 1, delta: true }, { sent: 2, delta: false }])
    expect(three.packs).toBe(2)
    for (const r of roots) expect(['index.html', 'about.html'].map((f) => read(join(r, 'current', f)))).toEqual(['v2\n', 'about\n'])
  })

  test('a deploy is three round trips on one connection; a redeploy marks both healthy and keeps the lock free', async () => {
    const t = setup()
    const l = local()
    const v1 = await deploy({ spec: t.spec(), now: clock(), connect: l.connect })
    expect({ connections: l.connections, channels: l.channels }).toEqual({ connections: 1, channels: 3 })
    writeFileSync(join(t.app, 'index.html'), 'v2\n')
    const v2 = await deploy({ spec: t.spec(), now: clock(), connect: l.connect })
    expect(v2.previous).toBe(v1.release)
    expect(read(join(t.root, 'current/index.html'))).toBe('v2\n')
    expect([record(t.root, v1.release).state, record(t.root, v2.release).state]).toEqual(['healthy', 'healthy'])
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a source file that grows while it is packed fails the upload cleanly (no crash): release failed, lock free', async () => {
    const t = setup()
    const grow = join(t.app, 'grow.log')
    writeFileSync(grow, 'start\n')
    const timer = setInterval(() => appendFileSync(grow, 'x'.repeat(4096)), 1)
    try {
      const err = (await deploy({ spec: t.spec(), now: clock(), connect: local().connect }).catch((e) => e)) as DeployError
      expect(err).toBeInstanceOf(DeployError)
      expect(err.message).toMatch(/upload.*Size mismatch/s)
    } finally {
      clearInterval(timer)
    }
    expect(existsSync(join(t.root, 'current'))).toBe(false)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a failing build marks the release failed, leaves current, releases the lock', async () => {
    const t = setup('build:\n  - echo building; exit 9\n')
    const err = (await deploy({ spec: t.spec(), now: clock(), connect: local().connect }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toMatch(/failed before the switch; current is unchanged\.\n.*step "build 1: echo building; exit 9" failed with exit code 9/)
    expect(record(t.root, err.result.release)).toMatchObject({ state: 'failed' })
    expect(existsSync(join(t.root, 'current'))).toBe(false)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
    expect(audit(t.root).pop()).toMatch(/deploy \S+ by \S+: failed before switch$/)
  })

  test('a failing smoke check switches back, marks the release failed and runs the rollback hooks in the old release', async () => {
    const t = setup('rollback_hooks:\n  - pwd > rolled-back-here\n')
    const v1 = await deploy({ spec: t.spec(), now: clock(), connect: local().connect })
    const bad = setup(`rollback_hooks:\n  - pwd > rolled-back-here\nsmoke:\n  - { name: health, run: "test -f missing.txt" }\n`)
    const err = (await deploy({ spec: { ...bad.spec(), path: t.root, source: t.spec().source }, now: clock(), connect: local().connect }).catch((e) => e)) as DeployError
    expect(err.message).toContain(`was rolled back to ${v1.release}: smoke check failed: health on`)
    expect(err.result.rolledBack).toBe(true)
    expect(current(t.root)).toBe(v1.release)
    expect(record(t.root, err.result.release)).toMatchObject({ state: 'failed' })
    expect(read(join(t.root, 'releases', v1.release, 'rolled-back-here')).trim()).toBe(join(t.root, 'releases', v1.release))
    expect(audit(t.root).pop()).toMatch(new RegExp(`rollback ${v1.release} by \\S+: automatic, from ${err.result.release}: smoke check failed`))
  })

  test('a manual rollback of one host is one connection and one channel; the release left is marked rolled-back', async () => {
    const t = setup()
    const v1 = await deploy({ spec: t.spec(), now: clock(), connect: local().connect })
    const v2 = await deploy({ spec: t.spec(), now: clock(), connect: local().connect })
    const l = local()
    const r = await rollback({ spec: t.spec(), now: clock(), connect: l.connect })
    expect({ connections: l.connections, channels: l.channels }).toEqual({ connections: 1, channels: 1 })
    expect(r).toMatchObject({ release: v1.release, from: v2.release })
    expect(current(t.root)).toBe(v1.release)
    expect(record(t.root, v2.release)).toMatchObject({ state: 'rolled-back', note: expect.stringMatching(new RegExp(`^rolled back to ${v1.release} by \\S+$`)) })
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('rollback to a failed release is refused on the runner: nothing changes, the lock is released', async () => {
    const t = setup()
    const v1 = await deploy({ spec: t.spec(), now: clock(), connect: local().connect })
    const bad = await deploy({ spec: { ...t.spec(), build: ['false'] }, now: clock(), connect: local().connect }).catch((e: DeployError) => e.result)
    const err = (await rollback({ spec: t.spec(), to: bad.release, connect: local().connect }).catch((e) => e)) as Error
    expect(err.message).toContain(`release ${bad.release} is marked failed`)
    expect(current(t.root)).toBe(v1.release)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a held lock stops a deploy before anything is written', async () => {
    const t = setup()
    await deploy({ spec: t.spec(), now: clock(), connect: local().connect })
    mkdirSync(join(t.root, '.slipway/lock'))
    writeFileSync(join(t.root, '.slipway/lock/owner.json'), '{"token":"x","app":"shop","by":"someone","operation":"deploy","since":"2026-05-01T00:00:00Z"}')
    const before = read(join(t.root, '.slipway/audit.log'))
    const err = (await deploy({ spec: t.spec(), now: clock(), connect: local().connect }).catch((e) => e)) as Error
    expect(err.message).toContain('another operation holds the deploy lock: deploy of shop by someone')
    expect(read(join(t.root, '.slipway/audit.log'))).toBe(before)
    expect(existsSync(join(t.root, '.slipway/lock/owner.json'))).toBe(true)
  })
})

describe('racing deploys', () => {
  test('two deploys started together, 20 times: exactly one proceeds each time and the other names the holder', async () => {
    const t = setup()
    for (let i = 0; i < 20; i++) {
      const runs = await Promise.allSettled([deploy({ spec: t.spec(), connect: local().connect }), deploy({ spec: t.spec(), connect: local().connect })])
      expect(runs.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const loser = runs.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect((loser.reason as Error).message).toContain('another operation holds the deploy lock')
    }
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })
})
