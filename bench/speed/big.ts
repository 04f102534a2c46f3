/** bench/speed, part two: revert after a failed smoke check; redeploys of a big and a small app; the upload plan at scale. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { changedDirs, dirDigests, dirOf } from '../../src/deploy/dirs.js'
import { diffManifest } from '../../src/deploy/manifest.js'
import type { SourceEntry } from '../../src/deploy/source.js'
import { deployRoot, hostsYaml, work, type Lab } from '../lib/lab.js'
import { median, table, verdict } from '../lib/stats.js'
import { BEFORE, live, log, ms, RUNS, slipwaySpec } from './speed.js'
import { timed } from './timing.js'

/** From the smoke check's failing answer (a 500 from a server here) to `current` pointing at the old release again. */
export async function revertTime(lab: Lab, cli: string, source: string): Promise<void> {
  let answered = 0
  const server = createServer((_req, res) => { res.writeHead(500).end('failing on purpose\n'); answered = performance.now() })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  const root = deployRoot('revert', source)
  const good = slipwaySpec(lab, 'revert-good', source, root)
  const bad = slipwaySpec(lab, 'revert-bad', source, root, `smoke:\n  - { name: fails, http: "http://127.0.0.1:${port}/", retries: 0, timeout: 5 }\n`)
  await timed('node', [cli, 'deploy', '--spec', good], log('revert'))
  const old = live(root)
  const xs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    let left = false
    let back = 0
    const poll = setInterval(() => {
      const now = live(root)
      if (now !== old) left = true
      else if (left && !back) back = performance.now()
    }, 1)
    await timed('node', [cli, 'deploy', '--spec', bad], log('revert'), { anyExit: true })
    clearInterval(poll)
    if (!left || !back || live(root) !== old) throw new Error(`revert run ${i}: the failing release never went live or was not reverted (see ${log('revert')})`)
    xs.push(back - answered)
  }
  server.close()
  const m = median(xs)
  console.log(`\n## Revert after a failed smoke check (one host; median of ${RUNS})\n`)
  console.log(`  from the check's failing answer to current on the old release again: ${ms(m)} (samples ${xs.map(ms).join(', ')}) — ≤300 ms: ${verdict(m <= 300)}`)
  console.log('  (ten hosts: not measured by this bench)')
}

/** An app of `files` small files, 100 per directory. */
function makeApp(name: string, files: number): string {
  const app = join(work, name)
  for (let i = 0; i < files; i++) {
    const dir = join(app, 'vendor', `pkg-${String(Math.floor(i / 100)).padStart(4, '0')}`)
    if (i % 100 === 0) mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `Class${i}.php`), `<?php\nfinal class Class${i} { const DATA = '${createHash('sha256').update(String(i)).digest('hex')}'; }\n`)
  }
  writeFileSync(join(app, 'VERSION'), '0\n')
  mkdirSync(join(app, 'storage'), { recursive: true }) // deployRoot seeds shared/storage from it
  return app
}

/** A redeploy with one changed file: a 100-file app against a 10,000-file one, and the lock + read + plan part of each. */
export async function bigApps(lab: Lab, cli: string): Promise<void> {
  const big = Number(process.env.BENCH_FILES ?? 10_000)
  const sizes = [100, big]
  const builds = BEFORE ? [['', cli], ['before: ', BEFORE]] : [['', cli]]
  const apps = builds.flatMap(([label, bin]) => sizes.map((n) => {
    const app = makeApp(`app-${label ? 'before-' : ''}${n}`, n)
    const root = deployRoot(`big-${label ? 'before-' : ''}${n}`, app)
    const spec = join(work, `big-${label ? 'before-' : ''}${n}.yml`)
    writeFileSync(spec, `app: big\npath: ${root}\n${hostsYaml(lab)}\nsource:\n  dir: ${app}\n  exclude: []\n`)
    return { n, app, spec, bin, key: `${label}${n}` }
  }))
  for (const a of apps) await timed('node', [a.bin, 'deploy', '--spec', a.spec], log('big'))
  const total: Record<string, number[]> = {}, phase: Record<string, number[]> = {}
  for (let i = 0; i < RUNS; i++) {
    for (const a of apps) {
      writeFileSync(join(a.app, 'VERSION'), `${i + 1}\n`)
      let lock = 0, planned = 0
      const t = await timed('node', [a.bin, 'deploy', '--spec', a.spec], log('big'), { onLine: (line, at) => {
        if (line.startsWith('==> Lock and read history')) lock = at
        if (/^Release \d/.test(line)) planned = at
      } })
      ;(total[a.key] ??= []).push(t)
      ;(phase[a.key] ??= []).push(planned - lock)
    }
  }
  const [s, b] = [median(total['100']), median(total[String(big)])]
  const pb = median(phase[String(big)])
  console.log(`\n## Redeploy with one changed file (no hooks; median of ${RUNS}, alternating)\n`)
  console.log(table([['app', 'redeploy', 'lock + read + plan', '÷ 100-file app (same build)'], ...apps.map((a) => {
    const small = median(total[a.key.replace(/\d+$/, '100')])
    return [`${a.key.startsWith('before') ? 'before: ' : ''}${a.n.toLocaleString('en-US')} files`, ms(median(total[a.key])), ms(median(phase[a.key])), `${(median(total[a.key]) / small).toFixed(2)}×`]
  })]))
  console.log(`\n  lock + read + plan at ${big.toLocaleString('en-US')} files ≤300 ms: ${ms(pb)} — ${verdict(pb <= 300)}`)
  console.log(`  redeploy at ${big.toLocaleString('en-US')} files ≤1.5× the 100-file one: ${(b / s).toFixed(2)}× — ${verdict(b / s <= 1.5)}`)
  const floor = median(Array.from({ length: RUNS }, (_, i) => copyTime(apps.find((a) => a.n === big)!.app, `copy-${i}`)))
  console.log(`  the floor of that difference: a release is made of real copies, and copying the app's ${big.toLocaleString('en-US')} files on this disk with one tar | tar takes ${ms(floor)} (the host uses two at once from 2,000 unchanged paths); the redeploy's extra time over the 100-file app is ${ms(b - s)} (${((b - s) / floor).toFixed(2)}× that copy)`)
}

/** One copy of a tree on the bench's disk with one tar | tar (the host's way below 2,000 unchanged paths), in ms. */
function copyTime(from: string, name: string): number {
  const to = join(work, name)
  mkdirSync(to)
  const t0 = performance.now()
  execFileSync('bash', ['-c', 'tar -c -f - -C "$1" . | tar -x -f - -C "$2" --no-same-owner', '_', from, to])
  const t = performance.now() - t0
  execFileSync('rm', ['-rf', to])
  return t
}

/** The upload plan in-process at BENCH_PLAN_FILES entries (100 per directory), one file changed. */
export async function planAtScale(): Promise<void> {
  const n = Number(process.env.BENCH_PLAN_FILES ?? 100_000)
  const entries = Array.from({ length: n }, (_, i) => ({ path: `vendor/pkg-${Math.floor(i / 100)}/Class${i}.php`, type: 'file', mode: 0o644 }) as SourceEntry)
  const line = (i: number, v = '') => `F\t${createHash('sha256').update(`${i}${v}`).digest('hex').slice(0, 32)}\t644\t${entries[i].path}`
  const before = entries.map((_, i) => line(i))
  const local = entries.map((_, i) => line(i, i === 4242 ? 'changed' : ''))
  const hostDigests = dirDigests(before)
  const t0 = performance.now()
  const mine = dirDigests(local)
  const changed = changedDirs(mine, hostDigests)
  const sent = before.filter((l) => changed.has(dirOf(l.slice(l.lastIndexOf('\t') + 1))))
  const d = diffManifest(entries, local, sent, () => false, (p) => !changed.has(dirOf(p)))
  const t1 = performance.now()
  const whole = diffManifest(entries, local, before, () => false)
  const t2 = performance.now()
  const bytes = (xs: string[]) => xs.reduce((a, l) => a + l.length + 1, 0)
  console.log(`\n## Upload plan at ${n.toLocaleString('en-US')} files, one changed (in-process, no hashing of files)\n`)
  console.log(table([['', 'plan time', 'manifest data from the host', 'entries sent'],
    ['by directory digests', ms(t1 - t0), `${bytes(hostDigests).toLocaleString('en-US')} B digests + ${bytes(sent).toLocaleString('en-US')} B lines`, String(d.send.length)],
    ['whole manifest (before)', ms(t2 - t1), `${bytes(before).toLocaleString('en-US')} B`, String(whole.send.length)]]))
}


