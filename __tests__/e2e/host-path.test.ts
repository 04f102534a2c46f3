/** Per-host deploy roots (hosts[].path) on a real sshd: two "hosts" on one server, each with its own root. */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

function spec(paths: Array<string | undefined>, top = deployRoot()): () => ReturnType<typeof loadSpec> {
  const hosts = paths.map((p, i) => `  - { name: h${i}, host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER}, identity: ${lab.key}${p ? `, path: ${p}` : ''} }`)
  const file = writeSpec(appDir(), `app: shop\npath: ${top}\nhosts:\n${hosts.join('\n')}\nknown_hosts: ${lab.knownHosts}\n`)
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
