/**
 * Fault suite support: a lane is one deploy root on the shared sshd, reached through a TCP proxy that can cut
 * every connection, with its own database and its own copy of the fault app (`__tests__/fixtures/fault-app`).
 * Trials in a lane run one after the other, each starting from a healthy, unlocked host.
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SLIPWAY } from '../support/cli.js'
import { deployRoot, hostWrite, LAB_USER, type Lab } from '../support/lab.js'

/** The lock TTL the CLI runs with in this suite (env SLIPWAY_LOCK_TTL), seconds. */
export const TTL = 2

/** Which database the app migrates. */
export type Db = 'sqlite' | 'pgsql'

/** A TCP proxy to the lab's sshd; `cut()` resets every connection open through it (new ones still work). */
export interface Proxy {
  port: number
  cut(): void
  close(): void
}

/** Starts a proxy in front of 127.0.0.1:`target`. */
export async function startProxy(target: number): Promise<Proxy> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy() })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { port, cut: () => sockets.forEach((s) => s.resetAndDestroy()), close: () => { sockets.forEach((s) => s.destroy()); server.close() } }
}

/** One lane: a host root, its app source, its database, its proxy, and the migrations its live code ships. */
export interface Lane {
  name: string
  db: Db
  root: string
  app: string
  hold: string
  proxy: Proxy
  /** Migration numbers in the source, oldest first. */
  migrations: number[]
  next: number
  database: string
}

/** Adds migration `n` to the lane's source (a table of its own, dropped by its down file). */
export function addMigration(lane: Lane, n: number): void {
  const name = String(n).padStart(3, '0')
  writeFileSync(join(lane.app, 'db/up', `${name}.sql`), `CREATE TABLE t${name} (id INTEGER);\n`)
  writeFileSync(join(lane.app, 'db/down', `${name}.sql`), `DROP TABLE t${name};\n`)
  lane.migrations.push(n)
}

/** Removes migration `n` from the lane's source (the code goes back to what it was without it). */
export function dropMigration(lane: Lane, n: number): void {
  const name = String(n).padStart(3, '0')
  rmSync(join(lane.app, 'db/up', `${name}.sql`))
  rmSync(join(lane.app, 'db/down', `${name}.sql`))
  lane.migrations = lane.migrations.filter((m) => m !== n)
}

/** A fresh lane on `lab`: root, database, app with migration 1, spec through its own proxy. */
export async function startLane(lab: Lab, db: Db, name: string): Promise<Lane> {
  const root = deployRoot()
  const app = mkdtempSync(join(tmpdir(), 'slipway-fault-app-'))
  cpSync(join(process.cwd(), '__tests__/fixtures/fault-app'), app, { recursive: true })
  mkdirSync(join(app, 'db/up'))
  mkdirSync(join(app, 'db/down'))
  const hold = mkdtempSync(join(tmpdir(), 'slipway-fault-hold-'))
  execFileSync('chmod', ['755', hold])
  const database = db === 'sqlite' ? join(root, 'shared/app.db') : `slipway_faults_${process.pid}_${name}`
  if (db === 'sqlite') hostWrite(database, '')
  else execFileSync('psql', ['-X', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-c', `DROP DATABASE IF EXISTS ${database}`, '-c', `CREATE DATABASE ${database}`])
  writeFileSync(join(app, 'app.env'), `DB_KIND=${db}\nDB=${database}\nHOLD=${hold}\n`)
  const proxy = await startProxy(lab.port)
  const fingerprint = execFileSync('ssh-keygen', ['-lf', lab.knownHosts], { encoding: 'utf8' }).split(' ')[1]
  writeFileSync(join(app, 'slipway.yml'), `app: faults
path: ${root}
hosts:
  - { host: 127.0.0.1, port: ${proxy.port}, user: ${LAB_USER}, identity: ${lab.key}, host_key: "${fingerprint}" }
source: { exclude: [slipway.yml] }
build:
  - bash hold.sh build && touch built
migrate:
  step_back: auto
  commands:
    run: bash db/tool.sh up && bash hold.sh migrate
    status: bash db/tool.sh status
    step_back: bash db/tool.sh down {count}
activate:
  - bash hold.sh activate
smoke:
  - { name: health, run: "bash hold.sh smoke && bash check.sh", timeout: 20 }
rollback:
  confirm_within: 15
rollback_hooks:
  - bash hold.sh rollback-hook
`)
  const lane: Lane = { name, db, root, app, hold, proxy, migrations: [], next: 2, database }
  addMigration(lane, 1)
  return lane
}

/** Stops a lane's proxy and drops its PostgreSQL database. */
export function stopLane(lane: Lane): void {
  lane.proxy.close()
  if (lane.db === 'pgsql') execFileSync('psql', ['-X', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-c', `DROP DATABASE IF EXISTS ${lane.database} WITH (FORCE)`])
}

/** How a run is interrupted. */
export type Fault = 'SIGKILL' | 'SIGTERM' | 'SIGINT' | 'drop'

/** What a CLI run did. */
export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  out: string
  /** The fault was injected (its trigger line was seen). */
  fired: boolean
  /** Seconds from the fault to the exit. */
  exitAfter?: number
}

/**
 * Runs `slipway <args> --verbose` in the lane's app (env SLIPWAY_LOCK_TTL); with a fault, injects it when a line
 * of the output matches `trigger`, then lets a held step go 300 ms later. A run alive after 90 s is SIGKILLed.
 */
export function runCli(lane: Lane, args: string[], fault?: { kind: Fault; trigger: RegExp; held?: string }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn('node', [SLIPWAY, ...args, '--verbose'], { cwd: lane.app, env: { ...process.env, SLIPWAY_LOCK_TTL: String(TTL), GITHUB_ACTOR: 'faults' } })
    let out = ''
    let firedAt: number | undefined
    const guard = setTimeout(() => child.kill('SIGKILL'), 90000)
    const seen = (d: Buffer) => {
      out += d.toString()
      if (!fault || firedAt !== undefined || !out.split('\n').some((l) => fault.trigger.test(l))) return
      firedAt = Date.now()
      if (fault.kind === 'drop') lane.proxy.cut()
      else child.kill(fault.kind)
      if (fault.held) setTimeout(() => release(lane, fault.held!), 300)
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({ code, signal, out, fired: firedAt !== undefined, exitAfter: firedAt && (Date.now() - firedAt) / 1000 })
    })
  })
}

/** Holds step `step` of the app (its hook blocks until released). */
export function hold(lane: Lane, step: string): void {
  writeFileSync(join(lane.hold, step), '')
}

/** Lets a held step go on. */
export function release(lane: Lane, step: string): void {
  rmSync(join(lane.hold, step), { force: true })
}

const lockDir = (lane: Lane) => join(lane.root, '.slipway/lock')

/** Whether the deploy lock is held. */
export function locked(lane: Lane): boolean {
  return existsSync(lockDir(lane))
}

/** Seconds since the lock holder's last sign of life (heartbeat, else owner file, else the lock dir). */
function lockAge(lane: Lane): number {
  for (const f of ['heartbeat', 'owner.json', '.']) {
    try {
      return Date.now() / 1000 - statSync(join(lockDir(lane), f)).mtimeMs / 1000
    } catch {
      // not there (or released while we looked): the next sign of life, else none
    }
  }
  return Infinity
}

/**
 * Waits (at most 20 s) until the host has settled: the lock is free, or its holder has shown no sign of life
 * for longer than the TTL (the next operation takes it over). Says which. Free means free for a second: a lock
 * script still in flight when the run was killed runs on, and takes the lock a moment after the run is gone
 * (seen in the PostgreSQL lane: the next deploy then came within the 2 s TTL and was refused).
 */
export async function settle(lane: Lane): Promise<'free' | 'dead holder' | 'still held'> {
  for (let i = 0; i < 200; i++) {
    if (!locked(lane)) {
      await new Promise((r) => setTimeout(r, 1000))
      if (!locked(lane)) return 'free'
      continue
    }
    if (lockAge(lane) > TTL + 1.2) return 'dead holder'
    await new Promise((r) => setTimeout(r, 100))
  }
  return 'still held'
}

/** The live release id. */
export function current(lane: Lane): string {
  return readlinkSync(join(lane.root, 'current')).split('/')[1]
}

/** A release's record. */
export function record(lane: Lane, id: string): { id: string; state: string; note?: string } {
  return JSON.parse(readFileSync(join(lane.root, '.slipway/releases', `${id}.json`), 'utf8'))
}

/** Every release record, oldest first. */
export function records(lane: Lane): Array<{ id: string; state: string }> {
  return readdirSync(join(lane.root, '.slipway/releases')).sort().map((f) => record(lane, f.replace(/\.json$/, '')))
}

/** Runs the app's health check in `current`, as the host user: '' when healthy, else what it said. */
export function health(lane: Lane): string {
  try {
    execFileSync('runuser', ['-u', LAB_USER, '--', 'bash', '-c', 'cd "$1" && bash check.sh', '-', join(lane.root, 'current')], { encoding: 'utf8', stdio: 'pipe' })
    return ''
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || 'check failed'
  }
}

/** Whether release `id` ships migration `n`. */
export function ships(lane: Lane, id: string, n: number): boolean {
  return existsSync(join(lane.root, 'releases', id, 'db/up', `${String(n).padStart(3, '0')}.sql`))
}
