import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { listReleases } from '../../src/deploy/releases.js'
import { rollback } from '../../src/deploy/rollback.js'
import { LockedError } from '../../src/deploy/run.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
let hostA: Lab
let hostB: Lab
beforeAll(async () => { [lab, hostA, hostB] = await Promise.all([startLab(), startLab({ ownDisk: true }), startLab({ ownDisk: true })]) })
afterAll(() => { lab.stop(); hostA.stop(); hostB.stop() })

function setup(extra = '', files?: Record<string, string>, labs = [lab], root = deployRoot()) {
  const app = appDir(files)
  const keep = extra.includes('keep_releases') ? '' : 'keep_releases: 3\n'
  const file = writeSpec(app, `app: shop\npath: "${root.replace(/(["\\])/g, '\\$1')}"\n${keep}${hostsYaml(labs)}\n${extra}`)
  return { root, app, spec: () => loadSpec(file) }
}

let tick = Date.parse('2026-01-01T00:00:00Z')
const clock = () => { const d = new Date(tick); tick += 1000; return () => d }
const read = (path: string) => readFileSync(path, 'utf8')
const record = (root: string, id: string) => JSON.parse(read(join(root, '.slipway/releases', `${id}.json`)))
const auditLog = (root: string) => read(join(root, '.slipway/audit.log')).trim().split('\n')
const current = (root: string) => readlinkSync(join(root, 'current'))

describe('deploy on a real sshd', () => {
  test('first and second deploy: release dirs, atomic current, shared links, history, audit', async () => {
    const t = setup('shared:\n  files: [.env]\n  dirs: [storage]\nwritable: [bootstrap/cache]\nbuild:\n  - echo built $COLUMNS $LINES > built.txt\n', { 'index.html': 'v1\n', 'storage/app/keep.txt': 'seed\n' })
    hostWrite(join(t.root, 'shared/.env'), 'APP_KEY=secret\n')
    const now = () => new Date('2026-01-02T03:04:05Z')
    const first = await deploy({ spec: t.spec(), now, actor: 'tester' })
    expect(first).toMatchObject({ release: '20260102030405', previous: undefined, rolledBack: false })
    expect(current(t.root)).toBe('releases/20260102030405')
    const rel = join(t.root, 'releases', first.release)
    expect(read(join(rel, 'index.html'))).toBe('v1\n')
    // No terminal on the host: a hook sees the size console tools assume without one (so they need not run stty).
    expect(read(join(rel, 'built.txt'))).toBe('built 80 50\n')
    expect(readlinkSync(join(rel, '.env'))).toBe('../../shared/.env')
    expect(read(join(rel, '.env'))).toBe('APP_KEY=secret\n')
    expect(readlinkSync(join(rel, 'storage'))).toBe('../../shared/storage')
    expect(read(join(t.root, 'shared/storage/app/keep.txt'))).toBe('seed\n')
    expect(existsSync(join(rel, 'bootstrap/cache'))).toBe(true)
    expect(record(t.root, first.release)).toMatchObject({ id: first.release, state: 'healthy', by: 'tester' })
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)

    writeFileSync(join(t.app, 'index.html'), 'v2\n')
    const second = await deploy({ spec: t.spec(), now, actor: 'tester' })
    expect(second).toMatchObject({ release: '20260102030405.01', previous: first.release })
    expect(read(join(t.root, 'current/index.html'))).toBe('v2\n')
    expect(read(join(t.root, 'releases', first.release, 'index.html'))).toBe('v1\n')
    expect(auditLog(t.root)).toEqual([
      '2026-01-02T03:04:05.000Z shop deploy 20260102030405 by tester: ok',
      '2026-01-02T03:04:05.000Z shop deploy 20260102030405.01 by tester: ok'
    ])
  })

  test('a failing build names host, step, exit code and output tail; marks failed; current untouched', async () => {
    const t = setup('build:\n  - echo step-one\n  - test -f ok.flag || { echo about to fail; exit 7; }\n', { 'index.html': 'v1\n', 'ok.flag': '' })
    const good = await deploy({ spec: t.spec(), now: clock() })
    writeFileSync(join(t.app, 'index.html'), 'broken\n')
    await import('node:fs').then((fs) => fs.rmSync(join(t.app, 'ok.flag')))
    const err = (await deploy({ spec: t.spec(), now: clock() }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.exitCode).toBe(1)
    expect(err.message).toContain(`slipway@127.0.0.1:${lab.port}: step "build 2: test -f ok.flag || { echo about to fail; exit 7; }" failed with exit code 7`)
    expect(err.message).toContain('--- last output ---\nstep-one\nabout to fail')
    expect(current(t.root)).toBe(`releases/${good.release}`)
    expect(read(join(t.root, 'current/index.html'))).toBe('v1\n')
    expect(record(t.root, err.result.release)).toMatchObject({ state: 'failed' })
    expect(auditLog(t.root).pop()).toMatch(/deploy .* failed before switch$/)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a missing shared file fails before the switch and says how to create it', async () => {
    const t = setup('shared:\n  files: [.env]\n')
    const err = (await deploy({ spec: t.spec(), now: clock() }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toContain('step "shared files" failed with exit code 3')
    expect(err.message).toContain(`shared file ${t.root}/shared/.env is missing on the host. Create it once before deploying, e.g.: ssh -p ${lab.port} slipway@127.0.0.1 'mkdir -p ${t.root}/shared && cat > ${t.root}/shared/.env' < .env`)
    expect(existsSync(join(t.root, 'current'))).toBe(false)
  })

  test('keep_releases prunes by history, keeping current and the last healthy release', async () => {
    const t = setup()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await deploy({ spec: t.spec(), now: clock() })).release)
    expect(readdirSync(join(t.root, 'releases')).sort()).toEqual(ids.slice(2))
    expect(readdirSync(join(t.root, '.slipway/releases')).sort()).toEqual(ids.slice(2).map((id) => `${id}.json`))
  })

  test('manual rollback: default target, --to, rollback hooks, audit, what is not reverted', async () => {
    const t = setup('keep_releases: 5\nshared:\n  dirs: [storage]\nrollback_hooks:\n  - echo "hook ran in $(basename $PWD)" >> ../../rollback-hooks.log\n')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(t.app, 'index.html'), `v${i}\n`)
      ids.push((await deploy({ spec: t.spec(), now: clock(), actor: 'dev' })).release)
    }
    const back = await rollback({ spec: t.spec(), now: clock(), actor: 'ops' })
    expect(back).toMatchObject({ release: ids[1], from: ids[2] })
    expect(back.notReverted.join('\n')).toMatch(/database.*\n.*shared directories \(storage\).*\n.*queued jobs.*\n.*caches/)
    expect(current(t.root)).toBe(`releases/${ids[1]}`)
    expect(record(t.root, ids[2])).toMatchObject({ state: 'rolled-back', note: `rolled back to ${ids[1]} by ops` })
    expect(read(join(t.root, 'rollback-hooks.log'))).toBe(`hook ran in ${ids[1]}\n`)

    const to = await rollback({ spec: t.spec(), now: clock(), to: ids[0] })
    expect(to.release).toBe(ids[0])
    expect(read(join(t.root, 'current/index.html'))).toBe('v0\n')
    expect(auditLog(t.root).slice(-2).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      `shop rollback ${ids[1]} by ops: manual, from ${ids[2]}`,
      `shop rollback ${ids[0]} by ${process.env.GITHUB_ACTOR ?? 'root'}: manual, from ${ids[1]}`
    ])
    const listing = await listReleases({ spec: t.spec() })
    expect(listing.hosts[0].releases.map((r) => [r.id, r.state, r.current])).toEqual([
      [ids[2], 'rolled-back', false], [ids[1], 'rolled-back', false], [ids[0], 'healthy', true]
    ])
    await expect(rollback({ spec: t.spec(), to: ids[2].replace(/.$/, 'x') })).rejects.toMatchObject({ exitCode: 2 })
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('a second deploy is refused fast while the first holds the lock, naming the holder', async () => {
    const t = setup('build:\n  - touch ../../building.flag; sleep 2\n')
    const first = deploy({ spec: t.spec(), now: clock(), actor: 'alice', runId: '42' })
    for (let i = 0; i < 200 && !existsSync(join(t.root, 'building.flag')); i++) await new Promise((r) => setTimeout(r, 25))
    const err = await deploy({ spec: t.spec(), now: clock(), actor: 'bob' }).catch((e) => e)
    expect(err).toBeInstanceOf(LockedError)
    expect(err.message).toMatch(/another operation holds the deploy lock: deploy of shop by alice \(run 42\) since .*slipway unlock/)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(true)
    const done = await first
    expect(current(t.root)).toBe(`releases/${done.release}`)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
  })

  test('an unknown host key is refused with its fingerprint and nothing is touched', async () => {
    const t = setup()
    const spec = t.spec()
    spec.known_hosts = read(hostA.knownHosts).replace(String(hostA.port), String(lab.port))
    const err = await deploy({ spec }).catch((e) => e)
    expect(err.exitCode).toBe(2)
    expect(err.message).toMatch(/HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+: the host offered ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/)
    spec.known_hosts = '# nothing known\n'
    const unknown = await deploy({ spec }).catch((e) => e)
    expect(unknown.message).toMatch(/unknown host key for \[127\.0\.0\.1\]:\d+: the host offered ssh-ed25519 SHA256:.*ssh-keyscan -p \d+ 127\.0\.0\.1/)
    expect(readdirSync(t.root)).toEqual([])
  })

  test('shell metacharacters in paths and shared names never execute', async () => {
    const canary = join(deployRoot(), 'pwned')
    const root = join(deployRoot(), `my app $(touch ${canary}) ;touch ${canary}2 'q'`)
    const t = setup(`shared:\n  files: ["it's \`touch ${canary}3\`.env"]\nwritable: ["cache $(touch ${canary}4)"]\n`, undefined, [lab], root)
    hostWrite(join(root, 'shared', `it's \`touch ${canary}3\`.env`), 'x=1\n')
    const r = await deploy({ spec: t.spec(), now: clock() })
    expect(read(join(root, 'current/index.html'))).toBe('v1\n')
    expect(existsSync(join(root, 'releases', r.release, `cache $(touch ${canary}4)`))).toBe(true)
    for (const suffix of ['', '2', '3', '4']) expect(existsSync(canary + suffix)).toBe(false)
  })

  test('two hosts get the same release; a failure on one before the switch switches neither', async () => {
    const name = `shop-${Date.now()}`
    const path = `/srv/slipway-hosts/${name}`
    const t = setup('shared:\n  files: [.env]\n', undefined, [hostA, hostB], path)
    const onA = (p: string) => join(hostA.disk!, name, p)
    const onB = (p: string) => join(hostB.disk!, name, p)
    hostWrite(onA('shared/.env'), 'a\n')
    hostWrite(onB('shared/.env'), 'b\n')
    const r = await deploy({ spec: t.spec(), now: clock() })
    expect(r.hosts).toEqual([`slipway@127.0.0.1:${hostA.port}`, `slipway@127.0.0.1:${hostB.port}`])
    expect(readlinkSync(onA('current'))).toBe(`releases/${r.release}`)
    expect(readlinkSync(onB('current'))).toBe(`releases/${r.release}`)
    expect(read(onA('current/.env'))).toBe('a\n')
    expect(read(onB('current/.env'))).toBe('b\n')

    const { rmSync } = await import('node:fs')
    rmSync(onB('shared/.env'))
    const err = await deploy({ spec: t.spec(), now: clock() }).catch((e) => e)
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toContain(`slipway@127.0.0.1:${hostB.port}: step "shared files" failed with exit code 3`)
    expect(readlinkSync(onA('current'))).toBe(`releases/${r.release}`)
    expect(readlinkSync(onB('current'))).toBe(`releases/${r.release}`)
    expect(JSON.parse(read(onA(`.slipway/releases/${err.result.release}.json`))).state).toBe('failed')
  })
})
