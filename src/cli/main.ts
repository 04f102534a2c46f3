/** Entry point of the `slipway` binary (bundled as dist/cli.js). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { run, type Cancel } from './run.js'

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

/**
 * SIGINT/SIGTERM (how CI cancels a job): the first cancels the operation — it finishes the round trip in flight,
 * undoes what this run did and releases the lock; the second releases the lock at once.
 */
function onSignals(): Cancel {
  const first = new AbortController()
  const second = new AbortController()
  let code: number | undefined
  for (const [name, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(name, () => {
      if (code !== undefined) return second.abort(name)
      code = exit
      process.stderr.write(`slipway: ${name}: finishing the step in flight, then undoing this run and releasing the lock (${name} again: release the lock and stop at once)\n`)
      first.abort(name)
    })
  }
  return { signal: first.signal, force: second.signal, exitCode: () => code }
}

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version()}\n`)
} else {
  process.exitCode = await run(argv, {
    out: (s) => process.stdout.write(s + '\n'),
    err: (s) => process.stderr.write(s + '\n'),
    cwd: process.cwd(),
    cancel: onSignals()
  })
}
