/**
 * bench/peer: the Laravel fixture deployed to one loopback sshd by Slipway and by Capistrano 3, alternating
 * A B A B. Each run, on a fresh deploy root: first deploy, redeploy (VERSION changed), manual rollback.
 * Prints medians, the Slipway/Capistrano ratio, and SSH connections / command sessions per operation as
 * counted in sshd's own log. Asserts nothing but that both tools did the job (current, migrations).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { deployRoot, hostsYaml, LAB_USER, laravelSource, removeRoot, repo, snapshotCli, sshdCount, sshdMark, startLab, work, type Lab, type SshdCount } from '../lib/lab.js'
import { run, sleep } from '../lib/proc.js'
import { median, secs, table, verdict } from '../lib/stats.js'

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5))
const HOOKS = process.env.BENCH_HOOKS === '1'
const TOOLS = ['Slipway', 'Capistrano'] as const
const OPS = ['first deploy', 'redeploy', 'manual rollback'] as const
/**
 * BENCH_HOOKS=1: the Laravel preset's artisan hooks (as of 2026-11-22), spelled out so that a later preset change
 * does not make the two sides differ; cap/config/deploy.rb runs the same commands at the same points.
 */
const HOOKS_YAML = 'build:\n  - php artisan config:cache\n  - php artisan route:cache\nactivate:\n  - php artisan queue:restart\nrollback_hooks:\n  - php artisan cache:clear\n  - php artisan queue:restart\n'
type Tool = (typeof TOOLS)[number]
type Op = (typeof OPS)[number]
interface Sample extends SshdCount { tool: Tool; op: Op; ms: number }

/** The three operations of one tool on one deploy root, as child processes. */
type Ops = Record<'deploy' | 'rollback', () => Promise<number>>

const log = (name: string) => join(work, `${name}.log`)

function slipwayOps(lab: Lab, cli: string, source: string, root: string, name: string): Ops {
  const hooks = HOOKS ? HOOKS_YAML : 'build: []\nactivate: []\nrollback_hooks: []\n'
  const spec = join(work, `${name}.yml`)
  writeFileSync(spec, `app: bench\npath: ${root}\npreset: laravel\nkeep_releases: 3\n${hostsYaml(lab)}\nsource:\n  dir: ${source}\n  exclude: []\n${hooks}`)
  const cmd = (verb: string) => () => run('node', [cli, verb, '--spec', spec], { log: log(name), timeoutMs: 120_000 })
  return { deploy: cmd('deploy'), rollback: cmd('rollback') }
}

function capOps(lab: Lab, capDir: string, source: string, root: string, name: string): Ops {
  const env = { ...process.env, BENCH_SOURCE: source, BENCH_PATH: root, BENCH_PORT: String(lab.port), BENCH_KEY: lab.key, BENCH_KNOWN_HOSTS: lab.knownHosts, BENCH_TMP: join(work, 'tmp'), BENCH_HOOKS: HOOKS ? '1' : '0' }
  const cmd = (task: string) => () => run('cap', ['bench', task], { cwd: capDir, env, log: log(name), timeoutMs: 120_000 })
  return { deploy: cmd('deploy'), rollback: cmd('deploy:rollback') }
}

const live = (root: string) => basename(readlinkSync(join(root, 'current')))
const migrations = (root: string) => execFileSync('sqlite3', [join(root, 'shared/database.sqlite'), 'select migration from migrations'], { encoding: 'utf8' }).trim()

/** One run of one tool: three timed operations, each with its sshd counts; checks the effect of each. */
async function oneRun(lab: Lab, tool: Tool, ops: Ops, root: string, source: string, i: number): Promise<Sample[]> {
  const out: Sample[] = []
  const timed = async (op: Op, fn: () => Promise<number>) => {
    const mark = sshdMark(lab)
    const ms = await fn()
    await sleep(300) // let sshd's children finish writing their lines
    out.push({ tool, op, ms, ...sshdCount(lab, mark) })
  }
  writeFileSync(join(source, 'VERSION'), `1.${i}.0\n`)
  await timed('first deploy', ops.deploy)
  const first = live(root)
  if (!migrations(root).includes('create_items_table')) throw new Error(`${tool}: the first deploy did not run the migration`)
  writeFileSync(join(source, 'VERSION'), `2.${i}.0\n`)
  await sleep(1000 - (Date.now() % 1000)) // Capistrano names releases by the second
  await timed('redeploy', ops.deploy)
  const second = live(root)
  if (second === first) throw new Error(`${tool}: the redeploy did not switch current (still ${first})`)
  await timed('manual rollback', ops.rollback)
  if (live(root) !== first) throw new Error(`${tool}: the rollback left current at ${live(root)}, expected ${first}`)
  return out
}

/** What any Slipway operation costs at least: starting the CLI, and starting + one SSH connection + one round trip. */
async function floor(lab: Lab, cli: string, source: string): Promise<{ start: number; connect: number }> {
  const root = deployRoot('slipway-floor', source)
  const ops = slipwayOps(lab, cli, source, root, 'slipway-floor')
  await ops.deploy()
  const spec = join(work, 'slipway-floor.yml')
  const start: number[] = [], connect: number[] = []
  for (let i = 0; i < 5; i++) {
    start.push(await run('node', [cli, '--help'], { log: log('slipway-floor'), timeoutMs: 60_000 }))
    connect.push(await run('node', [cli, 'releases', '--spec', spec], { log: log('slipway-floor'), timeoutMs: 60_000 }))
  }
  removeRoot(root)
  return { start: median(start), connect: median(connect) }
}

function report(samples: Sample[], cli: { built: string }, capVersion: string, least: { start: number; connect: number }): void {
  const pick = (tool: Tool, op: Op) => samples.filter((s) => s.tool === tool && s.op === op)
  const med = (tool: Tool, op: Op, key: 'ms' | 'connections' | 'sessions') => median(pick(tool, op).map((s) => s[key]))
  const spread = (tool: Tool, op: Op) => { const xs = pick(tool, op).map((s) => s.ms / 1000); return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s` }
  console.log(`\nbench/peer — Slipway (bundle ${cli.built}) vs ${capVersion}; Laravel 8 fixture, one loopback sshd (LogLevel VERBOSE),`)
  console.log(`${RUNS} runs per tool alternating A B A B; ${HOOKS ? 'with the Laravel preset\'s artisan hooks on both sides (config/route:cache before the switch, queue:restart after it; cache:clear, queue:restart after a rollback)' : 'no build/activate hooks on either side (BENCH_HOOKS=1 adds the preset\'s artisan hooks to both)'}\n`)
  console.log(table([
    ['operation', 'Slipway median', 'Capistrano median', 'Slipway/Capistrano', 'speed-up', 'Slipway range', 'Capistrano range'],
    ...OPS.map((op) => {
      const s = med('Slipway', op, 'ms'), c = med('Capistrano', op, 'ms')
      return [op, secs(s), secs(c), (s / c).toFixed(2), `${(c / s).toFixed(1)}×`, spread('Slipway', op), spread('Capistrano', op)]
    })
  ]))
  console.log('\nSSH per operation, from sshd\'s log (median): connections ("Accepted publickey") / command sessions ("Starting session:")\n')
  console.log(table([
    ['operation', 'Slipway', 'Capistrano'],
    ...OPS.map((op) => [op, ...TOOLS.map((t) => `${med(t, op, 'connections')} / ${med(t, op, 'sessions')}`)])
  ]))
  const rb = { conn: med('Slipway', 'manual rollback', 'connections'), sess: med('Slipway', 'manual rollback', 'sessions'), x: med('Capistrano', 'manual rollback', 'ms') / med('Slipway', 'manual rollback', 'ms') }
  const dx = OPS.slice(0, 2).map((op) => med('Capistrano', op, 'ms') / med('Slipway', op, 'ms'))
  console.log('\nTargets (issue 6):')
  console.log(`  manual rollback: one SSH connection (${rb.conn}) and at most two round trips (${rb.sess} session${rb.sess === 1 ? '' : 's'}): ${verdict(rb.conn === 1 && rb.sess <= 2)}`)
  console.log(`  manual rollback ≥5× faster than cap deploy:rollback: ${rb.x.toFixed(1)}× — ${verdict(rb.x >= 5)}`)
  console.log(`  deploy ≥2× faster than cap deploy: first ${dx[0].toFixed(1)}×, redeploy ${dx[1].toFixed(1)}× — ${verdict(Math.min(...dx) >= 2)}`)
  console.log(`\nSlipway's floor (median of 5): CLI start (slipway --help) ${secs(least.start)}; start + SSH connect + one round trip (slipway releases) ${secs(least.connect)}`)
  console.log(`  so no Slipway operation can beat cap deploy:rollback by more than ${(med('Capistrano', 'manual rollback', 'ms') / least.connect).toFixed(1)}× here, however few its round trips`)
  console.log('\nAll samples (s, connections/sessions):')
  for (const t of TOOLS) for (const op of OPS) console.log(`  ${t.padEnd(10)} ${op.padEnd(15)} ${pick(t, op).map((s) => `${(s.ms / 1000).toFixed(2)} (${s.connections}/${s.sessions})`).join('  ')}`)
}

async function main(): Promise<void> {
  const lab = await startLab()
  const cli = await snapshotCli()
  const source = laravelSource('src')
  const capDir = join(work, 'cap')
  mkdirSync(join(work, 'tmp'))
  execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, join(work, 'tmp')])
  cpSync(join(repo, 'bench/peer/cap'), capDir, { recursive: true })
  const capVersion = execFileSync('cap', ['--version'], { encoding: 'utf8' }).trim().replace(/ \(.*/, '').replace('Version: ', '')
  const samples: Sample[] = []
  const started = Date.now()
  for (let i = 1; i <= RUNS; i++) {
    for (const tool of TOOLS) {
      const name = `${tool.toLowerCase()}-${i}`
      const root = deployRoot(name, source)
      const ops = tool === 'Slipway' ? slipwayOps(lab, cli.bin, source, root, name) : capOps(lab, capDir, source, root, name)
      const got = await oneRun(lab, tool, ops, root, source, i)
      samples.push(...got)
      removeRoot(root)
      process.stderr.write(`run ${i}/${RUNS} ${tool}: ${got.map((s) => `${s.op} ${secs(s.ms)}`).join(', ')}\n`)
    }
  }
  report(samples, cli, capVersion, await floor(lab, cli.bin, source))
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all; logs were in ${work}, removed on exit)`)
}

main().catch((error) => {
  console.error(`bench/peer failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
