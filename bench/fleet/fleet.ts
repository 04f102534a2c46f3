/**
 * bench/fleet: what a fleet costs. For each fleet size, N sshd on loopback ports, each in its own mount namespace
 * where its own disk is mounted at /srv/slipway-hosts (scripts/sshd-lab.sh with a HOSTROOT): a first deploy, then
 * BENCH_RUNS redeploys (one file changed) and rollbacks, timed from the CLI's start to its exit. Every figure is
 * also printed as a ratio to the one-host fleet measured in the same run (goal: 50 hosts ≤ 2× one host); and, up to
 * ten hosts, the time to revert after a failed smoke check (goal: ≤1 s on ten hosts; revert.ts).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { freePort, LAB_USER, recordPidFile, repo, snapshotCli, sshTrue, work, type Lab } from '../lib/lab.js'
import { median, secs, table, verdict } from '../lib/stats.js'
import { revertTimes } from './revert.js'

const sizes = (process.env.BENCH_HOSTS ?? '1,10,50').split(',').map(Number)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const files = Number(process.env.BENCH_FILES ?? 200)
const ROOT = '/srv/slipway-hosts/app'
/** Time to revert is measured for fleets up to this size (the goal is for ten hosts). */
const revertMax = Number(process.env.BENCH_REVERT_MAX ?? 10)

/** One host: an sshd in its own mount namespace with its own disk. */
async function startHost(i: number): Promise<Lab> {
  const dir = join(work, `sshd-${i}`)
  const disk = join(work, `disk-${i}`)
  const port = await freePort()
  execFileSync('bash', [join(repo, 'scripts/sshd-lab.sh'), 'start', dir, String(port), LAB_USER, disk], { stdio: 'pipe', timeout: 60_000 })
  recordPidFile(`sshd-${i}`, join(dir, 'sshd.pid'))
  const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ')
  return { dir, port, key: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts'), log: join(dir, 'sshd.log'), hostKey }
}

/** A plain app of `files` files of 2 KB in 10 directories. */
function app(): string {
  const dir = join(work, 'app')
  for (let i = 0; i < files; i++) {
    mkdirSync(join(dir, `d${i % 10}`), { recursive: true })
    writeFileSync(join(dir, `d${i % 10}`, `f${i}.txt`), `${i}\n`.repeat(512))
  }
  return dir
}

function spec(dir: string, hosts: Lab[]): string {
  const file = join(dir, 'slipway.yml')
  writeFileSync(file, [
    'app: fleet', `path: ${ROOT}`, 'keep_releases: 3', 'source: { exclude: [slipway.yml, slipway-bad.yml] }', 'hosts:',
    ...hosts.map((h, i) => `  - { name: h${i}, host: 127.0.0.1, port: ${h.port}, user: ${LAB_USER}, identity: ${h.key} }`),
    'known_hosts: |', ...hosts.map((h) => `  [127.0.0.1]:${h.port} ${h.hostKey}`), ''
  ].join('\n'))
  return file
}

/** Runs the CLI under /usr/bin/time: wall ms and peak RSS in MB. */
function cli(bin: string, args: string[]): { ms: number; mb: number } {
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, bin, ...args], { encoding: 'utf8', timeout: 600_000 })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`slipway ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return { ms, mb: Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024 }
}

/** "Accepted publickey" lines across the fleet's sshd logs. */
const connections = (hosts: Lab[]) => hosts.reduce((n, h) => n + (readFileSync(h.log, 'utf8').match(/^Accepted publickey for /gm) ?? []).length, 0)

/**
 * The floor for a fleet on this machine: OpenSSH's `ssh host true` to every host at once (N client processes, N
 * logins, N sessions, all on the same cores), from the first spawn to the last exit.
 */
async function sshFloor(hosts: Lab[]): Promise<number> {
  const t0 = performance.now()
  await Promise.all(hosts.map((h) => new Promise<void>((resolve, reject) => {
    spawn('ssh', sshTrue(h), { stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh to port ${h.port} exited ${code}`))))
  })))
  return performance.now() - t0
}

interface Figures { size: number; first: number; redeploy: number; rollback: number; revert: number; mb: number; perOp: number; floor: number }

async function measure(bin: string, size: number, pool: Lab[]): Promise<Figures> {
  const hosts = pool.slice(0, size)
  for (const h of hosts) execFileSync('rm', ['-rf', join(h.dir, '..', `disk-${pool.indexOf(h)}`, 'app')])
  const dir = app()
  const file = spec(dir, hosts)
  const first = cli(bin, ['deploy', '--spec', file])
  const redeploys: number[] = []
  const rollbacks: number[] = []
  const floors: number[] = []
  let mb = first.mb
  const before = connections(hosts)
  for (let r = 0; r < runs; r++) {
    writeFileSync(join(dir, 'd0/changed.txt'), `run ${size}.${r}\n`)
    const d = cli(bin, ['deploy', '--spec', file])
    const b = cli(bin, ['rollback', '--spec', file])
    redeploys.push(d.ms); rollbacks.push(b.ms); mb = Math.max(mb, d.mb, b.mb)
  }
  const perOp = (connections(hosts) - before) / (2 * runs) / size
  for (let r = 0; r < runs; r++) floors.push(await sshFloor(hosts))
  const currents = hosts.map((h) => join(work, `disk-${pool.indexOf(h)}`, 'app', 'current'))
  const revert = size <= revertMax ? median(await revertTimes(bin, join(dir, 'slipway-bad.yml'), readFileSync(file, 'utf8'), currents, runs)) : NaN
  return { size, first: first.ms, redeploy: median(redeploys), rollback: median(rollbacks), revert, mb, perOp, floor: median(floors) }
}

async function main(): Promise<void> {
  const { bin, built } = await snapshotCli()
  const pool: Lab[] = []
  const t0 = performance.now()
  for (let i = 0; i < Math.max(...sizes); i++) pool.push(await startHost(i))
  console.log(`bench/fleet: ${pool.length} sshd started in ${secs(performance.now() - t0)}; ${files} files; ${runs} runs per figure; CLI bundle ${built}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}\n`)
  const rows: Figures[] = []
  for (const size of sizes) rows.push(await measure(bin, size, pool))
  const one = rows.find((r) => r.size === 1) ?? rows[0]
  const x = (v: number, base: number) => `${secs(v)} (${(v / base).toFixed(2)}×)`
  console.log(table([
    ['hosts', 'first deploy', 'redeploy (median)', 'rollback (median)', 'revert after a failed smoke (median)', 'peak RSS', 'connections per host per op'],
    ...rows.map((r) => [String(r.size), x(r.first, one.first), x(r.redeploy, one.redeploy), x(r.rollback, one.rollback), Number.isNaN(r.revert) ? 'not measured' : `${(r.revert).toFixed(0)} ms`, `${r.mb.toFixed(0)} MB`, r.perOp.toFixed(2)])
  ]))
  console.log(`\nThe floor: OpenSSH's \`ssh host true\` to every host at once (median of ${runs}), and each operation ÷ that floor:\n`)
  console.log(table([
    ['hosts', 'ssh host true ×N at once', '÷ one host\'s', 'redeploy ÷ floor', 'rollback ÷ floor'],
    ...rows.map((r) => [String(r.size), secs(r.floor), `${(r.floor / one.floor).toFixed(2)}×`, `${(r.redeploy / r.floor).toFixed(2)}×`, `${(r.rollback / r.floor).toFixed(2)}×`])
  ]))
  const big = rows[rows.length - 1]
  for (const r of rows.filter((r) => !Number.isNaN(r.revert) && r.size > 1)) console.log(`revert on ${r.size} hosts ≤1 s: ${r.revert.toFixed(0)} ms — ${verdict(r.revert <= 1000)}`)
  if (big !== one) console.log(`\ngoal: ${big.size} hosts ≤ 2× one host — redeploy ${(big.redeploy / one.redeploy).toFixed(2)}× ${verdict(big.redeploy <= 2 * one.redeploy)}, rollback ${(big.rollback / one.rollback).toFixed(2)}× ${verdict(big.rollback <= 2 * one.rollback)}`)
}

main().catch((error) => { console.error(error); process.exit(1) })
