/**
 * OpenSshRemote: the Remote interface on the system `ssh` (transport `ssh: openssh`). One ControlMaster
 * connection per host carries every command, and OpenSSH brings what ssh2 lacks: the user's ssh_config,
 * certificates (user certificates and @cert-authority host CAs) and ProxyJump chains.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cmd, render } from '../commands/shell.js'
import { InputError, SlipwayError } from '../errors.js'
import { parseJump } from './jump.js'
import { spawnExec } from './spawn.js'
import type { ExecOptions, ExecResult, Remote } from './types.js'

/** How to reach and trust one host with OpenSSH. */
export interface OpenSshTarget {
  name: string
  host: string
  port: number
  user: string
  /** A private key file; or the key text (written to a private temp file); or neither (ssh_config/agent decide). */
  identityFile?: string
  privateKey?: string
  /** An OpenSSH certificate for that key (text), used with `privateKey`. */
  certificate?: string
  /** known_hosts text; without it the user's known_hosts files apply. Host keys are always checked unless `insecure`. */
  knownHosts?: string
  insecure?: boolean
  /** OpenSSH -J syntax: [user@]host[:port]. */
  proxyJump?: string
  connectTimeoutMs: number
  /** ServerAliveInterval; 3 unanswered (ServerAliveCountMax) end the connection (default 15 s). */
  keepaliveMs?: number
  retries?: number
}

const RETRYABLE = /Connection refused|Connection timed out|Connection reset|Connection closed by|kex_exchange_identification|No route to host/

/** Starts the master connection (checking the host key before any credential is sent) and returns the Remote. */
export async function connectOpenSsh(target: OpenSshTarget): Promise<Remote> {
  const remote = new OpenSshRemote(target)
  const attempts = 1 + (target.retries ?? 2)
  for (let attempt = 1; ; attempt++) {
    const r = await spawnExec('ssh', [...remote.args(['-o', 'ControlMaster=yes', '-o', 'ControlPersist=60']), 'true'], { timeoutMs: target.connectTimeoutMs + 5000 })
    if (r.code === 0) return remote.connected()
    const reason = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `ssh exited with ${r.code}`
    if (attempt < attempts && RETRYABLE.test(r.stderr)) {
      await new Promise((done) => setTimeout(done, 500 * attempt))
      continue
    }
    await remote.close()
    throw connectError(target, r.stderr, reason)
  }
}

function connectError(target: OpenSshTarget, stderr: string, reason: string): Error {
  const via = target.proxyJump ? ` (via ${target.proxyJump})` : ''
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/i.test(stderr)) {
    return new InputError(`${target.name}: host key not trusted${via}: ${reason}. Fix: put the host's key (or its @cert-authority line) in known_hosts, checked by hand`)
  }
  if (/Permission denied/.test(stderr)) {
    return new InputError(`${target.name}: authentication failed for user "${target.user}"${via}: ${reason}. Fix: authorise the deploy key (or its certificate's CA) on the host, or check identity/SLIPWAY_SSH_KEY`)
  }
  return new SlipwayError(`${target.name}: cannot connect${via}: ${reason}`)
}

/** A host reached through one OpenSSH ControlMaster connection. */
class OpenSshRemote implements Remote {
  readonly name: string
  private dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-'))
  private base: string[]

  constructor(private target: OpenSshTarget) {
    this.name = target.name
    this.base = this.options()
  }

  /** ssh's arguments up to the destination; `extra` goes before the fixed options. */
  args(extra: string[] = []): string[] {
    return [...extra, ...this.base, '-p', String(this.target.port), '-l', this.target.user, '--', this.target.host]
  }

  /** The master is up and authenticated: the key (and certificate) copies are not needed again, so they go now. */
  connected(): this {
    for (const name of ['id', 'id-cert.pub']) rmSync(join(this.dir, name), { force: true })
    return this
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return spawnExec('ssh', [...this.args(), command], options)
  }

  async close(): Promise<void> {
    await spawnExec('ssh', [...this.args(['-O', 'exit'])], { timeoutMs: 5000 }).catch(() => undefined)
    rmSync(this.dir, { recursive: true, force: true })
  }

  private options(): string[] {
    const t = this.target
    const trust = this.trust()
    const args = [...o(`ControlPath=${join(this.dir, 'master')}`), ...o(`ServerAliveInterval=${Math.ceil((t.keepaliveMs ?? 15000) / 1000)}`), ...o('ServerAliveCountMax=3'), ...trust]
    if (!t.proxyJump) return args
    const jump = parseJump(t.proxyJump, t.user)
    const proxy = cmd('ssh', ...trust, '-W', '%h:%p', '-p', String(jump.port), '-l', jump.user, '--', jump.host)
    return [...args, ...o(`ProxyCommand=${render(proxy)}`)]
  }

  /** Options shared by the host and its jump host: batch mode, timeouts, host key trust, key and certificate. */
  private trust(): string[] {
    const t = this.target
    const args = [...o('BatchMode=yes'), ...o(`ConnectTimeout=${Math.ceil(t.connectTimeoutMs / 1000)}`)]
    if (t.insecure) args.push(...o('StrictHostKeyChecking=no'), ...o('UserKnownHostsFile=/dev/null'))
    else args.push(...o('StrictHostKeyChecking=yes'))
    if (!t.insecure && t.knownHosts !== undefined) args.push(...o(`UserKnownHostsFile=${this.file('known_hosts', t.knownHosts)}`))
    const key = t.identityFile ?? (t.privateKey ? this.file('id', t.privateKey.endsWith('\n') ? t.privateKey : `${t.privateKey}\n`) : undefined)
    if (key) args.push('-i', key, ...o('IdentitiesOnly=yes'))
    if (key && t.certificate) args.push(...o(`CertificateFile=${this.file('id-cert.pub', t.certificate)}`))
    return args
  }

  /** Writes a private file in this connection's temp dir. */
  private file(name: string, text: string): string {
    const path = join(this.dir, name)
    writeFileSync(path, text, { mode: 0o600 })
    chmodSync(path, 0o600)
    return path
  }
}

const o = (option: string) => ['-o', option]
