/** The base revision booted for --verify-rollback: its server for HTTP checks, and its smoke checks run against it. */
import { spawn } from 'node:child_process'
import { createServer, connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { HttpReply, RollbackCheck } from '../types.js'
import { run, type ScratchApp } from './app.js'

/** The default command that serves the base revision; `{port}` is filled in. */
export const DEFAULT_SERVE = 'php artisan serve --host=127.0.0.1 --port={port}'

/** A server process of the base revision. */
export interface BaseServer { origin: string; output(): string; stop(): Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => done(port))
    }).on('error', fail)
  })
}

const accepts = (port: number): Promise<boolean> => new Promise((done) => {
  const socket = connect(port, '127.0.0.1', () => { socket.end(); done(true) }).on('error', () => done(false))
})

/**
 * Starts `command` (`{port}` filled in) in the app's directory in its own process group and waits until the
 * port accepts connections (30 s at most). Throws with the server's output when it exits or never listens.
 */
export async function serve(app: ScratchApp, command: string): Promise<BaseServer> {
  const port = await freePort()
  const child = spawn('bash', ['--norc', '--noprofile', '-c', `exec ${command.replaceAll('{port}', String(port))}`], { cwd: app.dir, env: app.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000) })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  let gone = false
  void exited.then(() => { gone = true })
  const stop = async (): Promise<void> => {
    if (gone || child.pid === undefined) return
    try { process.kill(-child.pid, 'SIGTERM') } catch { return }
    const late = setTimeout(() => { try { process.kill(-(child.pid as number), 'SIGKILL') } catch { /* already gone */ } }, 3000)
    await exited
    clearTimeout(late)
  }
  for (let i = 0; i < 150 && !gone; i++) {
    if (await accepts(port)) return { origin: `http://127.0.0.1:${port}`, output: () => output, stop }
    await sleep(200)
  }
  await stop()
  throw new Error(`the base revision's server (${command}) ${gone ? 'exited' : 'did not listen within 30 s'}:\n${output.trim().split('\n').slice(-8).join('\n')}`)
}

const statusJudge = (r: HttpReply): string | undefined => (r.status >= 400 ? `status ${r.status}` : undefined)

/** The last lines of some output, or `(no output)`. */
const tail = (text: string): string => text.trim().split('\n').slice(-10).join('\n').slice(-1500) || '(no output)'

/** The newest error the app logged (storage/logs/*.log), else the server's last lines, to say why a request failed. */
async function loggedError(app: ScratchApp, server: BaseServer): Promise<string> {
  const r = await run('bash', ['--norc', '--noprofile', '-c', 'tail -c 200000 storage/logs/*.log 2>/dev/null | grep -E "\\.(ERROR|CRITICAL)" | tail -1'], app.dir, app.env, 10_000)
  if (r.output) return `\nlogged: ${r.output.slice(0, 600)}`
  const said = server.output().trim().split('\n').slice(-3).join('\n')
  return said ? `\nserver: ${said}` : ''
}

async function request(check: RollbackCheck & { http: string }, server: BaseServer, app: ScratchApp): Promise<string | undefined> {
  const url = new URL(check.http)
  try {
    const res = await fetch(`${server.origin}${url.pathname}${url.search}`, { method: check.method ?? 'GET', redirect: 'manual', signal: AbortSignal.timeout(check.timeout * 1000) })
    const reply: HttpReply = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
    const why = (check.judge ?? statusJudge)(reply)
    return why === undefined ? undefined : `${check.method ?? 'GET'} ${url.pathname}${url.search}: ${why}${await loggedError(app, server)}`
  } catch (e) {
    return `${check.method ?? 'GET'} ${url.pathname}${url.search}: ${(e as Error).message}`
  }
}

/** Runs every check against the base revision: the failure of each, or undefined when it passed. */
export async function runChecks(app: ScratchApp, server: BaseServer | undefined, checks: RollbackCheck[]): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>()
  for (const check of checks) {
    if (check.http !== undefined) {
      out.set(check.name, server ? await request({ ...check, http: check.http }, server, app) : 'no server')
    } else if (check.run !== undefined) {
      // --norc: Node's stdio is a socket, and bash then reads ~/.bashrc as if started by rshd.
      const r = await run('bash', ['--norc', '--noprofile', '-c', check.run], app.dir, app.env, check.timeout * 1000)
      out.set(check.name, r.code === 0 ? undefined : `${check.run}: exit ${r.code}\n${tail(r.output)}`)
    }
  }
  return out
}
