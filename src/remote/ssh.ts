/** SshRemote: the Remote interface on node-ssh (ssh2), with host key checks, retries and timeouts. */
import { connect as tcpConnect, type Socket } from 'node:net'
import type { NodeSSH } from 'node-ssh'
import { InputError, SlipwayError, UntouchedError } from '../errors.js'
import { hostPattern, verifyKnownHosts, verifyPinned, type Verdict } from './known-hosts.js'
import type { Duplex } from 'node:stream'
import { exec } from './channel.js'
import { parseJump } from './jump.js'
import type { ExecOptions, ExecResult, Remote } from './types.js'

/** How to reach and trust one host. */
export interface SshTarget {
  name: string
  host: string
  port: number
  user: string
  /** Private key text (never logged). */
  privateKey: string
  passphrase?: string
  /** known_hosts text; or `hostKey` (SHA256:...); or `insecure`. */
  knownHosts?: string
  hostKey?: string
  insecure?: boolean
  connectTimeoutMs: number
  /** Keepalive interval; 3 unanswered keepalives mark the connection lost (default 15 s). */
  keepaliveMs?: number
  /** Connect attempts after the first, for refused or timed-out connects only. */
  retries?: number
  /** A jump host, [user@]host[:port], reached with the same key and host key trust. */
  proxyJump?: string
}

const RETRYABLE = /ECONNREFUSED|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|Timed out while waiting for handshake|Connection lost before handshake/

/** Opens an SSH connection, verifying the host key before any credential is sent. */
export async function connectSsh(target: SshTarget): Promise<Remote> {
  const attempts = 1 + (target.retries ?? 2)
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(target)
    } catch (error) {
      if (attempt >= attempts || error instanceof InputError || !RETRYABLE.test(String(error))) throw error
      await new Promise((r) => setTimeout(r, 500 * attempt))
    }
  }
}

let library: Promise<typeof import('node-ssh')> | undefined

/** The SSH library, loaded once: callers that have other code to load await it first, so the handshake starts before theirs. */
export function sshLibrary(): Promise<typeof import('node-ssh')> {
  return (library ??= import('node-ssh'))
}

/**
 * Starts the TCP connection at once and loads the SSH library (the largest part of the CLI) while it is under way;
 * resolves with both, or rejects with the socket's error (ECONNREFUSED, …) if it fails before the library is ready.
 */
async function socketAndLibrary(target: SshTarget): Promise<{ sock: Socket; ssh: NodeSSH }> {
  // TCP_NODELAY from the first byte: ssh2 writes each packet in pieces (length, payload, MAC), and with Nagle on, the
  // handshake's and the authentication's small writes each wait for a delayed ACK (~40 ms per round trip on Linux).
  const sock = tcpConnect({ host: target.host, port: target.port, noDelay: true })
  let failed: Error | undefined
  const early = (error: Error) => { failed = error }
  sock.on('error', early)
  try {
    const { NodeSSH } = await sshLibrary()
    if (failed) throw failed
    return { sock, ssh: new NodeSSH() }
  } catch (error) {
    sock.destroy()
    throw error
  } finally {
    sock.off('error', early)
  }
}

async function connectOnce(target: SshTarget): Promise<Remote> {
  if (!target.proxyJump) return new SshRemote(target.name, await open(target))
  const j = parseJump(target.proxyJump, target.user)
  const jump = await open({ ...target, name: `${target.name} (jump host ${target.proxyJump})`, ...j })
  try {
    const sock = await new Promise<Duplex>((resolve, reject) => jump.connection!.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => err ? reject(new SlipwayError(`${target.name}: jump host ${target.proxyJump} refused to forward to ${target.host}:${target.port}: ${err.message}`)) : resolve(stream)))
    return new SshRemote(target.name, await open(target, sock), jump)
  } catch (error) {
    jump.dispose()
    throw error
  }
}

/** One authenticated ssh2 connection: over a new TCP connection, or over `forwarded` (a jump host's channel). */
async function open(target: SshTarget, forwarded?: Duplex): Promise<NodeSSH> {
  const { sock, ssh } = forwarded
    ? { sock: forwarded, ssh: new (await sshLibrary()).NodeSSH() }
    : await socketAndLibrary(target).catch((error: Error) => {
      throw new SlipwayError(`${target.name}: cannot connect: ${error.message}`)
    })
  let verdict: Verdict = { ok: true }
  const hostVerifier = (key: Buffer): boolean => {
    if (target.insecure) return true
    verdict = target.hostKey ? verifyPinned(target.hostKey, key) : verifyKnownHosts(target.knownHosts ?? '', target.host, target.port, key)
    return verdict.ok
  }
  try {
    await ssh.connect({
      sock,
      username: target.user,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      readyTimeout: target.connectTimeoutMs,
      hostVerifier,
      // Straight to the key: the "none" method ssh2 tries first costs a round trip and never succeeds on a deploy host.
      authHandler: ['publickey'],
      keepaliveInterval: target.keepaliveMs ?? 15000,
      keepaliveCountMax: 3
    })
  } catch (error) {
    ssh.dispose()
    if (!verdict.ok) throw hostKeyError(target, verdict)
    const message = error instanceof Error ? error.message : String(error)
    if (/authentication methods failed/i.test(message)) {
      throw new InputError(`${target.name}: authentication failed for user "${target.user}". Fix: add the deploy key's public half to ~${target.user}/.ssh/authorized_keys on the host, or check identity/SLIPWAY_SSH_KEY`)
    }
    if (/passphrase|encrypted|Unsupported key format|Cannot parse privateKey/i.test(message)) {
      throw new InputError(`${target.name}: cannot use the private key: ${message}. Fix: give an unencrypted OpenSSH/PEM key, or its passphrase in SLIPWAY_SSH_PASSPHRASE`)
    }
    if (/Connection lost before handshake/.test(message)) {
      throw new UntouchedError(`${target.name}: cannot connect: ${message} — sshd at ${target.host}:${target.port} closed the connection before the SSH handshake, usually its MaxStartups limit (too many connections opening at once). Fix: lower max_connections in the spec, or raise MaxStartups in the host's sshd_config`)
    }
    throw new UntouchedError(`${target.name}: cannot connect: ${message}`)
  }
  return ssh
}

function hostKeyError(target: SshTarget, v: Extract<Verdict, { ok: false }>): InputError {
  const where = hostPattern(target.host, target.port)
  const scan = `ssh-keyscan -p ${target.port} ${target.host}`
  if (v.reason === 'revoked') return new InputError(`${target.name}: REVOKED host key for ${where}: the host offered ${v.type} ${v.fingerprint}, which known_hosts marks @revoked. Fix: do not deploy to this host until its owner has replaced the key; then put the new key in known_hosts (checked by hand)`)
  if (v.reason === 'changed') {
    return new InputError(`${target.name}: HOST KEY CHANGED for ${where}: the host offered ${v.type} ${v.fingerprint}, which does not match the trusted key. This could be a man-in-the-middle attack, or the host was rebuilt. Fix: confirm the new fingerprint with the host's owner, then update known_hosts / host_key`)
  }
  return new InputError(`${target.name}: unknown host key for ${where}: the host offered ${v.type} ${v.fingerprint}. Fix: verify that fingerprint out of band, then add the host to known_hosts (${scan}) or set host_key: "${v.fingerprint}"`)
}

/** A live SSH connection. */
class SshRemote implements Remote {
  /** Why the connection broke (a reset, a keepalive timeout), once it has. */
  private broken?: Error

  constructor(readonly name: string, private ssh: NodeSSH, private jump?: NodeSSH) {
    // A jump host's forwarded channel is no socket; TCP_NODELAY is set on the jump connection's socket here too.
    ssh.connection?.setNoDelay(true)
    // Without a listener, an error on a live connection (ECONNRESET, keepalive timeout) would crash the process;
    // the command in flight then ends without its exit status, and later ones are refused with the reason.
    ssh.connection?.on('error', (error: Error) => { this.broken ??= error })
    ssh.connection?.on('close', () => { this.broken ??= new Error('the connection closed') })
  }

  get lost(): string | undefined {
    return this.broken?.message
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const client = this.ssh.connection
    if (!client || this.broken) return Promise.reject(new SlipwayError(`${this.name}: connection lost: ${this.broken?.message ?? 'closed'}`))
    return exec(client, command, options)
  }

  async close(): Promise<void> {
    this.ssh.dispose()
    this.jump?.dispose()
  }
}
