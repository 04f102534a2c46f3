/** Entry point of the `slipway` binary (bundled as dist/cli.js). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { run } from './run.js'

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

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version()}\n`)
} else {
  process.exitCode = await run(argv, {
    out: (s) => process.stdout.write(s + '\n'),
    err: (s) => process.stderr.write(s + '\n'),
    cwd: process.cwd()
  })
}
