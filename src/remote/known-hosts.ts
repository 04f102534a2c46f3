/** Host key verification against OpenSSH known_hosts text or a pinned SHA256 fingerprint. */
import { createHash, createHmac } from 'node:crypto'

/** The SHA256 fingerprint of a raw host key blob, as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** The key type named inside a raw host key blob (e.g. ssh-ed25519). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown'
  const len = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + len).toString('latin1')
}

/** The outcome of checking an offered host key. */
export type Verdict = { ok: true } | { ok: false; reason: 'unknown' | 'changed' | 'revoked'; type: string; fingerprint: string }

/** The host pattern OpenSSH writes for a host and port. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function matches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|')
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
  return re.test(name)
}

/** Checks a key against known_hosts text (OpenSSH format) for host:port. */
export function verifyKnownHosts(text: string, host: string, port: number, blob: Buffer): Verdict {
  const name = hostPattern(host, port)
  const offered = blob.toString('base64')
  let seen = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const parts = line.split(/\s+/)
    const marker = parts[0].startsWith('@') ? parts.shift() : undefined
    const [hosts, , key] = parts
    if (!hosts || !key) continue
    const patterns = hosts.split(',')
    const negated = patterns.some((p) => p.startsWith('!') && matches(p.slice(1), name))
    if (negated || !patterns.some((p) => !p.startsWith('!') && matches(p, name))) continue
    if (marker === '@revoked') {
      if (key === offered) return refuse('revoked', blob)
      continue
    }
    if (marker) continue
    seen = true
    if (key === offered) return { ok: true }
  }
  return refuse(seen ? 'changed' : 'unknown', blob)
}

/** Checks a key against a pinned `SHA256:...` fingerprint. */
export function verifyPinned(pinned: string, blob: Buffer): Verdict {
  return fingerprint(blob) === pinned.replace(/=+$/, '') ? { ok: true } : refuse('changed', blob)
}

function refuse(reason: 'unknown' | 'changed' | 'revoked', blob: Buffer): Verdict {
  return { ok: false, reason, type: keyType(blob), fingerprint: fingerprint(blob) }
}
