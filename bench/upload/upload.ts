/**
 * bench/upload: what a redeploy after changing one file costs on the wire. A ~10,000-file app (the Laravel
 * fixture plus generated vendor-like files) is deployed through a byte-counting TCP proxy in front of the lab
 * sshd; then one file changes and it is deployed again. Prints client→server bytes of both and their ratio,
 * checks the new release against the source, and counts files it shares (same inode) with the previous release.
 */
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { countingProxy } from '../lib/proxy.js'
import { deployRoot, hostsYaml, laravelSource, snapshotCli, startLab, work } from '../lib/lab.js'
import { run, sleep } from '../lib/proc.js'
import { bytes, secs, table, verdict } from '../lib/stats.js'

const FILES = Math.max(1, Number(process.env.BENCH_FILES ?? 10_000))
/** The preset's writable dirs: files there are written on the host, so no two releases may share them. */
const WRITABLE = ['storage', 'bootstrap/cache']

/** Adds FILES small PHP classes under vendor/bench/ (100 per package), 200–1,500 bytes each, deterministic. */
function addVendorFiles(app: string): void {
  for (let i = 0; i < FILES; i++) {
    const pkg = join(app, 'vendor/bench', `pkg-${String(Math.floor(i / 100)).padStart(3, '0')}`, 'src')
    if (i % 100 === 0) mkdirSync(pkg, { recursive: true })
    let data = ''
    for (let k = 0; data.length < 200 + ((i * 7919) % 1300); k++) data += createHash('sha256').update(`${i}:${k}`).digest('hex')
    writeFileSync(join(pkg, `Class${i}.php`), `<?php\n\nnamespace Bench\\Pkg${Math.floor(i / 100)};\n\nfinal class Class${i}\n{\n    public const DATA = '${data}';\n}\n`)
  }
}

/** Regular files under `dir` (relative paths), not following symlinks. */
function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name
    return e.isDirectory() ? files(dir, path) : e.isFile() ? [path] : []
  })
}

/** The size of the tar stream of `dir` (512-byte headers and blocks, two end blocks). */
function tarSize(dir: string, rel = ''): number {
  let n = rel ? 0 : 1024
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name
    n += 512
    if (e.isDirectory()) n += tarSize(dir, path)
    else if (e.isFile()) n += Math.ceil(lstatSync(join(dir, path)).size / 512) * 512
  }
  return n
}

const inWritable = (path: string) => WRITABLE.some((w) => path === w || path.startsWith(`${w}/`))

async function main(): Promise<void> {
  const lab = await startLab()
  const cli = await snapshotCli()
  const app = laravelSource('app')
  addVendorFiles(app)
  const appFiles = files(app)
  const root = deployRoot('root', app)
  const proxy = await countingProxy(lab.port)
  const spec = join(work, 'slipway.yml')
  writeFileSync(spec, `app: bench\npath: ${root}\npreset: laravel\nkeep_releases: 5\n${hostsYaml(lab, proxy.port)}\nsource:\n  dir: ${app}\n  exclude: []\n`)
  const deploy = async () => {
    proxy.reset()
    const ms = await run('node', [cli.bin, 'deploy', '--spec', spec], { log: join(work, 'deploy.log'), timeoutMs: 300_000 })
    await sleep(200)
    return { ms, up: proxy.up, down: proxy.down, release: readlinkSync(join(root, 'current')).split('/').pop()! }
  }

  const full = await deploy()
  writeFileSync(join(app, 'VERSION'), '9.9.9\n')
  const again = await deploy()
  await proxy.close()

  const oldDir = join(root, 'releases', full.release)
  const newDir = join(root, 'releases', again.release)
  const present = new Set(files(newDir))
  const checked = appFiles.filter((f) => !inWritable(f))
  const missing = checked.filter((f) => !present.has(f)).length
  const mismatched = checked.filter((f) => present.has(f) && !readFileSync(join(app, f)).equals(readFileSync(join(newDir, f))))
  const oldInodes = new Set(files(oldDir).map((f) => { const st = lstatSync(join(oldDir, f)); return `${st.dev}:${st.ino}` }))
  const shared = files(newDir).filter((f) => { const st = lstatSync(join(newDir, f)); return oldInodes.has(`${st.dev}:${st.ino}`) })
  const sharedWritable = shared.filter(inWritable)

  const ratio = again.up / full.up
  console.log(`\nbench/upload — Slipway (bundle ${cli.built}); app of ${appFiles.length.toLocaleString('en-US')} files (fixture + ${FILES.toLocaleString('en-US')} generated vendor files),`)
  console.log(`tar stream ${bytes(tarSize(app))}; one loopback sshd behind a byte-counting TCP proxy; preset: laravel\n`)
  console.log(table([
    ['deploy', 'client→server', 'server→client', 'time'],
    ['first deploy (full upload)', bytes(full.up), bytes(full.down), secs(full.ms)],
    ['redeploy, one file changed (VERSION)', bytes(again.up), bytes(again.down), secs(again.ms)]
  ]))
  console.log(`\nredeploy / full upload (client→server bytes): ${(ratio * 100).toFixed(2)}%`)
  console.log(`new release ${again.release} matches the source outside ${WRITABLE.join(', ')}: ${mismatched.length || missing ? `NO (${mismatched.length} differ, ${missing} missing)` : 'yes'}`)
  console.log(`files it shares (same inode) with the previous release ${full.release}: ${shared.length.toLocaleString('en-US')}, of them in writable dirs: ${sharedWritable.length}${sharedWritable.length ? ` (${sharedWritable.slice(0, 5).join(', ')})` : ''}`)
  console.log('\nTarget (issue 6):')
  console.log(`  redeploy with one changed file ≤1% of the bytes of a full upload: ${(ratio * 100).toFixed(2)}% — ${verdict(ratio <= 0.01)}`)
  console.log(`  no release sharing writable files with another: ${sharedWritable.length} shared — ${verdict(sharedWritable.length === 0)}`)
}

main().catch((error) => {
  console.error(`bench/upload failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
