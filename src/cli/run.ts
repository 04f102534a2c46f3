/** The `slipway` command line: parses arguments, calls the library, maps errors to exit codes. */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Cancel } from '../deploy/signals.js'
import type { DbMode } from '../deploy/db-mode.js'
import type { Connector } from '../deploy/session.js'
import { InputError, SlipwayError } from '../errors.js'
import { consoleReporter, silentReporter, type Reporter } from '../reporter.js'
import type { HostSelection } from '../spec/select.js'
import type { Spec } from '../spec/types.js'
import { checkOnlyFailed, checkTo, deployArgs, lockWaitOf, selectionOf } from './args.js'
import { connectedFirst } from './early.js'
import { eventsTo } from './events.js'
import { USAGE } from './usage.js'

// Each command loads what it needs when it runs (the spec's YAML parser, SSH, the deploy steps, the check's parsers):
// `slipway --version` and `--help` load none of it, and a rollback does not parse the deploy or the report layer.

/** Where the CLI writes. */
export interface Io {
  out(s: string): void
  err(s: string): void
  cwd: string
  /** Starts listening to signals (deploy and rollback only): the first cancels (undo, unlock), the second forces (unlock now). */
  cancel?: () => Cancel
}

export { USAGE }

const options = {
  spec: { type: 'string', default: 'slipway.yml' },
  env: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  to: { type: 'string' },
  'lock-wait': { type: 'string' },
  strategy: { type: 'string' },
  phase: { type: 'string' },
  release: { type: 'string' },
  shard: { type: 'string' },
  migrations: { type: 'boolean', default: false },
  db: { type: 'string' },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  events: { type: 'string' },
  hosts: { type: 'string' },
  exclude: { type: 'string' },
  roles: { type: 'string' },
  'only-failed': { type: 'boolean', default: false },
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
    parsed = parseArgs({ args: rest, options, allowPositionals: command === 'db', strict: true })
  } catch (error) {
    throw new InputError(`${(error as Error).message}\n${USAGE}`)
  }
  const v = parsed.values
  const { db, positionals } = await checkArgs(command, v, parsed.positionals)
  const reporter = eventsTo(v.events === undefined ? undefined : resolvePath(io.cwd, v.events), consoleReporter(io.out, io.err, v.verbose))
  const lockWait = lockWaitOf(command, v['lock-wait'])
  const select = selectionOf(command, v)
  checkOnlyFailed(command, v['only-failed'])
  const two = await deployArgs(command, v)
  if (two && v['only-failed']) throw new InputError('--only-failed reruns a one-phase deploy; it cannot be combined with --phase. Fix: remove one of them')
  const spec = checkedSpec(io.cwd, v.spec, v.env, reporter)
  if (command === 'db') return (await import('./db.js')).dbCommand(positionals, await spec({ credentials: true }), v.json, reporter, io)
  switch (command) {
    case 'deploy': {
      const [{ deploy, planDeploy, DeployError }, { withStrategy }] = await Promise.all([import('../deploy/deploy.js'), import('../deploy/batches.js')])
      if (v['dry-run'] && v['only-failed']) throw new InputError('--only-failed cannot be combined with --dry-run (the rerun is decided on the hosts\' histories). Fix: run slipway releases to see which hosts lack the last release')
      if (v['dry-run']) {
        // Warnings (e.g. check.policy: forward-only) go to stderr; stdout carries only the scripts.
        for (const host of await planDeploy({ spec: withStrategy(await spec({ source: true }), v.strategy), select, reporter: { ...silentReporter, warn: reporter.warn }, two })) {
          io.out(`# host ${host.host}`)
          for (const p of host.phases) io.out(`## ${p.phase}\n${p.command}\n`)
        }
        return 0
      }
      const c = io.cancel?.()
      const result = await deploy({ spec: withStrategy(await loadFile(io.cwd, v.spec, v.env), v.strategy), reporter, signal: c?.signal, force: c?.force, late: c?.late, lockWait, select, onlyFailed: v['only-failed'], two }).catch(async (error: unknown) => {
        if (error instanceof DeployError && error.result.ledger.length > 1) io.err((await import('../report/table.js')).formatLedger(error.result.ledger))
        throw error
      }) // checks the source and credentials before connecting
      if (v.json) io.out(JSON.stringify(result))
      return 0
    }
    case 'rollback': {
      const checked = await spec({ credentials: true })
      return connectedFirst(checked, select, () => import('../deploy/rollback.js'), async ({ rollback }, connect) => {
        const c = io.cancel?.()
        await rollback({ spec: checked, reporter, to: v.to, db, signal: c?.signal, force: c?.force, late: c?.late, lockWait, select, connect })
        return 0
      })
    }
    case 'releases': {
      const checked = await spec({ credentials: true })
      return connectedFirst(checked, select, () => Promise.all([import('../deploy/releases.js'), import('../report/table.js')]), (m, connect) => releases(checked, select, m, connect, v, io))
    }
    case 'unlock': {
      const checked = await spec({ credentials: true })
      const held = await connectedFirst(checked, select, () => import('../deploy/releases.js'), ({ unlock }, connect) => unlock({ spec: checked, evenIfAlive: v.force, reporter, select, connect }))
      for (const [host, holder] of Object.entries(held)) io.out(`${host}: ${holder ? `lock broken (was held by ${holder})` : 'not locked'}`)
      return 0
    }
    case 'schema': {
      const { specJsonSchema } = await import('../spec/json-schema.js')
      io.out(JSON.stringify(specJsonSchema(), null, 2))
      return 0
    }
    default:
      throw new InputError(`unknown command "${command}"\n${USAGE}`)
  }
}

/** `slipway releases`: the table (or JSON) on stdout; warnings on stderr. Exit 3 when a host could not be read (the rest are listed). */
async function releases(spec: Spec, select: HostSelection | undefined, [{ listReleases }, { formatReleases }]: [typeof import('../deploy/releases.js'), typeof import('../report/table.js')], connect: Connector, { json, verbose }: { json: boolean; verbose: boolean }, io: Io): Promise<number> {
  const listing = await listReleases({ spec, select, reporter: consoleReporter(() => undefined, io.err, verbose), repair: true, connect })
  io.out(json ? JSON.stringify(listing, null, 2) : formatReleases(listing))
  if (!json && listing.repair) io.out(listing.repair.repaired ? `\nrepaired what an interrupted run left: ${listing.repair.repaired}` : `\nnot repaired: ${listing.repair.left}`)
  const lost = listing.hosts.filter((h) => h.unreachable)
  if (lost.length) io.err(`slipway: ${lost.length} of ${listing.hosts.length} hosts could not be read: ${lost.map((h) => `${h.host} (${h.unreachable})`).join('; ')}`)
  return lost.length ? 3 : 0
}

/** Prints the usage: exit 0 when asked for, 2 when no command was given. */
function usage(io: Io, command: string | undefined): number {
  io.out(USAGE)
  return command ? 0 : 2
}

/** Checks --to, --db (--migrations is stepback) and db's arguments before anything is read or connected. */
async function checkArgs(command: string, v: { to?: string; db?: string; migrations: boolean }, positionals: string[]): Promise<{ db?: DbMode; positionals: string[] }> {
  checkTo(command, v.to)
  if (v.db !== undefined && command !== 'rollback') throw new InputError('--db is only for rollback. Fix: remove it')
  if (command !== 'rollback' && command !== 'db') return { positionals }
  if (command === 'rollback') return { db: (await import('../deploy/db-mode.js')).dbMode(v), positionals }
  return { positionals: (await import('./db.js')).checkDb(command, positionals) }
}

/** Reads and validates the spec file (the YAML parser is loaded here, by the commands that read a spec). */
async function loadFile(cwd: string, file: string, env: string | undefined): Promise<Spec> {
  const { loadSpec } = await import('../spec/load.js')
  return loadSpec(resolvePath(cwd, file), { env })
}

/** The spec, with everything local checked (source tree and/or credentials) before anything connects. */
function checkedSpec(cwd: string, file: string, env: string | undefined, reporter: Reporter) {
  return async (checks: { source?: boolean; credentials?: boolean }): Promise<Spec> => {
    const [loaded, { preflight }] = await Promise.all([loadFile(cwd, file, env), import('../deploy/preflight.js')])
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
  const spec = picked.spec || existsSync(file) ? await loadFile(io.cwd, file, picked.env) : undefined
  const { rollbackChecks } = await import('../deploy/smoke.js')
  return checkCommand(rest, io, spec?.check, spec ? rollbackChecks(spec.smoke) : undefined)
}

function resolvePath(cwd: string, file: string): string {
  return file.startsWith('/') ? file : `${cwd}/${file}`
}
