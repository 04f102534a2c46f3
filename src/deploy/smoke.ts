/** Smoke checks after the switch: HTTP from the runner or the host, and commands on the host. */
import { setTimeout as sleep } from 'node:timers/promises'
import { httpFromHost, parseCoded, runInRelease } from '../commands/smoke.js'
import { stepMark } from '../commands/protocol.js'
import type { Command } from '../commands/shell.js'
import type { RollbackCheck } from '../check/types.js'
import { hasRole } from '../spec/roles.js'
import type { HttpCheck, RunCheck, SmokeCheck } from '../spec/types.js'
import type { Operation } from './run.js'
import { runPhase, StepError, type Session } from './session.js'

/** The outcome of one check (on one host, for host-side checks). */
export interface SmokeResult {
  name: string
  /** The host it ran on, or undefined for checks from the runner. */
  host?: string
  ok: boolean
  attempts: number
  /** Why it failed (with a response or output tail), or what passed. */
  detail: string
}

/** An HTTP response as the checks see it. */
export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Why a response fails a check, or undefined when it passes. */
export function judgeHttp(check: HttpCheck, r: HttpResponse): string | undefined {
  if (r.status !== check.status) return `expected status ${check.status}, got ${r.status}`
  if (check.contains !== undefined && !r.body.includes(check.contains)) return `body does not contain ${JSON.stringify(check.contains)}`
  if (check.header) {
    const [name, ...rest] = check.header.split(':')
    const want = rest.join(':').trim()
    const got = r.headers[name.trim().toLowerCase()]
    if (got === undefined) return `header ${name.trim()} is missing`
    if (want && !got.includes(want)) return `header ${name.trim()} is "${got}", expected "${want}"`
  }
  return undefined
}

/** Parses `curl -i` output into a response. */
export function parseCurl(text: string): HttpResponse {
  const split = text.search(/\r?\n\r?\n/)
  const head = split < 0 ? text : text.slice(0, split)
  const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '')
  const [statusLine, ...lines] = head.split(/\r?\n/)
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body }
}

/** The last lines of some output after `label`, or `none` when there was no output (no dangling `: `). */
const tail = (label: string, text: string, none: string) => (text.trim() ? `${label}${text.trimEnd().split('\n').slice(-10).join('\n').slice(-1500)}` : none)

/** Retries `attempt` with a growing wait (1s, 2s, 4s…) until it passes, retries run out, or the deadline. */
async function withRetries(check: HttpCheck, attempt: () => Promise<string | undefined>, signal?: AbortSignal): Promise<{ failure?: string; attempts: number }> {
  const deadline = Date.now() + check.deadline * 1000
  let failure: string | undefined
  let n = 0
  for (;;) {
    n++
    failure = await attempt()
    if (!failure || n > check.retries) break
    const wait = Math.min(1000 * 2 ** (n - 1), deadline - Date.now())
    if (wait <= 0 || signal?.aborted) break
    await sleep(wait, undefined, { signal }).catch(() => undefined)
  }
  return { failure, attempts: n }
}

async function fromRunner(check: HttpCheck, signal?: AbortSignal): Promise<SmokeResult> {
  const { failure, attempts } = await withRetries(check, async () => {
    try {
      const res = await fetch(check.http, { method: check.method, signal: AbortSignal.timeout(check.timeout * 1000), redirect: 'manual' })
      const r: HttpResponse = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
      const why = judgeHttp(check, r)
      return why && `${why}${tail('; response: ', r.body, '; empty response')}`
    } catch (error) {
      return `request failed: ${(error as Error).message}`
    }
  }, signal)
  return { name: check.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` }
}

async function fromHost(op: Operation, s: Session, check: HttpCheck): Promise<SmokeResult> {
  const { failure, attempts } = await withRetries(check, async () => {
    const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check)).catch((e: unknown) => unreached(e))
    if ('failed' in r) return r.failed
    const { code, text } = parseCoded(r.data.http?.[0])
    if (code !== 0) return `curl on the host failed (exit ${code})${tail(': ', text, ', no output')}`
    const res = parseCurl(text)
    const why = judgeHttp(check, res)
    return why && `${why}${tail('; response: ', res.body, '; empty response')}`
  }, op.signal)
  return { name: check.name, host: s.host.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` }
}

async function onHost(op: Operation, s: Session, check: RunCheck): Promise<SmokeResult> {
  const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check)).catch((e: unknown) => unreached(e))
  if ('failed' in r) return { name: check.name, host: s.host.name, ok: false, attempts: 1, detail: r.failed }
  const { code, text } = parseCoded(r.data.run?.[0])
  return { name: check.name, host: s.host.name, ok: code === 0, attempts: 1, detail: code === 0 ? 'exit 0' : `exit ${code}${code === 124 ? ' (timed out)' : ''}${tail(': ', text, ', no output')}` }
}

/** A check whose host could not run it (the connection was lost, or the phase timed out): a failed check, not a crash. */
function unreached(error: unknown): { failed: string } {
  if (error instanceof StepError) return { failed: `the host did not answer: ${error.summary}` }
  throw error
}

/** The commands of a check that runs on a host. */
function hostCheck(s: Session, check: HttpCheck | RunCheck): Command[] {
  const commands = 'run' in check ? runInRelease(s, s.layout.current, check.run, check.timeout) : httpFromHost(s, check.http, check.method, check.timeout)
  return [stepMark(s, `smoke ${check.name}`), ...commands]
}

/** A dry run: host checks are sent once (to the recorder), runner checks only described; nothing is judged. */
async function dryCheck(op: Operation, sessions: Session[], check: SmokeCheck): Promise<SmokeResult[]> {
  if (!('run' in check) && check.from !== 'host') return [{ name: check.name, ok: true, attempts: 0, detail: `from the runner: ${check.method} ${check.http}, expect ${check.status}` }]
  return Promise.all(sessions.map(async (s) => {
    await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check))
    return { name: check.name, host: s.host.name, ok: true, attempts: 0, detail: 'not judged (dry run)' }
  }))
}

/** Runs every smoke check; host-side checks on every host. Never throws for a failing check. */
export async function runSmoke(op: Operation, sessions: Session[], checks: SmokeCheck[], dry = false): Promise<SmokeResult[]> {
  const results: SmokeResult[] = []
  for (const check of checks) {
    const on = sessions.filter((s) => hasRole(s.host.roles, check.roles))
    const batch = dry ? await dryCheck(op, on, check) : 'run' in check
      ? await Promise.all(on.map((s) => onHost(op, s, check)))
      : check.from === 'host' ? await Promise.all(on.map((s) => fromHost(op, s, check))) : [await fromRunner(check, op.signal)]
    for (const r of batch) op.reporter[r.ok ? 'info' : 'error'](`smoke ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.host ? ` on ${r.host}` : ''}: ${r.detail}`)
    results.push(...batch)
  }
  return results
}

/** The spec's smoke checks as `slipway check --verify-rollback` runs them, judged by the same rules as after a deploy. */
export function rollbackChecks(checks: SmokeCheck[]): RollbackCheck[] {
  return checks.map((c) => ('http' in c
    ? { name: c.name, http: c.http, method: c.method, timeout: c.timeout, judge: (r: HttpResponse) => judgeHttp(c, r) }
    : { name: c.name, run: c.run, timeout: c.timeout }))
}
