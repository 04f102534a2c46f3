/**
 * Rules for single spec values that a schema type cannot express: paths that reach a host, host and user
 * names, smoke URLs and HTTP tokens. Each returns what is wrong and how to fix it, or undefined.
 */

/** What is wrong with a value, and the fix. */
export interface Verdict {
  message: string
  fix: string
}

/** A check of one string value. */
export type Rule = (value: string) => Verdict | undefined

const CONTROL = /[\u0000-\u001f\u007f]/

/** A value quoted for a message: JSON-escaped, cut to 80 characters. */
export function q(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
}

/** How a control character is shown in a message (`\n`, `\t`, `\0`, `\x1b`). */
export function showControl(value: string): string {
  const c = CONTROL.exec(value)?.[0] ?? ''
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u0000': '\\0' }
  return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
}

const control = (value: string, what: string): Verdict | undefined =>
  CONTROL.test(value) ? { message: `contains a control character (${showControl(value)})`, fix: `write ${what} on one line, without control characters` } : undefined

/** The deploy root: absolute, not `/`, no `.` or `..` components. */
export const deployRoot: Rule = (v) => {
  const bad = control(v, 'the path')
  if (bad) return bad
  if (!v.startsWith('/')) return { message: `${q(v)} is not an absolute path`, fix: 'write the full path on the host, starting with / (e.g. /var/www/app)' }
  const parts = v.split('/').filter(Boolean)
  if (!parts.length) return { message: `${q(v)} is the filesystem root; releases/, shared/ and current would be created in /`, fix: 'use a directory of its own, e.g. /var/www/app' }
  const dot = parts.find((p) => p === '.' || p === '..')
  if (dot) return { message: `${q(v)} has a "${dot}" component; the deploy root must be written as it is, without . or ..`, fix: 'write the resolved absolute path, e.g. /var/www/app' }
  return undefined
}

/** A path inside the release (shared.files, shared.dirs, writable, copy_from_previous). */
export const releasePath: Rule = (v) => {
  if (v === '') return { message: 'the path is empty', fix: 'give a path relative to the release, e.g. storage, or remove the entry' }
  const bad = control(v, 'the path')
  if (bad) return bad
  const parts = v.split('/')
  const clean = parts.filter((p) => p && p !== '.').join('/')
  if (v.startsWith('/')) return { message: `${q(v)} is absolute; these paths are relative to the release directory`, fix: `write it relative to the release${clean && !parts.includes('..') ? `, e.g. "${clean}"` : ''}` }
  if (parts.includes('..')) return { message: `${q(v)} has a ".." component and would leave the release directory`, fix: 'name a path inside the release, without ..' }
  if (v === '.' || clean === '') return { message: `${q(v)} is the release directory itself; it would be replaced as a whole`, fix: 'name a file or directory inside the release, e.g. storage' }
  if (parts.includes('.') || parts.includes('')) return { message: `${q(v)} has an empty or "." component`, fix: `write "${clean}"` }
  if (parts[0].startsWith('.slipway')) return { message: `${q(v)} is reserved: names starting with .slipway at the release root are Slipway's own`, fix: 'rename it' }
  return undefined
}

/** hosts[].host: a name or address, not empty, no spaces, not an option. */
export const hostName: Rule = (v) => {
  if (v.trim() === '') return { message: 'the host is empty', fix: 'give the host name or IP address, e.g. 203.0.113.10' }
  const bad = control(v, 'the host')
  if (bad) return bad
  if (/\s/.test(v) || v.startsWith('-')) return { message: `${q(v)} is not a host name or address`, fix: 'give the host name or IP address, without spaces or a leading -' }
  return undefined
}

/** hosts[].user: a login name. */
export const userName: Rule = (v) => {
  if (v.trim() === '') return { message: 'the user is empty', fix: 'give the login user on the host, e.g. deploy' }
  const bad = control(v, 'the user')
  if (bad) return bad
  if (/[\s:@/]/.test(v) || v.startsWith('-')) return { message: `${q(v)} is not a login name`, fix: 'give the user name only, e.g. deploy (no spaces, @, : or leading -)' }
  return undefined
}

/** smoke[].http: an absolute http(s) URL. */
export const httpUrl: Rule = (v) => {
  const fix = 'write an absolute http(s) URL, e.g. https://shop.example/health'
  if (CONTROL.test(v) || /\s/.test(v)) return { message: `${q(v)} contains a space or control character`, fix }
  if (!/^https?:\/\/[^/?#]/i.test(v)) return { message: `${q(v)} is not an http(s) URL`, fix }
  try {
    new URL(v)
  } catch {
    return { message: `${q(v)} is not a valid URL`, fix }
  }
  return undefined
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** smoke[].method: an HTTP token such as GET or HEAD. */
export const httpMethod: Rule = (v) =>
  TOKEN.test(v) && v.length <= 32 ? undefined : { message: `${q(v)} is not an HTTP method`, fix: 'use a method name such as GET, HEAD or POST' }

/** smoke[].header: "Name" or "Name: value", the name an HTTP token. */
export const httpHeader: Rule = (v) => {
  const [name, ...rest] = v.split(':')
  const fix = 'write "Name" or "Name: value", e.g. "Content-Type: application/json"'
  if (!TOKEN.test(name.trim()) || name.trim() !== name) return { message: `${q(name)} is not a header name`, fix }
  if (CONTROL.test(rest.join(':').replace(/\t/g, ' '))) return { message: 'the header value contains a control character', fix }
  return undefined
}

const byPath: Record<string, Rule> = {
  path: deployRoot,
  'hosts[].path': deployRoot,
  'shared.files[]': releasePath,
  'shared.dirs[]': releasePath,
  'writable[]': releasePath,
  'copy_from_previous[]': releasePath,
  'hosts[].host': hostName,
  'hosts[].user': userName,
  'smoke[].http': httpUrl,
  'smoke[].method': httpMethod,
  'smoke[].header': httpHeader,
  'smoke.checks[].http': httpUrl,
  'smoke.checks[].method': httpMethod,
  'smoke.checks[].header': httpHeader
}

/** The rule for a key path (list indexes and an `environments.<name>.` prefix ignored), if there is one. */
export function ruleFor(path: string): Rule | undefined {
  return byPath[path.replace(/^environments\.[^.]+\./, '').replace(/\[\d+\]/g, '[]')]
}
