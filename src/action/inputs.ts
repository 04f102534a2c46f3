/** The Action's inputs: `INPUT_*` strings turned into one typed settings object, with errors that say what to fix. */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { isReleaseId } from '../deploy/id.js'
import { InputError } from '../errors.js'
import { parseNames, selectsAll, type HostSelection } from '../spec/select.js'

/** What the Action does in this step. */
export type ActionCommand = 'deploy' | 'rollback' | 'releases' | 'check'

const COMMANDS: ActionCommand[] = ['deploy', 'rollback', 'releases', 'check']

/** The typed settings of one step. */
export interface Settings {
  command: ActionCommand
  /** Absolute path of the deploy spec. */
  spec: string
  /** Name under `environments:` in the spec; also the GitHub deployment's environment. */
  environment?: string
  /** Private key text (normalized: LF line ends, one trailing newline). */
  sshKey?: string
  /** known_hosts lines; replace the spec's `known_hosts`. */
  knownHosts?: string
  /** Rollback target. */
  release?: string
  /** Rollback also steps back the migrations of the releases it leaves (the older name of db: stepback). */
  migrations: boolean
  /** Seconds to wait for another run's lock (deploy, rollback); 0 fails at once. */
  lockWait: number
  /** Overrides the spec's strategy.kind for a deploy. */
  strategy?: string
  /** `check` also runs --verify-rollback: the base revision's smoke checks on the PR's schema. */
  verifyRollback: boolean
  /** Rollback: what happens to the database (keep, stepback, restore); undefined is keep, or stepback with `migrations`. */
  db?: 'keep' | 'stepback' | 'restore'
  dryRun: boolean
  /** Token for the Deployments API; empty turns deployment records off. */
  token?: string
  /** Absolute directory the spec, sources and checks are relative to. */
  workingDirectory: string
  /** The environment's URL (deployment `environment_url` and output `url`). */
  url?: string
  /** Inputs `hosts`, `exclude`, `roles` (comma-separated names): only some of the spec's hosts. */
  select?: HostSelection
}

/** Reads one raw input by its action.yml name (`core.getInput` in the Action, a map in tests). */
export type InputReader = (name: string) => string

/** Reads and validates every input; throws {@link InputError} naming the input and the fix. */
export function readInputs(get: InputReader, cwd = process.env.GITHUB_WORKSPACE || process.cwd()): Settings {
  const text = (name: string) => get(name).trim() || undefined
  const command = (text('command') ?? 'deploy') as ActionCommand
  if (!COMMANDS.includes(command)) throw new InputError(`input "command": "${command}" is not a command. Fix: use one of ${COMMANDS.join(', ')}`)
  const workingDirectory = resolve(cwd, text('working-directory') ?? '.')
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new InputError(`input "working-directory": ${workingDirectory} is not a directory. Fix: check out the repository first (actions/checkout) or correct the path`)
  }
  const specFile = text('spec') ?? 'slipway.yml'
  const settings: Settings = {
    command,
    spec: isAbsolute(specFile) ? specFile : resolve(workingDirectory, specFile),
    environment: text('environment'),
    sshKey: privateKey(get('ssh-private-key')),
    knownHosts: knownHosts(get('known-hosts')),
    release: releaseId(text('release')),
    migrations: bool(get, 'migrations'),
    lockWait: seconds(get, 'lock-wait'),
    strategy: text('strategy'),
    verifyRollback: bool(get, 'verify-rollback'),
    db: dbInput(text('db')),
    dryRun: bool(get, 'dry-run'),
    token: text('github-token'),
    workingDirectory,
    url: url(text('url')),
    select: selectsAll(selection(get)) ? undefined : selection(get)
  }
  if (settings.release && command !== 'rollback') throw new InputError(`input "release" is only for command "rollback" (command is "${command}"). Fix: remove it, or set command: rollback`)
  if (settings.db && command !== 'rollback') throw new InputError(`input "db" is only for command "rollback" (command is "${command}"); a deploy takes its restore point itself (spec key db). Fix: remove it`)
  if (settings.migrations && settings.db && settings.db !== 'stepback') throw new InputError(`input "migrations: true" means db: stepback and contradicts db: ${settings.db}. Fix: remove migrations`)
  if (settings.migrations && command !== 'rollback') throw new InputError(`input "migrations" is only for command "rollback" (command is "${command}"); a deploy runs the spec's migrations itself. Fix: remove it`)
  if (settings.lockWait && command !== 'deploy' && command !== 'rollback') throw new InputError(`input "lock-wait" is only for commands "deploy" and "rollback" (command is "${command}"). Fix: remove it`)
  if (settings.select && command === 'check') throw new InputError('inputs "hosts", "exclude" and "roles" are for deploy, rollback and releases (command is "check"). Fix: remove them')
  if (settings.strategy && command !== 'deploy') throw new InputError(`input "strategy" is only for command "deploy" (command is "${command}"). Fix: remove it`)
  if (settings.verifyRollback && command !== 'check') throw new InputError(`input "verify-rollback" is only for command "check" (command is "${command}"). Fix: remove it, or set command: check`)
  return settings
}

/** Inputs `hosts`, `exclude`, `roles`; the names are checked against the spec when it is loaded. */
function selection(get: InputReader): HostSelection {
  return { hosts: parseNames(get('hosts')), exclude: parseNames(get('exclude')), roles: parseNames(get('roles')) }
}

/** Whole seconds, 0 to 86400; empty is 0. */
function seconds(get: InputReader, name: string): number {
  const value = get(name).trim()
  if (!value) return 0
  if (!/^\d{1,5}$/.test(value) || Number(value) > 86400) throw new InputError(`input "${name}": "${value}" is not a number of seconds. Fix: use whole seconds from 0 to 86400, e.g. 600`)
  return Number(value)
}

function dbInput(value: string | undefined): Settings['db'] {
  if (value === undefined) return undefined
  if (value !== 'keep' && value !== 'stepback' && value !== 'restore') throw new InputError(`input "db": "${value}" is not a mode. Fix: use keep (the default), stepback or restore`)
  return value
}

/** YAML 1.2 core-schema booleans, like `core.getBooleanInput`; empty is false. */
function bool(get: InputReader, name: string): boolean {
  const value = get(name).trim()
  if (['', 'false', 'False', 'FALSE'].includes(value)) return false
  if (['true', 'True', 'TRUE'].includes(value)) return true
  throw new InputError(`input "${name}": "${value}" is not a boolean. Fix: use true or false`)
}

function privateKey(raw: string): string | undefined {
  const key = raw.replace(/\r\n?/g, '\n').trim()
  if (!key) return undefined
  if (!/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z0-9 ]*PRIVATE KEY-----$/.test(key)) {
    const hint = /^(ssh-|ecdsa-|sk-)/.test(key) ? 'it looks like a public key' : key.includes('\n') ? 'the BEGIN/END lines are missing or damaged' : 'it looks like a file name, not key text'
    throw new InputError(`input "ssh-private-key" is not a private key (${hint}). Fix: store the whole private key file, BEGIN and END lines included, in a secret and pass \${{ secrets.NAME }}`)
  }
  return `${key}\n`
}

function knownHosts(raw: string): string | undefined {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  if (!lines.length) return undefined
  const bad = lines.find((l) => l.split(/\s+/).length < 3)
  if (bad) throw new InputError(`input "known-hosts": "${bad.slice(0, 60)}" is not a known_hosts line (host keytype key). Fix: paste the output of ssh-keyscan -p PORT HOST`)
  return `${lines.join('\n')}\n`
}

function releaseId(value: string | undefined): string | undefined {
  if (value !== undefined && !isReleaseId(value)) throw new InputError(`input "release": "${value}" is not a release id. Fix: use an id from the releases table (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave it empty for the newest healthy release before current`)
  return value
}

function url(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InputError(`input "url": "${value}" is not an http(s) URL. Fix: use the address users open, e.g. https://shop.example.com`)
  return value
}
