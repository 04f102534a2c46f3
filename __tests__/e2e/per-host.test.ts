/** Per-host settings on a real sshd: deploy roots (hosts[].path) and roles, two "hosts" on one server, each with its own root. */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

function spec(paths: Array<string | undefined>, top = deployRoot(), extra = '', roles: string[] = []): () => ReturnType<typeof loadSpec> {
  const hosts = paths.map((p, i) => `  - { name: h${i}, host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER}, identity: ${lab.key}${p ? `, path: ${p}` : ''}${roles[i] ? `, roles: [${roles[i]}]` : ''} }`)
  const file = writeSpec(appDir(), `app: shop\npath: ${top}\nhosts:\n${hosts.join('\n')}\nknown_hosts: ${lab.knownHosts}\n${extra}`)
  return () => loadSpec(file)
}

test('each host deploys into its own path; the top-level path is the default; rollback moves each', async () => {
  const [a, top] = [deployRoot(), deployRoot()]
  const s = spec([a, undefined], top)
  const first = await deploy({ spec: s(), now: () => new Date('2026-04-01T00:00:00Z') })
  await deploy({ spec: s(), now: () => new Date('2026-04-01T00:00:01Z') })
  for (const root of [a, top]) expect(readFileSync(join(root, 'current/index.html'), 'utf8')).toBe('v1\n')
  await rollback({ spec: s() })
  for (const root of [a, top]) expect(readlinkSync(join(root, 'current'))).toBe(`releases/${first.release}`)
})

test('a host path is checked like the top-level one, and the same host twice with one path is refused', () => {
  expect(() => spec(['srv/app'])()).toThrow(/hosts\[0\]\.path: "srv\/app" is not an absolute path/)
  const root = deployRoot()
  expect(() => spec([root, root])()).toThrow(/hosts\[1\]: host h1 is listed twice \(same target as hosts\[0\]\)/)
})

test('roles: hooks and smoke checks given roles run only on hosts that have one', async () => {
  const [web, worker] = [deployRoot(), deployRoot()]
  const extra = [
    'build:', '  - echo all > all.txt', '  - { run: "echo worker > worker.txt", roles: [worker] }',
    'activate:', '  - { run: "touch ../../web-activated", roles: [web] }',
    'smoke:', '  - { name: queue, run: "test -f worker.txt", roles: [worker] }', ''
  ].join('\n')
  const r = await deploy({ spec: spec([web, worker], deployRoot(), extra, ['web', 'worker'])() })
  expect(r.smoke.map((c) => `${c.name} ${c.host} ${c.ok}`)).toEqual(['queue h1 true'])
  expect(existsSync(join(web, 'current/all.txt')) && existsSync(join(worker, 'current/all.txt'))).toBe(true)
  expect([existsSync(join(web, 'current/worker.txt')), existsSync(join(worker, 'current/worker.txt'))]).toEqual([false, true])
  expect([existsSync(join(web, 'web-activated')), existsSync(join(worker, 'web-activated'))]).toEqual([true, false])
})

test('roles that no host has, and roles on a check run from the runner, are refused with the key and the fix', () => {
  const typo = spec([deployRoot()], deployRoot(), 'build:\n  - { run: x, roles: [wrker] }\n', ['worker'])
  expect(typo).toThrow(/build\[0\]\.roles: no host has the role "wrker". Fix: give a host roles: \[wrker\], or use one of: worker/)
  const runner = spec([deployRoot()], deployRoot(), 'smoke:\n  - { http: "http://127.0.0.1:1/", roles: [web] }\n', ['web'])
  expect(runner).toThrow(/smoke\[0\]\.roles: this check runs once, from the runner; roles limit checks that run on hosts. Fix: add from: host, or remove roles/)
})

test('--events: every message as a JSON line, with its log group and the host that printed it', async () => {
  const { run } = await import('../../src/cli/run.js')
  const [a, b] = [deployRoot(), deployRoot()]
  const loaded = spec([a, b], deployRoot(), 'build:\n  - echo "built in $(basename $(dirname $(dirname $PWD)))"\n')()
  const io = { cwd: loaded.baseDir, out: () => undefined, err: () => undefined }
  const events = join(deployRoot(), 'events.jsonl')
  expect(await run(['deploy', '--spec', loaded.file, '--events', events], io)).toBe(0)
  const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const built = lines.filter((e) => e.kind === 'line' && /^built in/.test(e.text))
  expect(built.map((e) => `${e.host}: ${e.text}`).sort()).toEqual([`h0: built in ${a.split('/').pop()}`, `h1: built in ${b.split('/').pop()}`])
  expect(new Set(built.map((e) => e.group)).size).toBe(1)
  expect(lines.find((e) => e.kind === 'group')?.text).toBe('Connect')
  expect(lines.every((e) => typeof e.time === 'string' && e.time.endsWith('Z'))).toBe(true)
  expect(await run(['deploy', '--spec', loaded.file, '--events', '/nonexistent/dir/e.jsonl'], io)).toBe(2)
})
