/**
 * Entry point of the `slipway` binary (bundled as dist/cli.js). It loads nothing but Node's own modules:
 * `--version` and `--help` answer from here, and every other command loads what it needs (`run.ts`).
 */
import { existsSync, readFileSync } from 'node:fs'
import module from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The version in slipway's own package.json, found upward from this file (dist/cli.js or src/cli/main.ts). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'slipway' && pkg.version) return pkg.version
    }
    if (dirname(dir) === dir) return 'unknown (no package.json of slipway above the CLI)'
  }
}

/** V8's code cache for the bundle on disk (Node 22.1+; older versions have no such function and start without it). */
function cacheCompiledCode(): void {
  const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache
  try {
    enable?.()
  } catch {
    // a cache directory that cannot be written only costs speed
  }
}

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version()}\n`)
} else if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
  const { USAGE } = await import('./usage.js')
  process.stdout.write(`${USAGE}\n`)
} else {
  cacheCompiledCode()
  const [{ run }, { cancelOnSignals }] = await Promise.all([import('./run.js'), import('../deploy/signals.js')])
  process.exitCode = await run(argv, {
    out: (s) => process.stdout.write(s + '\n'),
    err: (s) => process.stderr.write(s + '\n'),
    cwd: process.cwd(),
    cancel: () => cancelOnSignals((m) => process.stderr.write(`slipway: ${m}\n`))
  })
}
