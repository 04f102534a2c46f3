/** The `slipway` command line: parses arguments, calls the library, maps errors to exit codes. */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { deploy, DeployError } from '../deploy/deploy.js'
import type { Cancel } from '../deploy/signals.js'
import { isReleaseId } from '../deploy/id.js'
import { planDeploy } from '../deploy/deploy.js'
import { listReleases, unlock } from '../deploy/releases.js'
import { rollback } from '../deploy/rollback.js'
import { InputError, SlipwayError } from '../errors.js'
import { consoleReporter, type Reporter } from '../reporter.js'
import { formatLedger, formatReleases } from '../report/table.js'
import { specJsonSchema } from '../spec/json-schema.js'
import { loadSpec } from '../spec/load.js'
import { preflight } from '../deploy/preflight.js'
import type { Spec } from '../spec/types.js'

/** Where the CLI writes. */
export interface Io {
  out(s: string): void
  err(s: string): void
  cwd: string
  /** Starts listening to signals (deploy and rollback only): the first cancels (undo, unlock), the second forces (unlock now). */
  cancel?: () => Cancel
}


export const USAGE = `usage: slipway <command> [options]

commands:
  deploy     [--spec f] [--env e] [--dry-run]   build a new release on every host and switch to it
  rollback   [--spec f] [--env e] [--to id] [--migrations]
                                                activate an earlier release (default: newest healthy before current);
                                                --migrations also steps back the migrations of the releases rolled over
  releases   [--spec f] [--env e] [--json]      the release history of every host
  unlock     [--spec f] [--env e] [--force]     break a dead run's deploy lock (a live one needs --force)
  check      [paths…] [--base ref] [--format f] [--verify]   PR migration-safety check (slipway check --help)
  schema                                        print the spec's JSON Schema

exit codes: 0 ok; 1 the operation failed (a deploy: cleanly, every host on the same release);
  2 bad input (nothing was touched); 3 a host unreachable or the lock held by another run (nothing was touched);
  4 a deploy failed and left hosts on different or unknown releases (see the per-host table; check with slipway releases)`

const options = {
  spec: { type: 'string', default: 'slipway.yml' },
  env: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  to: { type: 'string' },
  migrations: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} as const

/** Runs one CLI invocation and returns its exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let cancel: Cancel | undefined
  try {
    return await dispatch(argv, { ...io, cancel: io.cancel && (() => (cancel ??= io.cancel!())) })
  } catch (error) {
    if (error instanceof SlipwayError) {
      io.err(`slipway: ${error.message}`)
      if (error instanceof DeployError && error.result.ledger?.length) io.err(formatLedger(error.result.ledger))
      return cancel?.exitCode() ?? error.exitCode
    }
    const verbose = argv.includes('--verbose') || argv.includes('-v')
    const detail = error instanceof Error ? (verbose ? error.stack ?? error.message : error.message) : String(error)
    io.err(`slipway: unexpected error: ${detail}${verbose ? '' : ' (run with --verbose for the stack trace)'}`)
    return 1
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'check') return check(rest, io)
  if (!command || command === 'help' || command === '--help' || command === '-h') return usage(io, command)
  let parsed
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: false, strict: true })
  } catch (error) {
    throw new InputError(`${(error as Error).message}\n${USAGE}`)
  }
  const v = parsed.values
  checkTo(command, v.to)
  const reporter = consoleReporter(io.out, io.err, v.verbose)
  const load = () => loadSpec(resolvePath(io.cwd, v.spec), { env: v.env })
  const spec = checkedSpec(load, reporter)
  switch (command) {
    case 'deploy': {
      if (v['dry-run']) {
        for (const host of await planDeploy({ spec: await spec({ source: true }) })) {
          io.out(`# host ${host.host}`)
          for (const p of host.phases) io.out(`## ${p.phase}\n${p.command}\n`)
        }
        return 0
      }
      const c = io.cancel?.()
      const result = await deploy({ spec: load(), reporter, signal: c?.signal, force: c?.force }) // checks the source and credentials before connecting
      if (v.json) io.out(JSON.stringify(result))
      return 0
    }
    case 'rollback': {
      await rollback({ spec: await spec({ credentials: true }), reporter, to: v.to, migrations: v.migrations, force: io.cancel?.()?.force })
      return 0
    }
    case 'releases': {
      const listing = await listReleases({ spec: await spec({ credentials: true }) })
      io.out(v.json ? JSON.stringify(listing, null, 2) : formatReleases(listing))
      return 0
    }
    case 'unlock': {
      const held = await unlock({ spec: await spec({ credentials: true }), evenIfAlive: v.force })
      for (const [host, holder] of Object.entries(held)) io.out(`${host}: ${holder ? `lock broken (was held by ${holder})` : 'not locked'}`)
      return 0
    }
    case 'schema':
      io.out(JSON.stringify(specJsonSchema(), null, 2))
      return 0
    default:
      throw new InputError(`unknown command "${command}"\n${USAGE}`)
  }
}

/** Prints the usage: exit 0 when asked for, 2 when no command was given. */
function usage(io: Io, command: string | undefined): number {
  io.out(USAGE)
  return command ? 0 : 2
}

/** Refuses a `--to` that is not a release id (or is given to another command) before anything is read or connected. */
function checkTo(command: string, to: string | undefined): void {
  if (to === undefined) return
  if (command !== 'rollback') throw new InputError('--to is only for rollback. Fix: remove it')
  if (!isReleaseId(to)) throw new InputError(`--to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current`)
}

/** The spec, with everything local checked (source tree and/or credentials) before anything connects. */
function checkedSpec(load: () => Spec, reporter: Reporter) {
  return async (checks: { source?: boolean; credentials?: boolean }): Promise<Spec> => {
    const loaded = load()
    await preflight(loaded, { ...checks, warn: (m) => reporter.warn(m) })
    return loaded
  }
}

/** `slipway check`: the spec's `check:` section (when there is a spec) plus the check's own arguments. */
async function check(argv: string[], io: Io): Promise<number> {
  // Loaded on demand: the parsers are only needed here, and every other command starts faster without them.
  const { CHECK_USAGE, checkCommand } = await import('../check/command.js')
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(CHECK_USAGE)
    return 0
  }
  const picked: Record<string, string> = {}
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--spec' || argv[i] === '--env') picked[argv[i].slice(2)] = argv[++i] ?? ''
    else rest.push(argv[i])
  }
  const file = resolvePath(io.cwd, picked.spec ?? 'slipway.yml')
  const config = picked.spec || existsSync(file) ? loadSpec(file, { env: picked.env }).check : undefined
  return checkCommand(rest, io, config)
}

function resolvePath(cwd: string, file: string): string {
  return file.startsWith('/') ? file : `${cwd}/${file}`
}
