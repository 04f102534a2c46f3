/**
 * The web side of bench/zero-downtime: PHP-FPM (Debian's php8.2-fpm) and nginx on 127.0.0.1 serving
 * `<root>/current/public` with `$realpath_root`, and wrk with count.lua as the load generator.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, LAB_USER, recordPid, recordPidFile, repo, work } from '../lib/lab.js'
import { sleep } from '../lib/proc.js'

/** PHP settings for the FPM master (-d): opcache on, no timestamp checks (releases are immutable), a big realpath cache. */
export const PHP_SETTINGS = [
  'opcache.enable=1',
  'opcache.validate_timestamps=0',
  'opcache.memory_consumption=128',
  'opcache.max_accelerated_files=20000',
  'realpath_cache_size=4096K',
  'realpath_cache_ttl=600'
]

/** A running FPM master (as the lab user, so the deploy user can reload it with kill -USR2). */
export interface Fpm { port: number; pidFile: string; stop(): void }

/** Starts php-fpm8.2 with one static pool on a free loopback port. */
export async function startFpm(name: string, processControlTimeout: string): Promise<Fpm> {
  const dir = join(work, name)
  mkdirSync(dir)
  execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, dir])
  const port = await freePort()
  const pidFile = join(dir, 'fpm.pid')
  const conf = join(dir, 'php-fpm.conf')
  writeFileSync(conf, [
    '[global]', `pid = ${pidFile}`, `error_log = ${join(dir, 'error.log')}`, 'daemonize = yes',
    `process_control_timeout = ${processControlTimeout}`, '',
    '[app]', `listen = 127.0.0.1:${port}`, 'listen.backlog = 511', 'pm = static', 'pm.max_children = 4',
    'catch_workers_output = yes', 'decorate_workers_output = no', ''
  ].join('\n'))
  execFileSync('runuser', ['-u', LAB_USER, '--', '/usr/sbin/php-fpm8.2', '--fpm-config', conf, ...PHP_SETTINGS.flatMap((s) => ['-d', s])], { stdio: 'pipe', timeout: 30_000 })
  await waitFor(() => Number(readFileSync(pidFile, 'utf8').trim()) || undefined)
  recordPidFile(name, pidFile)
  // A reload (USR2) re-executes the daemonized master under a new pid: read the pid file when stopping.
  return { port, pidFile, stop: () => { try { process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM') } catch { /* gone */ } } }
}

/** A running nginx. */
export interface Nginx { url: string; stop(): void }

/**
 * The server block that makes the switch seamless: each request resolves `current` once, via $realpath_root
 * (`docroot` passes $document_root instead, the unresolved path, for comparison).
 */
export function serverBlock(port: number, root: string, fpmPort: number, docroot = '$realpath_root'): string {
  return `  server {
    listen 127.0.0.1:${port};
    root ${root}/current/public;
    index index.php;
    location / { try_files $uri /index.php?$query_string; }
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME ${docroot}$fastcgi_script_name;
      fastcgi_param DOCUMENT_ROOT ${docroot};
      fastcgi_pass 127.0.0.1:${fpmPort};
    }
  }`
}

/** Starts nginx (master as root, one www-data worker) on a free loopback port in front of FPM. */
export async function startNginx(name: string, root: string, fpmPort: number, docroot?: string): Promise<Nginx> {
  const dir = join(work, name)
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  const port = await freePort()
  const pidFile = join(work, 'pids', `${name}.pid`)
  const temp = ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`).join('\n')
  writeFileSync(join(dir, 'nginx.conf'), `daemon on;\nuser www-data;\nworker_processes 1;\npid ${pidFile};\nerror_log ${dir}/error.log warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log off;\n${temp}\n${serverBlock(port, root, fpmPort, docroot)}\n}\n`)
  execFileSync('nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe', timeout: 30_000 })
  const pid = await waitFor(() => { try { return Number(readFileSync(pidFile, 'utf8').trim()) || undefined } catch { return undefined } })
  const url = `http://127.0.0.1:${port}`
  return { url, stop: () => { try { process.kill(pid, 'SIGQUIT') } catch { /* gone */ } } }
}

/** GET a URL until it answers 200 (or throws after ~10 s). */
export async function waitHealthy(url: string): Promise<string> {
  let last = ''
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) })
      last = `${r.status} ${await r.text()}`
      if (r.status === 200) return last
    } catch (e) { last = String(e) }
    await sleep(100)
  }
  throw new Error(`${url} did not answer 200: ${last}`)
}

/** wrk's tallies (from count.lua). */
export interface Tally {
  total: number
  byStatus: Map<string, number>
  byRelease: Map<string, number>
  /** Up to three bodies of non-2xx responses per wrk thread. */
  samples: string[]
  errors: { connect: number; read: number; write: number; timeout: number }
  raw: string
}

/** Starts wrk against `url` with count.lua; `stop()` sends SIGINT (wrk then prints its summary) and parses the counts. */
export function startLoad(name: string, url: string, connections: number): { stop(): Promise<Tally> } {
  const out = join(work, `${name}.out`)
  const fd = openSync(out, 'w')
  const child: ChildProcess = spawn('wrk', ['-t2', `-c${connections}`, '-d900s', '--timeout', '10s', '-s', join(repo, 'bench/zero-downtime/count.lua'), url], { stdio: ['ignore', fd, fd] })
  recordPid(name, child.pid)
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  return {
    async stop() {
      child.kill('SIGINT')
      await Promise.race([closed, sleep(15_000).then(() => child.kill('SIGKILL'))])
      await closed
      return parseTally(readFileSync(out, 'utf8'))
    }
  }
}

function parseTally(raw: string): Tally {
  /** By status code, plus "cut-short": 2xx answers whose body names no release. */
  const byStatus = new Map<string, number>()
  const byRelease = new Map<string, number>()
  for (const m of raw.matchAll(/^count (status|release) (\S+) (\d+)$/gm)) (m[1] === 'status' ? byStatus : byRelease).set(m[2], Number(m[3]))
  const e = raw.match(/^errors connect (\d+) read (\d+) write (\d+) timeout (\d+)/m)
  const total = Number(raw.match(/^total (\d+)$/m)?.[1] ?? NaN)
  if (!e || Number.isNaN(total)) throw new Error(`wrk printed no counts:\n${raw}`)
  const samples = [...raw.matchAll(/^sample (.*)$/gm)].map((m) => m[1])
  return { total, byStatus, byRelease, samples, errors: { connect: +e[1], read: +e[2], write: +e[3], timeout: +e[4] }, raw }
}

async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    try { const v = probe(); if (v !== undefined) return v } catch { /* not yet */ }
    await sleep(100)
  }
  throw new Error('timed out waiting for a pid file')
}
