/** Entry point of the `slipway` binary (bundled as dist/cli.js). */
import { run } from './run.js'

process.exitCode = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  cwd: process.cwd()
})
