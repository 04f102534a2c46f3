/**
 * bench/zero-downtime: nginx + PHP-FPM serve `current/public` of a Slipway deploy root while wrk hits the
 * health route and the Slipway CLI runs N deploy + rollback cycles. Prints total requests, failures
 * (non-2xx, socket errors, 2xx cut short), and how many responses came from the old (base) and the new
 * releases. Modes compare where the Laravel caches are built, and the FPM reload (kill -USR2) with none.
 */
import { readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deployRoot, hostsYaml, laravelSource, snapshotCli, startLab, work, type Lab } from '../lib/lab.js'
import { run, sleep } from '../lib/proc.js'
import { median, secs, table, verdict } from '../lib/stats.js'
import { PHP_SETTINGS, serverBlock, startFpm, startLoad, startNginx, waitHealthy, type Tally } from './serve.js'

const CYCLES = Math.max(1, Number(process.env.BENCH_CYCLES ?? 20))
const CONNECTIONS = Math.max(1, Number(process.env.BENCH_CONNECTIONS ?? 4))
/**
 * What is compared. `preset`: the Laravel preset's hooks as the bundle has them (since 2026-11-22: config/route
 * caches built in `build`, before the switch; queue:restart after it). `after-switch`: the hooks the preset had
 * before — config/route/view:cache after the switch, and their clears in the restored, live release on rollback.
 */
const MODES = {
  'preset+reload': { hooks: 'preset', reload: true, pct: '10s', doc: 'the preset\'s hooks; php_fpm_reload: kill -USR2 <FPM master>; process_control_timeout = 10s' },
  preset: { hooks: 'preset', reload: false, pct: '10s', doc: 'the preset\'s hooks, no FPM reload ($realpath_root alone)' },
  'preset+reload-pct0': { hooks: 'preset', reload: true, pct: '0', doc: 'as preset+reload with process_control_timeout = 0 (the FPM default): workers get no time to finish' },
  'preset-docroot': { hooks: 'preset', reload: false, pct: '10s', docroot: '$document_root', doc: 'as preset, but nginx passes $document_root (…/current/public, unresolved) instead of $realpath_root' },
  'after-switch+reload': { hooks: 'after-switch', reload: true, pct: '10s', doc: 'config/route/view:cache after the switch, their clears in the live release after a rollback (the preset until 2026-11-22); FPM reload' }
} as const
type ModeName = keyof typeof MODES
const chosen = (process.env.BENCH_ZD_MODES ?? Object.keys(MODES).join(',')).split(',').map((m) => m.trim()) as ModeName[]
for (const m of chosen) if (!(m in MODES)) throw new Error(`BENCH_ZD_MODES: unknown mode ${m}; pick from ${Object.keys(MODES).join(', ')}`)

interface Outcome {
  mode: ModeName
  tally: Tally
  base: string
  deployed: string[]
  deployMs: number[]
  rollbackMs: number[]
  seconds: number
}

/** The spec's hook keys for a mode. */
function hooksYaml(def: (typeof MODES)[ModeName], pidFile: string): string {
  const reload = `kill -USR2 "$(cat ${pidFile})"`
  if (def.hooks === 'preset') return def.reload ? `php_fpm_reload: '${reload}'\n` : ''
  const list = (cmds: string[]) => [...cmds, ...(def.reload ? [reload] : [])].map((c) => `  - '${c}'`).join('\n')
  const artisan = (...verbs: string[]) => verbs.map((v) => `php artisan ${v}`)
  return `build: []\nactivate:\n${list(artisan('config:cache', 'route:cache', 'view:cache', 'queue:restart'))}\nrollback_hooks:\n${list(artisan('config:clear', 'route:clear', 'view:clear', 'cache:clear', 'queue:restart'))}\n`
}

const live = (root: string) => readlinkSync(join(root, 'current')).split('/').pop()!

async function runMode(lab: Lab, cli: string, mode: ModeName): Promise<Outcome> {
  const def = MODES[mode]
  const source = laravelSource(`app-${mode}`)
  const root = deployRoot(`root-${mode}`, source)
  const fpm = await startFpm(`fpm-${mode}`, def.pct)
  const nginx = await startNginx(`nginx-${mode}`, root, fpm.port, 'docroot' in def ? def.docroot : undefined)
  const spec = join(work, `slipway-${mode}.yml`)
  writeFileSync(spec, `app: bench\npath: ${root}\npreset: laravel\nkeep_releases: 5\n${hostsYaml(lab)}\nsource:\n  dir: ${source}\n  exclude: []\n${hooksYaml(def, fpm.pidFile)}`)
  const log = join(work, `${mode}.log`)
  const slipway = (verb: string) => run('node', [cli, verb, '--spec', spec], { log, timeoutMs: 180_000 })
  try {
    await slipway('deploy')
    const base = live(root)
    await waitHealthy(`${nginx.url}/health`)
    const load = startLoad(`wrk-${mode}`, `${nginx.url}/health`, CONNECTIONS)
    const started = Date.now()
    const out: Outcome = { mode, base, deployed: [], deployMs: [], rollbackMs: [], seconds: 0, tally: undefined as unknown as Tally }
    try {
      await sleep(1000)
      for (let i = 1; i <= CYCLES; i++) {
        writeFileSync(join(source, 'VERSION'), `cycle-${i}\n`)
        out.deployMs.push(await slipway('deploy'))
        out.deployed.push(live(root))
        out.rollbackMs.push(await slipway('rollback'))
        if (live(root) !== base) throw new Error(`cycle ${i}: rollback left current at ${live(root)}, expected ${base}`)
        process.stderr.write(`${mode}: cycle ${i}/${CYCLES} deploy ${secs(out.deployMs.at(-1)!)}, rollback ${secs(out.rollbackMs.at(-1)!)}\n`)
      }
      await sleep(1000)
    } finally {
      out.tally = await load.stop()
      out.seconds = (Date.now() - started) / 1000
    }
    return out
  } finally {
    nginx.stop()
    fpm.stop()
  }
}

/** One mode's figures: every response is from the old (base) release, a new one, or is a failure. */
function summarize(o: Outcome) {
  const t = o.tally
  const non2xx = [...t.byStatus].filter(([s]) => /^\d+$/.test(s) && !s.startsWith('2')).reduce((n, [, c]) => n + c, 0)
  const socket = t.errors.connect + t.errors.read + t.errors.write + t.errors.timeout
  const deployed = new Set(o.deployed)
  let fromOld = 0, fromNew = 0
  for (const [release, n] of t.byRelease) {
    if (release === o.base) fromOld += n
    else if (deployed.has(release)) fromNew += n
  }
  const broken = t.byStatus.get('cut-short') ?? 0
  return { non2xx, socket, broken, fromOld, fromNew, failed: non2xx + socket + broken }
}

function row(o: Outcome): string[] {
  const s = summarize(o)
  const n = (x: number) => x.toLocaleString('en-US')
  return [o.mode, String(o.deployed.length), n(o.tally.total), `${(o.tally.total / o.seconds).toFixed(0)}/s`, n(s.non2xx), n(s.socket), n(s.broken), n(s.fromOld), n(s.fromNew), secs(median(o.deployMs)), secs(median(o.rollbackMs))]
}

async function main(): Promise<void> {
  const lab = await startLab()
  const cli = await snapshotCli()
  const outcomes: Outcome[] = []
  for (const mode of chosen) outcomes.push(await runMode(lab, cli.bin, mode))
  console.log(`\nbench/zero-downtime — Slipway (bundle ${cli.built}); nginx + php8.2-fpm on 127.0.0.1 serving current/public with $realpath_root (the docroot mode: $document_root);`)
  console.log(`wrk -t2 -c${CONNECTIONS} on GET /health during ${CYCLES} deploy + rollback cycles per mode\n`)
  console.log(table([
    ['mode', 'cycles', 'requests', 'rate', 'non-2xx', 'socket errors', '2xx cut short', 'from old release', 'from new releases', 'deploy median', 'rollback median'],
    ...outcomes.map(row)
  ]))
  console.log('\nmodes:')
  for (const o of outcomes) console.log(`  ${o.mode.padEnd(20)} ${MODES[o.mode].doc}`)
  console.log(`\nFPM: pm = static, 4 workers; php -d ${PHP_SETTINGS.join(' -d ')}`)
  console.log(`nginx server block:\n${serverBlock(0, '<path>', 0).replace(/127\.0\.0\.1:0/g, '127.0.0.1:PORT')}`)
  console.log('\nTarget (issue 6): 0 failed requests across the cycles')
  for (const o of outcomes) {
    const { failed, fromNew } = summarize(o)
    const stale = fromNew === 0 ? ' (but no request reached a new release: the switch was not seen)' : ''
    console.log(`  ${o.mode.padEnd(20)} ${failed} failed of ${o.tally.total.toLocaleString('en-US')} — ${verdict(failed === 0 && fromNew > 0)}${stale}`)
  }
  for (const o of outcomes) {
    const statuses = [...o.tally.byStatus].filter(([s]) => s !== 'cut-short').map(([s, n]) => `${s}: ${n}`).join(', ')
    console.log(`\n${o.mode}: statuses ${statuses}; socket errors ${JSON.stringify(o.tally.errors)}; base release ${o.base}`)
    const others = [...o.tally.byRelease].filter(([r]) => r !== o.base && !o.deployed.includes(r))
    if (others.some(([r]) => r !== '(none)')) console.log(`  responses naming another release: ${others.map(([r, n]) => `${r} ×${n}`).join(', ')}`)
    const samples = new Map<string, number>()
    for (const s of o.tally.samples) samples.set(s.slice(0, 110), (samples.get(s.slice(0, 110)) ?? 0) + 1)
    for (const [s, n] of samples) console.log(`  a failed response${n > 1 ? ` (×${n} in the samples)` : ''}: ${s}`)
  }
}

main().catch((error) => {
  console.error(`bench/zero-downtime failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
