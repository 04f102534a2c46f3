// Benchmark (not a test): how long `checkMigrations` takes on 1,000 migration files.
// Run from the repository root (see bench/README.md):
//   npx tsc --module nodenext --moduleResolution nodenext --target es2022 --strict --skipLibCheck --types node \
//     --outDir .tmp/bench --rootDir . bench/check.ts && node .tmp/bench/bench/check.js
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { checkMigrations } from '../src/check/index.js'

const TOTAL = Number(process.env.BENCH_FILES ?? 1000)
const CORPUS = join(process.cwd(), '__tests__', 'fixtures', 'check')

async function templates(dir: string): Promise<string[]> {
  const names = (await readdir(join(CORPUS, dir))).filter((f) => /\.(php|sql)$/.test(f)).sort()
  return Promise.all(names.map((f) => readFile(join(CORPUS, dir, f), 'utf8')))
}

async function main(): Promise<void> {
  const php = [...await templates('laravel/unsafe'), ...await templates('laravel/safe'), ...await templates('laravel/history')]
  const sql = [...await templates('sql/unsafe'), ...await templates('sql/safe')]
  const root = await mkdtemp(join(tmpdir(), 'slipway-bench-'))
  await mkdir(join(root, 'database', 'migrations'), { recursive: true })
  await mkdir(join(root, 'db', 'migrations'), { recursive: true })
  // Four in five files are Laravel migrations, the rest SQL: every rule of the corpus, over and over.
  for (let i = 0; i < TOTAL; i++) {
    const n = String(i).padStart(6, '0')
    if (i % 5 === 4) await writeFile(join(root, 'db', 'migrations', `${n}.sql`), sql[i % sql.length] as string)
    else await writeFile(join(root, 'database', 'migrations', `2024_01_01_${n}_m.php`), php[i % php.length] as string)
  }
  try {
    for (const run of ['first run (loads the parsers)', 'second run']) {
      const start = performance.now()
      const result = await checkMigrations({ cwd: root })
      const ms = performance.now() - start
      const rate = Math.round(result.files.length / (ms / 1000))
      console.log(`${run}: ${result.files.length} files in ${(ms / 1000).toFixed(2)} s (${rate} files/s), ` +
        `${result.findings.length} findings, ${result.suppressed.length} suppressed`)
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

await main()
