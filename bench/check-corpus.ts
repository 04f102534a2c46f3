// Benchmark (not a test): the migration check over a corpus of real migrations kept outside the repository.
// Prints findings per rule, crashes, files/s (cold and warm), and precision on the hand-judged sample.
//   npx tsc --module nodenext --moduleResolution nodenext --target es2022 --strict --skipLibCheck --types node \
//     --outDir .tmp/bench --rootDir . bench/check-corpus.ts && node .tmp/bench/bench/check-corpus.js /work/corpus
// Layout: <corpus>/<kind>/<project>/ is one project: a Laravel app (database/migrations, composer.lock, config/)
// or a directory of .sql migrations. Options: --sample FILE (default bench/check/sample.tsv), --dump FILE (every
// finding as TSV: path, line, rule, message), --project NAME (only projects whose path contains NAME).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { collectFiles } from '../src/check/files.js'
import { checkMigrations, type Finding } from '../src/check/index.js'

interface Project { dir: string; paths: string[] }
interface Run { findings: Array<Finding & { path: string }>; files: number; crashes: string[]; ms: number }

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false
}

async function projects(corpus: string, only: string | undefined): Promise<Project[]> {
  const out: Project[] = []
  for (const kind of (await readdir(corpus)).sort()) {
    if (!await isDir(join(corpus, kind))) continue
    for (const name of (await readdir(join(corpus, kind))).sort()) {
      const dir = join(corpus, kind, name)
      if (!await isDir(dir) || (only && !`${kind}/${name}`.includes(only))) continue
      out.push({ dir, paths: await isDir(join(dir, 'database', 'migrations')) ? ['database/migrations'] : ['.'] })
    }
  }
  return out
}

async function runProject(corpus: string, p: Project): Promise<Run> {
  const start = performance.now()
  try {
    const r = await checkMigrations({ cwd: p.dir, paths: p.paths })
    const findings = [...r.findings, ...r.suppressed].map((f) => ({ ...f, path: relative(corpus, join(p.dir, f.file)) }))
    return { findings, files: r.files.length, crashes: [], ms: performance.now() - start }
  } catch {
    // One file crashed the run: check the files one by one to name every crashing file.
    return runFileByFile(corpus, p, start)
  }
}

async function runFileByFile(corpus: string, p: Project, start: number): Promise<Run> {
  const run: Run = { findings: [], files: 0, crashes: [], ms: 0 }
  for (const file of (await collectFiles(p.dir, p.paths)).files.map((f) => relative(p.dir, f))) {
    run.files++
    try {
      const r = await checkMigrations({ cwd: p.dir, paths: [file] })
      run.findings.push(...r.findings.map((f) => ({ ...f, path: relative(corpus, join(p.dir, f.file)) })))
    } catch (e) {
      run.crashes.push(`${relative(corpus, join(p.dir, file))}: ${(e as Error).message}`)
    }
  }
  run.ms = performance.now() - start
  return run
}

async function runAll(corpus: string, list: Project[]): Promise<Run> {
  const total: Run = { findings: [], files: 0, crashes: [], ms: 0 }
  for (const p of list) {
    const r = await runProject(corpus, p)
    total.findings.push(...r.findings)
    total.files += r.files
    total.crashes.push(...r.crashes)
    total.ms += r.ms
  }
  return total
}

/** Precision on the hand-judged sample: rows `path<TAB>line<TAB>rule<TAB>right|wrong<TAB>reason`. */
function precision(sample: string, findings: Run['findings']): string[] {
  const fired = new Set(findings.map((f) => `${f.path}\t${f.line}\t${f.ruleId}`))
  let right = 0, wrong = 0, fixed = 0, lost = 0
  const lines: string[] = []
  for (const row of sample.split('\n')) {
    if (!row.trim() || row.startsWith('#') || row.startsWith('path\t')) continue
    const [path, line, rule, verdict] = row.split('\t')
    const still = fired.has(`${path}\t${line}\t${rule}`)
    if (verdict === 'right') { if (still) right++; else { lost++; lines.push(`  right finding no longer fires: ${path}:${line} ${rule}`) } }
    else if (verdict === 'wrong') { if (still) wrong++; else fixed++ }
  }
  const judged = right + wrong
  lines.unshift(`sample: ${right} right, ${wrong} wrong still firing, ${fixed} wrong now fixed, ${lost} right lost; ` +
    `precision ${judged ? ((100 * right) / judged).toFixed(1) : '–'}%` +
    ` (${right + lost + wrong + fixed} judged, as first judged: ${(100 * (right + lost) / Math.max(1, right + lost + wrong + fixed)).toFixed(1)}% right)`)
  return lines
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const opt = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv.splice(i, 2)[1] : undefined }
  const samplePath = opt('--sample') ?? join(process.cwd(), 'bench', 'check', 'sample.tsv')
  const dump = opt('--dump')
  const only = opt('--project')
  const corpus = argv[0]
  if (!corpus) throw new Error('usage: check-corpus.js <corpus dir> [--sample FILE] [--dump FILE] [--project NAME]')
  const list = await projects(corpus, only)
  const cold = await runAll(corpus, list)
  // Warm runs: the parsers are loaded and the JIT is warm; the best of BENCH_RUNS (default 3) is the figure.
  const warmRuns: Run[] = []
  for (let i = 0; i < Number(process.env.BENCH_RUNS ?? 3); i++) warmRuns.push(await runAll(corpus, list))
  const warm = warmRuns.reduce((a, b) => (b.ms < a.ms ? b : a))
  const rate = (r: Run): string => `${r.files} files in ${(r.ms / 1000).toFixed(2)} s (${Math.round(r.files / (r.ms / 1000))} files/s)`
  console.log(`${list.length} projects; first run: ${rate(cold)}; best warm run of ${warmRuns.length}: ${rate(warm)}`)
  console.log(`crashes: ${warm.crashes.length}`)
  for (const c of warm.crashes) console.log(`  ${c}`)
  const counts = new Map<string, number>()
  for (const f of warm.findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1)
  console.log(`findings: ${warm.findings.length}`)
  for (const [id, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(n).padStart(6)}  ${id}`)
  const sample = await readFile(samplePath, 'utf8').catch(() => undefined)
  if (sample !== undefined) for (const l of precision(sample, warm.findings)) console.log(l)
  if (dump) {
    await writeFile(dump, warm.findings.map((f) => [f.path, f.line, f.ruleId, f.severity, f.message.replace(/\s+/g, ' ')].join('\t')).join('\n') + '\n')
    console.log(`findings written to ${dump}`)
  }
}

await main()
