/**
 * The benches' machine: a throwaway sshd (scripts/sshd-lab.sh, LogLevel VERBOSE) on 127.0.0.1, the Laravel
 * fixture as a deploy source, deploy roots owned by the lab user, and a snapshot of the Slipway CLI.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

/** The lab user both tools log in as. */
export const LAB_USER = 'slipway'

/** The repository root (the benches run from it). */
export const repo = process.cwd()
if (!existsSync(join(repo, 'scripts/sshd-lab.sh'))) throw new Error('run the benches from the repository root (bench/*/run.sh does)')

/** The work dir made by bench/lib/common.sh (removed by it on exit). */
export const work = process.env.BENCH_WORK ?? ''
if (!work) throw new Error('BENCH_WORK is not set: start the bench with its run.sh')

/** A running lab sshd. */
export interface Lab {
  dir: string
  port: number
  key: string
  knownHosts: string
  /** sshd's own log (LogLevel VERBOSE). */
  log: string
  /** The host key, "type base64", for known_hosts lines on other ports (a proxy). */
  hostKey: string
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Starts the lab sshd in `<work>/sshd` (common.sh stops it). */
export async function startLab(): Promise<Lab> {
  const dir = join(work, 'sshd')
  const port = await freePort()
  execFileSync('bash', [join(repo, 'scripts/sshd-lab.sh'), 'start', dir, String(port), LAB_USER], { stdio: 'pipe', timeout: 30_000 })
  const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ')
  return { dir, port, key: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts'), log: join(dir, 'sshd.log'), hostKey }
}

/** What sshd logged for a span of time: logins and command sessions (exec, subsystem, shell). */
export interface SshdCount {
  connections: number
  sessions: number
}

/** Where sshd's log ends now; pass it to {@link sshdCount} after the operation. */
export const sshdMark = (lab: Lab) => statSync(lab.log).size

/** Counts "Accepted publickey" (one per SSH connection) and "Starting session:" (one per exec/subsystem channel) since `mark`. */
export function sshdCount(lab: Lab, mark: number): SshdCount {
  const text = readFileSync(lab.log).subarray(mark).toString('utf8')
  return { connections: (text.match(/^Accepted publickey for /gm) ?? []).length, sessions: (text.match(/^Starting session: /gm) ?? []).length }
}

/** A fresh copy of the Laravel fixture app in the work dir. */
export function laravelSource(name: string): string {
  const dir = join(work, name)
  cpSync(join(repo, '__tests__/fixtures/laravel-app'), dir, { recursive: true })
  return dir
}

/**
 * A deploy root owned by the lab user, ready for either tool: shared/.env pointing at a sqlite database in
 * shared/, and shared/storage seeded from the fixture (so neither tool seeds it during a timed run).
 */
export function deployRoot(name: string, source: string): string {
  const root = join(work, name)
  mkdirSync(join(root, 'shared'), { recursive: true })
  const db = join(root, 'shared/database.sqlite')
  writeFileSync(db, '')
  writeFileSync(join(root, 'shared/.env'), ['APP_ENV=production', 'APP_DEBUG=false', 'LOG_CHANNEL=stderr', 'CACHE_DRIVER=file', 'DB_CONNECTION=sqlite', `DB_DATABASE=${db}`, ''].join('\n'))
  cpSync(join(source, 'storage'), join(root, 'shared/storage'), { recursive: true })
  execFileSync('chown', ['-R', `${LAB_USER}:${LAB_USER}`, root])
  return root
}

/** Removes a deploy root (as root: releases are owned by the lab user). */
export function removeRoot(root: string): void {
  execFileSync('rm', ['-rf', root])
}

/**
 * Copies bin/ and dist/ into the work dir so that a rebuild of dist/ by someone else mid-run cannot
 * mix two bundles (waits for dist/ to be quiet for 3 s first); returns the CLI entry and the bundle's time.
 */
export async function snapshotCli(): Promise<{ bin: string; built: string }> {
  const dist = join(repo, 'dist')
  const quiet = () => existsSync(join(dist, 'cli.js')) && readdirSync(dist).every((f) => Date.now() - statSync(join(dist, f)).mtimeMs > 3000)
  for (let i = 0; i < 60 && !quiet(); i++) await new Promise((r) => setTimeout(r, 1000))
  if (!quiet()) throw new Error('dist/ kept changing for a minute (someone is bundling?); try again')
  const dir = join(work, 'cli')
  cpSync(join(repo, 'bin'), join(dir, 'bin'), { recursive: true })
  cpSync(dist, join(dir, 'dist'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  return { bin: join(dir, 'bin/slipway.js'), built: statSync(join(dist, 'cli.js')).mtime.toISOString().slice(0, 19).replace('T', ' ') + ' UTC' }
}

/** The hosts + known_hosts part of a Slipway spec for one sshd (or a proxy in front of it). */
export function hostsYaml(lab: Lab, port = lab.port): string {
  return [
    'hosts:',
    `  - { host: 127.0.0.1, port: ${port}, user: ${LAB_USER}, identity: ${lab.key} }`,
    'known_hosts: |',
    `  [127.0.0.1]:${port} ${lab.hostKey}`
  ].join('\n')
}

/** OpenSSH's `ssh host true` to a lab, as arguments of `ssh`: the floor of one connection with one command. */
export function sshTrue(lab: Lab): string[] {
  return ['-i', lab.key, '-p', String(lab.port), '-o', `UserKnownHostsFile=${lab.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${LAB_USER}@127.0.0.1`, 'true']
}

/** Records a pid for common.sh to stop on exit. */
export function recordPid(name: string, pid: number | undefined): void {
  if (pid) writeFileSync(join(work, 'pids', `${name}.pid`), String(pid))
}

/** Records a daemon's own pid file (for daemons whose pid changes, like php-fpm on reload) for common.sh. */
export function recordPidFile(name: string, pidFile: string): void {
  writeFileSync(join(work, 'pids', `${name}.pidfile`), pidFile)
}
