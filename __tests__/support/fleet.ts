/**
 * Test support: a fleet of N hosts on loopback. Each host is its own sshd in its own mount namespace with its own
 * disk (so every host has its own deploy root at the same path), reached through a TCP proxy that can reset or
 * freeze its connections; a host can also be killed (its sshd and its sessions) and started again.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { HOSTS_MOUNT, LAB_USER, startLab, type Lab } from './lab.js'

/** A TCP proxy in front of one sshd. */
export interface FaultProxy {
  port: number
  /** Resets every connection through it (the host stays reachable for new ones). */
  cut(): void
  /** Stops forwarding in both directions, for open and new connections (a host that froze). */
  freeze(): void
  thaw(): void
  close(): void
}

/** One host of the fleet. */
export interface FleetHost {
  name: string
  lab: Lab
  proxy: FaultProxy
  /** The deploy root as this machine sees it (on the host's own disk). */
  root: string
}

/** A running fleet. */
export interface Fleet {
  hosts: FleetHost[]
  /** The deploy path in the spec: the same on every host, on each host's own disk. */
  path: string
  /** The `hosts:` and `known_hosts:` part of a spec (hosts named h01, h02, …). */
  yaml(): string
  /** Which release each host serves: an id, or `none` (printed, with `label`, when one is given). */
  serving(label?: string): string[]
  /** Which hosts have a deploy lock on disk. */
  locked(): string[]
  /** Kills a host's sshd and every session it serves. */
  kill(i: number): void
  /** Starts a killed host's sshd again (same keys, same disk, same port). */
  restart(i: number): void
  stop(): void
}

/** Starts a proxy to 127.0.0.1:`target`. */
export async function faultProxy(target: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>()
  let frozen = false
  const server: Server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => { client.destroy(); upstream.destroy() })
    }
    client.pipe(upstream).pipe(client)
    if (frozen) for (const s of [client, upstream]) s.pause() // after pipe(), which resumes its source
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    cut: () => sockets.forEach((s) => s.resetAndDestroy()),
    freeze: () => { frozen = true; sockets.forEach((s) => s.pause()) },
    thaw: () => { frozen = false; sockets.forEach((s) => s.resume()) },
    close: () => { sockets.forEach((s) => s.destroy()); server.close() }
  }
}

const script = join(process.cwd(), 'scripts/sshd-lab.sh')

/** Starts `n` hosts (h01…hNN), each with its own sshd, disk and proxy. */
export async function startFleet(n: number): Promise<Fleet> {
  const hosts = await Promise.all(Array.from({ length: n }, async (_, i): Promise<FleetHost> => {
    const lab = await startLab({ ownDisk: true })
    return { name: `h${String(i + 1).padStart(2, '0')}`, lab, proxy: await faultProxy(lab.port), root: join(lab.disk!, 'app') }
  }))
  const path = `${HOSTS_MOUNT}/app`
  const pid = (h: FleetHost) => readFileSync(join(h.lab.dir, 'sshd.pid'), 'utf8').trim()
  return {
    hosts,
    path,
    yaml: () => hostsPart(hosts),
    serving(label) {
      const now = hosts.map((h) => (existsSync(join(h.root, 'current')) ? readlinkSync(join(h.root, 'current')).replace('releases/', '') : 'none'))
      if (label) console.log(`${label}: ${hosts.map((h, i) => `${h.name}=${now[i]}`).join(' ')}`)
      return now
    },
    locked: () => hosts.filter((h) => existsSync(join(h.root, '.slipway/lock'))).map((h) => h.name),
    kill(i) {
      const master = pid(hosts[i])
      // The sshd and every process under it (its sessions and what they run), by id.
      const tree = execFileSync('bash', ['-c', 'down() { for c in $(pgrep -P "$1"); do echo "$c"; down "$c"; done; }; down "$1"', '_', master], { encoding: 'utf8' }).split('\n').filter(Boolean)
      execFileSync('kill', ['-KILL', master, ...tree])
    },
    restart(i) {
      const h = hosts[i]
      execFileSync('bash', [script, 'start', h.lab.dir, String(h.lab.port), LAB_USER, h.lab.disk!], { stdio: 'pipe', timeout: 30000 })
    },
    stop() {
      for (const h of hosts) {
        h.proxy.close()
        h.lab.stop()
      }
    }
  }
}

/** Hosts named h01… through their proxies, with known_hosts lines for the proxies' ports. */
function hostsPart(hosts: FleetHost[]): string {
  const keys = hosts.map((h) => `[127.0.0.1]:${h.proxy.port} ${readFileSync(h.lab.knownHosts, 'utf8').trim().split(' ').slice(1).join(' ')}`)
  return [
    'hosts:',
    ...hosts.map((h) => `  - { name: ${h.name}, host: 127.0.0.1, port: ${h.proxy.port}, user: ${LAB_USER}, identity: ${h.lab.key} }`),
    'known_hosts: |',
    ...keys.map((line) => `  ${line}`)
  ].join('\n')
}
