/**
 * max_connections on a real sshd whose sshd_config (test-only) drops every new connection past 3 unauthenticated
 * ones (MaxStartups 3:100:3). 24 "hosts" (one server, a deploy root each) read at once overflow it; with
 * max_connections: 2 every one is read (2, not 3: sshd counts a connection as starting until its parent process hears
 * that it authenticated, a moment after the client has; at exactly 3 a deploy's connects were still dropped now and then). The peak of connects in flight is counted by the connector, not timed.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { listReleases } from '../../src/deploy/releases.js'
import { rollback } from '../../src/deploy/rollback.js'
import { sshConnector, type Connector } from '../../src/deploy/session.js'
import { silentReporter, type Reporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

const HOSTS = 24
let lab: Lab
let root: string

beforeAll(async () => {
  lab = await startLab()
  const config = join(lab.dir, 'sshd_config')
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^MaxStartups .*$/m, 'MaxStartups 3:100:3'))
  execFileSync('kill', ['-HUP', readFileSync(join(lab.dir, 'sshd.pid'), 'utf8').trim()]) // sshd re-executes itself with the new config
  await new Promise((r) => setTimeout(r, 1000))
  root = deployRoot()
  for (let i = 1; i <= HOSTS; i++) mkdirSync(join(root, `n${i}`))
  execFileSync('chown', ['-R', `${LAB_USER}:${LAB_USER}`, root])
}, 60000)
afterAll(() => lab?.stop())

/** A spec of `n` hosts on the lab (each its own root), with `max_connections` when given. */
function spec(max?: number, n = HOSTS) {
  const hosts = Array.from({ length: n }, (_, i) => `  - { name: n${String(i + 1).padStart(2, '0')}, host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER}, identity: ${lab.key}, path: ${root}/n${i + 1} }`)
  const file = writeSpec(appDir(), [`app: shop`, `path: ${root}`, 'hosts:', ...hosts, `known_hosts: ${lab.knownHosts}`, ...(max ? [`max_connections: ${max}`] : []), 'timeouts:', '  connect: 5', ''].join('\n'))
  return loadSpec(file)
}

/** The default connector, counting connects in flight; returns the peak. */
function counting(): { connect: Connector; peak: () => number } {
  let now = 0
  let peak = 0
  const connect: Connector = async (host, s) => {
    peak = Math.max(peak, ++now)
    try {
      return await sshConnector(host, s)
    } finally {
      now--
    }
  }
  return { connect, peak: () => peak }
}

/** A reporter counting hosts in their upload step at once (from a host's `step upload` line to its next step line). */
function uploadsInFlight(): { reporter: Reporter; peak: () => number } {
  const uploading = new Set<string>()
  let peak = 0
  const debug = (m: string) => {
    const step = /^(.+): step (.+)$/.exec(m)
    if (!step) return
    if (step[2] === 'upload') uploading.add(step[1])
    else uploading.delete(step[1])
    peak = Math.max(peak, uploading.size)
  }
  return { reporter: { ...silentReporter, debug }, peak: () => peak }
}

test('the sshd drops a burst of 24 connects at once (hosts unreachable, named); with max_connections: 2 every host is read', async () => {
  const burst = counting()
  const all = await listReleases({ spec: spec(100), connect: burst.connect })
  const lost = all.hosts.filter((h) => h.unreachable)
  console.log(`max_connections 100: peak ${burst.peak()} connects at once, ${lost.length} of ${HOSTS} hosts unreachable: ${lost[0]?.unreachable}`)
  expect(burst.peak()).toBe(HOSTS)
  expect(lost.length).toBeGreaterThan(0)
  expect(lost[0].unreachable).toMatch(/^cannot connect: .*(Connection lost before handshake|ECONNRESET)/) // sshd closes or resets a dropped connect, by timing

  const bounded = counting()
  const read = await listReleases({ spec: spec(2), connect: bounded.connect })
  console.log(`max_connections 2: peak ${bounded.peak()} connects at once, ${read.hosts.filter((h) => h.unreachable).length} unreachable`)
  expect(bounded.peak()).toBe(2)
  expect(read.hosts.filter((h) => h.unreachable)).toEqual([])
  expect(read.hosts.map((h) => h.releases)).toEqual(Array(HOSTS).fill([]))
}, 120000)

test('deploy and rollback of 8 hosts under max_connections: 2 go through (connects and round trips bounded), peak 2', async () => {
  const counted = counting()
  const n = 8
  const sent = uploadsInFlight()
  const first = await deploy({ spec: spec(2, n), connect: counted.connect, reporter: sent.reporter, now: () => new Date('2026-05-01T00:00:00Z') })
  const second = await deploy({ spec: spec(2, n), connect: counted.connect, now: () => new Date('2026-05-01T00:00:01Z') })
  const back = await rollback({ spec: spec(2, n), connect: counted.connect })
  expect([second.hosts.length, back.release, back.from]).toEqual([n, first.release, second.release])
  const serving = Array.from({ length: n }, (_, i) => readlinkSync(join(root, `n${i + 1}`, 'current')))
  console.log(`deploy ×2 + rollback of ${n} hosts, max_connections 2: peak ${counted.peak()} connects at once; all serve ${[...new Set(serving)].join(', ')}`)
  expect(serving).toEqual(Array(n).fill(`releases/${first.release}`))
  expect(counted.peak()).toBe(2)
  // The upload goes to 2 hosts at a time too (bounded parallel transfers); other round trips reach all 8 at once.
  console.log(`hosts in their upload step at once: ${sent.peak()}`)
  expect(sent.peak()).toBe(2)
}, 180000)
