/** Test support: a real OpenSSH sshd on 127.0.0.1 (scripts/sshd-lab.sh) and deploy roots on it. */
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const LAB_USER = 'slipway'
const script = join(process.cwd(), 'scripts/sshd-lab.sh')

/** A running sshd and its keys. */
export interface Lab {
  dir: string
  port: number
  key: string
  knownHosts: string
  /** With `ownDisk`: the local directory this host sees at {@link HOSTS_MOUNT}. */
  disk?: string
  stop(): void
}

/** Where a lab started with `ownDisk` mounts its private directory (in its own mount namespace). */
export const HOSTS_MOUNT = '/srv/slipway-hosts'

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

/** Starts a throwaway sshd on a free loopback port. */
export async function startLab(options: { ownDisk?: boolean } = {}): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-sshd-'))
  const disk = options.ownDisk ? mkdtempSync(join(tmpdir(), 'slipway-disk-')) : undefined
  const port = await freePort()
  await promisify(execFile)('bash', [script, 'start', dir, String(port), LAB_USER, ...(disk ? [disk] : [])], { timeout: 30000 })
  return {
    dir,
    disk,
    port,
    key: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    stop() {
      execFileSync('bash', [script, 'stop', dir], { stdio: 'pipe', timeout: 10000 })
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A fresh deploy root owned by the lab user (the "remote" side of a test). */
export function deployRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'slipway-root-'))
  execFileSync('chown', [`${LAB_USER}:${LAB_USER}`, root])
  return root
}

/** A small app directory (the "local" side of a test). */
export function appDir(files: Record<string, string> = { 'index.html': 'v1\n', 'VERSION': '1\n' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-app-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

/** Writes a file as the lab user would own it on the host. */
export function hostWrite(path: string, text: string): void {
  const created = mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  execFileSync('chown', ['-R', `${LAB_USER}:${LAB_USER}`, created ?? join(path, '..'), path])
}

/** Reads a text file on the host. */
export function hostRead(path: string): string {
  return readFileSync(path, 'utf8')
}

/** Writes a spec file next to the app and returns its path. */
export function writeSpec(dir: string, yaml: string, name = 'slipway.yml'): string {
  const file = join(dir, name)
  writeFileSync(file, yaml)
  return file
}

/** The hosts + known_hosts part of a spec for one or more labs. */
export function hostsYaml(labs: Lab[]): string {
  const knownHosts = labs.map((l) => readFileSync(l.knownHosts, 'utf8').trim()).join('\n')
  return [
    'hosts:',
    ...labs.map((l) => `  - { host: 127.0.0.1, port: ${l.port}, user: ${LAB_USER}, identity: ${l.key} }`),
    'known_hosts: |',
    ...knownHosts.split('\n').map((line) => `  ${line}`)
  ].join('\n')
}
