/**
 * bench/speed: Slipway against the floors it cannot beat, measured in the same run — bare Node (`node -e 0`) for
 * start-up, OpenSSH (`ssh host true`) for a connection with one command — and against Capistrano's rollback.
 * Prints medians of BENCH_RUNS alternating samples as differences and ratios; asserts nothing but that each
 * operation did its job. Sections: cold start, manual rollback, revert after a failed smoke check, big apps.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { cpus, totalmem } from 'node:os'
import { deployRoot, hostsYaml, LAB_USER, laravelSource, repo, snapshotCli, sshTrue, startLab, work, type Lab } from '../lib/lab.js'
import { median, table, verdict } from '../lib/stats.js'
import { bigApps, planAtScale, revertTime } from './big.js'
import { connectClock, cpuOf, cpuToConnect, timed, timeToConnect } from './timing.js'

export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7))
export const log = (name: string) => join(work, `${name}.log`)
export const ms = (x: number) => `${x.toFixed(0)} ms`
export const live = (root: string) => basename(readlinkSync(join(root, 'current')))

/** A Slipway spec for the Laravel fixture on the lab (no hooks: they are the user's cost, measured by nobody here). */
export function slipwaySpec(lab: Lab, name: string, source: string, root: string, extra = ''): string {
  const spec = join(work, `${name}.yml`)
  writeFileSync(spec, `app: bench\npath: ${root}\npreset: laravel\nkeep_releases: 3\n${hostsYaml(lab)}\nsource:\n  dir: ${source}\n  exclude: []\nbuild: []\nactivate: []\nrollback_hooks: []\n${extra}`)
  return spec
}

/** Medians of alternating samples: `fns` run in turn, RUNS times. */
async function alternate(fns: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const xs: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]))
  for (let i = 0; i < RUNS; i++) for (const [k, fn] of Object.entries(fns)) xs[k].push(await fn())
  return Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, median(v)]))
}

/** BENCH_BEFORE=<dir with bin/ and dist/>: an earlier build measured in the same run, alternating with this one. */
export const BEFORE = process.env.BENCH_BEFORE ? join(process.env.BENCH_BEFORE, 'bin/slipway.js') : undefined

async function coldStart(cli: string): Promise<void> {
  const clock = await connectClock()
  const key = join(work, 'cold-key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  const spec = join(work, 'cold.yml')
  writeFileSync(spec, `app: cold\npath: /tmp/cold\nhosts:\n  - { host: 127.0.0.1, port: ${clock.port}, user: u, identity: ${key} }\ninsecure_skip_host_key_check: true\n`)
  const l = log('cold')
  const m = await alternate({
    'node -e 0': () => timed('node', ['-e', '0'], l),
    'slipway --version': () => timed('node', [cli, '--version'], l),
    'slipway --help': () => timed('node', [cli, '--help'], l),
    'slipway rollback, spawn to first TCP connect': () => timeToConnect('node', [cli, 'rollback', '--spec', spec], clock),
    ...(BEFORE ? {
      'before: slipway --version': () => timed('node', [BEFORE, '--version'], l),
      'before: slipway --help': () => timed('node', [BEFORE, '--help'], l),
      'before: slipway rollback, first connect': () => timeToConnect('node', [BEFORE, 'rollback', '--spec', spec], clock)
    } : {})
  })
  const cpu = await alternate({
    'node -e 0': () => cpuOf('node', ['-e', '0']),
    'slipway --version': () => cpuOf('node', [cli, '--version']),
    'slipway --help': () => cpuOf('node', [cli, '--help']),
    'slipway rollback, spawn to first TCP connect': () => cpuToConnect('node', [cli, 'rollback', '--spec', spec], clock),
    ...(BEFORE ? {
      'before: slipway --version': () => cpuOf('node', [BEFORE, '--version']),
      'before: slipway --help': () => cpuOf('node', [BEFORE, '--help']),
      'before: slipway rollback, first connect': () => cpuToConnect('node', [BEFORE, 'rollback', '--spec', spec], clock)
    } : {})
  })
  clock.close()
  const floor = m['node -e 0']
  console.log(`\n## Cold start (node ${process.version}; median of ${RUNS}, alternating)\n`)
  const cf = cpu['node -e 0']
  console.log(table([['', 'wall median', '− node -e 0', '÷ node -e 0', 'CPU (user+sys) median', '− node -e 0', '÷ node -e 0'], ...Object.entries(m).map(([k, v]) => [k, ms(v), k === 'node -e 0' ? '' : `+${ms(v - floor)}`, `${(v / floor).toFixed(2)}×`, ms(cpu[k]), k === 'node -e 0' ? '' : `+${ms(cpu[k] - cf)}`, `${(cpu[k] / cf).toFixed(2)}×`])]))
  console.log('  (CPU time barely depends on the load of the machine; the rollback\'s is read from /proc in 10 ms ticks)')
  const rb = 'slipway rollback, spawn to first TCP connect'
  console.log(`\n  slipway --version within 30 ms of node -e 0: wall +${ms(m['slipway --version'] - floor)} — ${verdict(m['slipway --version'] - floor <= 30)}; CPU +${ms(cpu['slipway --version'] - cf)} — ${verdict(cpu['slipway --version'] - cf <= 30)}`)
  console.log(`  start of rollback (first connect) within 30 ms of node -e 0: wall +${ms(m[rb] - floor)} — ${verdict(m[rb] - floor <= 30)}; CPU +${ms(cpu[rb] - cf)} — ${verdict(cpu[rb] - cf <= 30)}`)
}

/** Capistrano's rollback on its own deploy root: two deploys (not timed), then `cap deploy:rollback` (timed). */
function capRollback(lab: Lab, capDir: string, source: string): () => Promise<number> {
  let n = 0
  return async () => {
    const root = deployRoot(`cap-${++n}`, source)
    const env = { ...process.env, BENCH_SOURCE: source, BENCH_PATH: root, BENCH_PORT: String(lab.port), BENCH_KEY: lab.key, BENCH_KNOWN_HOSTS: lab.knownHosts, BENCH_TMP: join(work, 'tmp'), BENCH_HOOKS: '0' }
    const cap = (task: string) => timed('cap', ['bench', task], log('cap'), { cwd: capDir, env })
    await cap('deploy')
    const first = live(root)
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000))) // Capistrano names releases by the second
    await cap('deploy')
    const t = await cap('deploy:rollback')
    if (live(root) !== first) throw new Error('cap deploy:rollback did not go back')
    return t
  }
}

/** The earlier build's rollback, on a deploy root of its own. */
function beforeRollback(lab: Lab, cli: string, source: string): () => Promise<number> {
  const root = deployRoot('rollback-before', source)
  const spec = slipwaySpec(lab, 'rollback-before', source, root)
  const slipway = (verb: string) => timed('node', [cli, verb, '--spec', spec], log('rollback'))
  let first = true
  return async () => {
    if (first) await slipway('deploy')
    first = false
    await slipway('deploy')
    return slipway('rollback')
  }
}

async function rollbackFloor(lab: Lab, cli: string, source: string): Promise<void> {
  const root = deployRoot('rollback', source)
  const spec = slipwaySpec(lab, 'rollback', source, root)
  const slipway = (verb: string) => timed('node', [cli, verb, '--spec', spec], log('rollback'))
  await slipway('deploy')
  const capDir = join(work, 'cap')
  mkdirSync(join(work, 'tmp'))
  execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, join(work, 'tmp')])
  cpSync(join(repo, 'bench/peer/cap'), capDir, { recursive: true })
  const ssh = sshTrue(lab)
  const m = await alternate({
    'ssh host true (OpenSSH)': () => timed('ssh', ssh, log('ssh')),
    'slipway releases (connect + one round trip)': () => slipway('releases'),
    'slipway rollback': async () => {
      await slipway('deploy')
      const from = live(root)
      const t = await slipway('rollback')
      if (live(root) === from) throw new Error('slipway rollback did not switch')
      return t
    },
    'cap deploy:rollback': capRollback(lab, capDir, source),
    ...(BEFORE ? { 'before: slipway rollback': beforeRollback(lab, BEFORE, source) } : {}),
    'node -e 0': () => timed('node', ['-e', '0'], log('cold'))
  })
  const floor = m['ssh host true (OpenSSH)']
  console.log(`\n## Manual rollback of one host (Laravel fixture, no hooks on either side; median of ${RUNS}, alternating)\n`)
  console.log(table([['', 'median', '− ssh host true', '÷ ssh host true'], ...Object.entries(m).map(([k, v]) => [k, ms(v), k.startsWith('ssh') ? '' : `${v >= floor ? '+' : ''}${ms(v - floor)}`, `${(v / floor).toFixed(2)}×`])]))
  console.log(`\n  slipway rollback within 100 ms of ssh host true: +${ms(m['slipway rollback'] - floor)} — ${verdict(m['slipway rollback'] - floor <= 100)}`)
  console.log(`  cap deploy:rollback ÷ slipway rollback: ${(m['cap deploy:rollback'] / m['slipway rollback']).toFixed(1)}×`)
}

/** Connection setup alone, in this (warm) process: ssh2's connect + one `true` + close, against OpenSSH's whole `ssh host true`. */
async function connectCost(lab: Lab): Promise<void> {
  const { connectSsh } = await import('../../src/remote/ssh.js')
  const privateKey = readFileSync(lab.key, 'utf8')
  const knownHosts = `[127.0.0.1]:${lab.port} ${lab.hostKey}\n`
  const target = { name: 'lab', host: '127.0.0.1', port: lab.port, user: LAB_USER, privateKey, knownHosts, connectTimeoutMs: 20_000 }
  const ssh = sshTrue(lab)
  const m = await alternate({
    'ssh host true (OpenSSH, a process)': () => timed('ssh', ssh, log('ssh')),
    'ssh2 connect (warm process)': async () => {
      const t = performance.now()
      const r = await connectSsh(target)
      const connected = performance.now() - t
      await r.exec('true')
      await r.close()
      return connected
    },
    'ssh2 connect + exec true + close': async () => {
      const t = performance.now()
      const r = await connectSsh(target)
      await r.exec('true')
      await r.close()
      return performance.now() - t
    }
  })
  console.log(`\n## Connection setup (median of ${RUNS}, alternating)\n`)
  console.log(table([['', 'median', '÷ ssh host true'], ...Object.entries(m).map(([k, v]) => [k, ms(v), `${(v / m['ssh host true (OpenSSH, a process)']).toFixed(2)}×`])]))
}

async function main(): Promise<void> {
  const lab = await startLab()
  // BENCH_CLI=<dir with bin/ and dist/>: measure another build (e.g. the previous commit's) instead of this dist/.
  const cli = process.env.BENCH_CLI ? { bin: join(process.env.BENCH_CLI, 'bin/slipway.js'), built: `from ${process.env.BENCH_CLI}` } : await snapshotCli()
  const source = laravelSource('src')
  console.log(`bench/speed — Slipway (bundle ${cli.built}) on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; one loopback sshd (LogLevel VERBOSE); load average at start ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`)
  const only = (process.env.BENCH_ONLY ?? 'cold,rollback,connect,revert,big,plan').split(',')
  if (only.includes('cold')) await coldStart(cli.bin)
  if (only.includes('rollback')) await rollbackFloor(lab, cli.bin, source)
  if (only.includes('connect')) await connectCost(lab)
  if (only.includes('revert')) await revertTime(lab, cli.bin, source)
  if (only.includes('big')) await bigApps(lab, cli.bin)
  if (only.includes('plan')) await planAtScale()
}

main().catch((error) => {
  console.error(`bench/speed failed: ${error instanceof Error ? error.stack : String(error)}`)
  process.exit(1)
})
