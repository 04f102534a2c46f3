/** One connected host for one operation: its layout, markers, and phases run as single scripts. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { type Layout, layout } from '../commands/layout.js'
import type { Command } from '../commands/shell.js'
import { InputError, SlipwayError } from '../errors.js'
import type { Reporter } from '../reporter.js'
import { openChannel, runScript, type Channel, type ScriptResult } from '../remote/script.js'
import { newMarker, type HostData } from '../commands/protocol.js'
import { connectOpenSsh } from '../remote/openssh.js'
import { connectSsh } from '../remote/ssh.js'
import type { Remote } from '../remote/types.js'
import type { HostSpec, Spec } from '../spec/types.js'
import { settleLimited } from './limit.js'

/** Opens a Remote for a host; tests and embedders may supply their own. */
export type Connector = (host: HostSpec, spec: Spec) => Promise<Remote>

/** A host taking part in an operation. */
export interface Session {
  host: HostSpec
  remote: Remote
  layout: Layout
  marker: string
  /** A channel kept open across phases (one-channel operations); phases open their own when unset. */
  channel?: Channel
  /** Opens a new connection to this host (after the first one was lost). */
  reopen?: () => Promise<Remote>
  /** How many hosts of this operation get a round trip at once (spec `max_connections`; unset: all). */
  limit?: number
}

/** A host that could not be reached, and why. */
export interface Unreachable {
  host: string
  cause: string
}

/** A remote step failed: names host, step, exit code and the output tail. */
export class StepError extends SlipwayError {
  /** `unsent`: the connection was already lost, so nothing of the step reached the host. */
  constructor(readonly host: string, readonly step: string, readonly code: number, readonly tail: string[], readonly data: HostData = {}, readonly lost?: string, readonly unsent = false) {
    super(lost ? `${host}: connection lost (${lost}) ${unsent ? 'before' : 'during'} step "${step}"` : `${host}: step "${step}" failed with exit code ${code}${tail.length ? `\n--- last output ---\n${tail.join('\n')}` : ''}`)
    this.name = 'StepError'
  }

  /** The cause in a few words, for a host's line in the ledger. */
  get summary(): string {
    if (this.lost) return `connection lost (${this.lost}) ${this.unsent ? 'before' : 'during'} ${this.step}`
    const timeout = this.code === 124 ? this.tail.find((l) => /timed out|no output|no answer/.test(l)) : undefined
    return `${this.step} failed with exit code ${this.code}${timeout ? ` (${timeout})` : ''}`
  }
}

/** Reads the deploy key: the host's identity file, else env SLIPWAY_SSH_KEY. */
export function privateKeyFor(host: HostSpec, spec: Spec, env: NodeJS.ProcessEnv = process.env): string {
  if (host.identity) {
    const file = resolve(spec.baseDir, host.identity)
    try {
      return readFileSync(file, 'utf8')
    } catch {
      throw new InputError(`${host.name}: cannot read identity file ${file}. Fix: point hosts[].identity at a private key, or put the key text in env SLIPWAY_SSH_KEY`)
    }
  }
  if (env.SLIPWAY_SSH_KEY) return env.SLIPWAY_SSH_KEY
  throw new InputError(`${host.name}: no SSH key. Fix: set hosts[].identity to a private key file, or env SLIPWAY_SSH_KEY to the key text`)
}

/** known_hosts from the spec: a path (relative to the spec) if such a file exists, else the text itself. */
export function knownHostsText(spec: Spec): string | undefined {
  const value = spec.known_hosts
  if (!value) return undefined
  if (value.includes('\n') || /\s(ssh-|ecdsa-|sk-)/.test(value)) return value
  try {
    return readFileSync(resolve(spec.baseDir, value), 'utf8')
  } catch {
    throw new InputError(`${spec.file}: known_hosts file ${resolve(spec.baseDir, value)} cannot be read. Fix: create it (ssh-keyscan -p PORT HOST > known_hosts) or paste the lines inline`)
  }
}

/** The default connector: the spec's transport (node or openssh) with its keys, known_hosts and timeouts. */
export const sshConnector: Connector = async (host, spec) => {
  const common = { name: host.name, host: host.host, port: host.port, user: host.user, knownHosts: knownHostsText(spec), insecure: spec.insecure_skip_host_key_check, connectTimeoutMs: spec.timeouts.connect * 1000, keepaliveMs: spec.timeouts.keepalive * 1000, proxyJump: host.proxy_jump }
  if (spec.ssh === 'openssh') {
    const identityFile = host.identity ? resolve(spec.baseDir, host.identity) : undefined
    return connectOpenSsh({ ...common, identityFile, privateKey: identityFile ? undefined : process.env.SLIPWAY_SSH_KEY, certificate: process.env.SLIPWAY_SSH_CERT })
  }
  return connectSsh({ ...common, privateKey: privateKeyFor(host, spec), passphrase: process.env.SLIPWAY_SSH_PASSPHRASE, hostKey: host.host_key })
}

/** Connects to every host, `max_connections` at a time; on any failure closes the others and throws the first error. */
export async function openSessions(spec: Spec, connect: Connector, reporter: Reporter): Promise<Session[]> {
  const { sessions, failures } = await connectAll(spec, connect, reporter)
  if (failures.length) {
    await closeSessions(sessions)
    const first = failures[0].reason
    const names = failures.map((f) => f.host).join(',')
    if (spec.hosts.length > 1 && first instanceof Error) first.message += `\n${failures.length} of ${spec.hosts.length} hosts unreachable (${names}); to go on with the others: --exclude ${names}`
    throw first
  }
  return sessions
}

/**
 * Connects to every host it can (read-only and incident commands): the sessions of the hosts reached, and each
 * host that could not be, with the cause. Never throws for a host's connection.
 */
export async function openReachable(spec: Spec, connect: Connector, reporter: Reporter): Promise<{ sessions: Session[]; unreachable: Unreachable[] }> {
  const { sessions, failures } = await connectAll(spec, connect, reporter)
  const unreachable = failures.map((f) => ({ host: f.host, cause: causeOf(f.host, f.reason) }))
  for (const u of unreachable) reporter.warn(`${u.host}: unreachable, left out: ${u.cause}`)
  return { sessions, unreachable }
}

/** The message of an error, without the host's name it may start with. */
export function causeOf(host: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message
}

async function connectAll(spec: Spec, connect: Connector, reporter: Reporter): Promise<{ sessions: Session[]; failures: Array<{ host: string; reason: unknown }> }> {
  if (spec.insecure_skip_host_key_check) reporter.warn('insecure_skip_host_key_check is on: host keys are NOT verified; anyone between you and the host can impersonate it')
  const marker = newMarker()
  const limit = spec.max_connections ?? spec.hosts.length
  const results = await settleLimited(spec.hosts, limit, (host) => connect(host, spec))
  const sessions: Session[] = []
  const failures: Array<{ host: string; reason: unknown }> = []
  results.forEach((r, i) => {
    const host = spec.hosts[i]
    if (r.status === 'rejected') failures.push({ host: host.name, reason: r.reason })
    else sessions.push({ host, remote: r.value, layout: layout(host.path ?? spec.path, spec.db?.path), marker, limit, reopen: () => connect(host, spec) })
  })
  return { sessions, failures }
}

/**
 * A session whose connection was lost gets one new connection (a reset is often momentary), so what is left
 * to undo or release there can still be sent; a host that stays unreachable keeps its lost connection.
 * Returns a note for the ledger when it reconnected.
 */
export async function revive(s: Session): Promise<string | undefined> {
  const lost = s.remote.lost
  if (!lost || !s.reopen) return undefined
  const old = s.remote
  const reopen = s.reopen
  s.reopen = undefined // one new connection per session and run, not one per phase left to send
  try {
    s.remote = await reopen()
    s.reopen = reopen
    s.channel = undefined
    await old.close().catch(() => undefined)
    return `connection lost (${lost}), reconnected`
  } catch {
    return undefined // still unreachable: later phases fail with the original cause
  }
}

/** Closes every session; never throws. */
export async function closeSessions(sessions: Session[]): Promise<void> {
  await Promise.all(sessions.map(async (s) => {
    s.reopen = undefined // for good: work abandoned by a forced stop must not connect again
    await s.channel?.close()
    await s.remote.close().catch(() => undefined)
  }))
}

function channelOptions(s: Session, spec: Spec, reporter: Reporter) {
  return {
    marker: s.marker,
    timeoutMs: spec.timeouts.command * 1000,
    idleMs: spec.timeouts.idle * 1000,
    onLine: (line: string, stream: 'stdout' | 'stderr') => reporter.line(s.host.name, line, stream),
    onStep: (label: string) => reporter.debug(`${s.host.name}: step ${label}`)
  }
}

/** Keeps one channel open on each session, so the operation's phases share it (one connection, one channel). */
export function holdChannels(sessions: Session[], spec: Spec, reporter: Reporter): void {
  for (const s of sessions) s.channel = openChannel(s.remote, channelOptions(s, spec, reporter))
}

/** Runs one phase on one host as a single script; throws {@link StepError} on a non-zero exit. */
export async function runPhase(s: Session, spec: Spec, reporter: Reporter, phase: string, commands: Command[], extra: { stdin?: Readable; okCodes?: number[] } = {}): Promise<ScriptResult> {
  reporter.debug(`${s.host.name}: ${phase}: ${commands.length} commands`)
  if (s.remote.lost) throw new StepError(s.host.name, phase, 255, [], {}, s.remote.lost, true)
  const options = channelOptions(s, spec, reporter)
  const sent = s.channel ? s.channel.run(commands, extra.stdin) : runScript(s.remote, commands, { ...options, stdin: extra.stdin })
  const result = await sent.catch((error: Error) => {
    throw new StepError(s.host.name, phase, 124, [error.message], {}, s.remote.lost)
  })
  if (result.code !== 0 && s.remote.lost) throw new StepError(s.host.name, result.step ?? phase, result.code, result.tail, result.data, s.remote.lost)
  if (result.code !== 0 && !(extra.okCodes ?? []).includes(result.code)) throw new StepError(s.host.name, result.step ?? phase, result.code, result.tail, result.data)
  return result
}
