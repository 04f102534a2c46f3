/** Jump hosts (proxy_jump), shared by both SSH transports. */
import { InputError } from '../errors.js'

/** `[user@]host[:port]` of a jump host; the user defaults to the target's, the port to 22. */
export function parseJump(text: string, user: string): { user: string; host: string; port: number } {
  const m = /^(?:([^@\s]+)@)?([^@\s:]+)(?::(\d+))?$/.exec(text)
  if (!m) throw new InputError(`proxy_jump "${text}" is not [user@]host[:port]`)
  return { user: m[1] ?? user, host: m[2], port: m[3] ? Number(m[3]) : 22 }
}
