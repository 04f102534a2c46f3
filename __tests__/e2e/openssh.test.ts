/**
 * The OpenSSH transport (ssh: openssh) and jump hosts (proxy_jump) on real sshd: a deploy and a rollback over one
 * ControlMaster connection, OpenSSH certificates (a user certificate and an @cert-authority host CA, which the
 * built-in ssh2 transport cannot use), and a bastion hop with both transports.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { rollback } from '../../src/deploy/rollback.js'
import { silentReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, freePort, hostsYaml, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
let bastion: Lab
let certLab: Lab
beforeAll(async () => {
  [lab, bastion, certLab] = await Promise.all([startLab(), startLab(), startLab()])
  withCertificates(certLab)
})
afterAll(() => { lab.stop(); bastion.stop(); certLab.stop() })

const current = (root: string) => readlinkSync(join(root, 'current'))
const accepted = (l: Lab) => (readFileSync(join(l.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? []).length

function spec(root: string, hosts: string, extra = '') {
  return loadSpec(writeSpec(appDir(), `app: shop\npath: ${root}\n${hosts}\n${extra}`))
}

/** Restarts a lab's sshd with extra config lines. */
function restart(l: Lab, lines: string[]): void {
  const pid = readFileSync(join(l.dir, 'sshd.pid'), 'utf8').trim()
  execFileSync('kill', [pid])
  appendFileSync(join(l.dir, 'sshd_config'), `${lines.join('\n')}\n`)
  for (let i = 0; i < 100 && existsSync(join(l.dir, 'sshd.pid')); i++) execFileSync('sleep', ['0.05'])
  execFileSync('/usr/sbin/sshd', ['-f', join(l.dir, 'sshd_config'), '-E', join(l.dir, 'sshd.log')])
  for (let i = 0; i < 100 && !existsSync(join(l.dir, 'sshd.pid')); i++) execFileSync('sleep', ['0.05'])
}

/** A user CA and a host CA: the host presents a certificate, accepts only CA-signed user keys, no authorized_keys. */
function withCertificates(l: Lab): void {
  const d = l.dir
  for (const ca of ['user_ca', 'host_ca']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(d, ca)])
  execFileSync('ssh-keygen', ['-q', '-s', join(d, 'host_ca'), '-I', 'lab-host', '-h', '-n', '127.0.0.1', '-V', '-5m:+1h', join(d, 'host_ed25519.pub')])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(d, 'ci')])
  execFileSync('ssh-keygen', ['-q', '-s', join(d, 'user_ca'), '-I', 'ci-run-42', '-n', LAB_USER, '-V', '-5m:+10m', join(d, 'ci.pub')])
  writeFileSync(join(d, 'authorized_keys'), '')
  restart(l, [`TrustedUserCAKeys ${join(d, 'user_ca.pub')}`, `HostCertificate ${join(d, 'host_ed25519-cert.pub')}`])
}

describe('ssh: openssh', () => {
  test('deploys and rolls back, each operation over one authenticated connection', async () => {
    const root = deployRoot()
    const s = () => spec(root, hostsYaml([lab]), 'ssh: openssh\nbuild:\n  - echo built > built.txt\n')
    const before = accepted(lab)
    const first = await deploy({ spec: s(), now: () => new Date('2026-03-01T10:00:00Z') })
    expect(accepted(lab) - before).toBe(1)
    const second = await deploy({ spec: s(), now: () => new Date('2026-03-01T10:00:01Z') })
    expect(current(root)).toBe(`releases/${second.release}`)
    expect(readFileSync(join(root, 'current/built.txt'), 'utf8')).toBe('built\n')
    const back = await rollback({ spec: s() })
    expect(back.release).toBe(first.release)
    expect(current(root)).toBe(`releases/${first.release}`)
    expect(accepted(lab) - before).toBe(3)
  })

  test('a short-lived user certificate and a host CA: openssh deploys; the node transport is refused, nothing touched', async () => {
    const caLine = `@cert-authority [127.0.0.1]:${certLab.port} ${readFileSync(join(certLab.dir, 'host_ca.pub'), 'utf8').trim()}`
    const hosts = `hosts:\n  - { host: 127.0.0.1, port: ${certLab.port}, user: ${LAB_USER} }\nknown_hosts: "${caLine}"`
    process.env.SLIPWAY_SSH_KEY = readFileSync(join(certLab.dir, 'ci'), 'utf8')
    process.env.SLIPWAY_SSH_CERT = readFileSync(join(certLab.dir, 'ci-cert.pub'), 'utf8')
    try {
      const root = deployRoot()
      const refused = await deploy({ spec: spec(root, hosts) }).catch((e) => e)
      expect(refused.exitCode).toBe(2)
      expect(refused.message).toMatch(/unknown host key for \[127\.0\.0\.1\]:\d+/)
      expect(existsSync(join(root, '.slipway'))).toBe(false)
      // While the deploy runs (a build line arrives), the key and certificate copies are already gone.
      const copies: string[] = []
      const reporter = { ...silentReporter, line: () => { copies.push(execFileSync('bash', ['-c', 'ls /tmp/slipway-ssh-*/id* 2>/dev/null || true'], { encoding: 'utf8' }).trim()) } }
      const r = await deploy({ spec: spec(root, hosts, 'ssh: openssh\nbuild:\n  - echo probe'), reporter })
      expect(current(root)).toBe(`releases/${r.release}`)
      expect(copies.length).toBeGreaterThan(0)
      expect(copies.filter(Boolean)).toEqual([])
      delete process.env.SLIPWAY_SSH_CERT
      const noCert = await deploy({ spec: spec(root, hosts, 'ssh: openssh') }).catch((e) => e)
      expect(noCert.exitCode).toBe(2)
      expect(noCert.message).toMatch(/authentication failed for user "slipway": .*Permission denied/)
    } finally {
      delete process.env.SLIPWAY_SSH_KEY
      delete process.env.SLIPWAY_SSH_CERT
    }
  })

  test('host_key pins are refused with openssh, naming the key and the fix', () => {
    const hosts = `hosts:\n  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER}, host_key: "SHA256:${'A'.repeat(43)}" }`
    expect(() => spec(deployRoot(), hosts, 'ssh: openssh')).toThrow(/hosts\[0\]\.host_key: host_key pins work with ssh: node only.*Fix: put the host's key/s)
  })
})

describe('proxy_jump', () => {
  /** The target's and the bastion's host keys, and the target reached through the bastion. */
  function jumpHosts(jump: string): string {
    const known = [lab, bastion].map((l) => readFileSync(l.knownHosts, 'utf8').trim()).join('\n')
    return `hosts:\n  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER}, identity: ${lab.key}, proxy_jump: "${jump}" }\nknown_hosts: |\n${known.split('\n').map((l) => `  ${l}`).join('\n')}`
  }

  beforeAll(() => { appendFileSync(join(bastion.dir, 'authorized_keys'), readFileSync(`${lab.key}.pub`)) })

  test.each(['node', 'openssh'])('deploys through a bastion (%s transport): the bastion authenticates the hop', async (transport) => {
    const root = deployRoot()
    const [hop, target] = [accepted(bastion), accepted(lab)]
    const r = await deploy({ spec: spec(root, jumpHosts(`${LAB_USER}@127.0.0.1:${bastion.port}`), `ssh: ${transport}`) })
    expect(current(root)).toBe(`releases/${r.release}`)
    expect(accepted(bastion) - hop).toBe(1)
    expect(accepted(lab) - target).toBe(1)
  })

  test.each(['node', 'openssh'])('a bastion that cannot be reached is named in the error (%s)', async (transport) => {
    const port = await freePort()
    const root = deployRoot()
    const err = await deploy({ spec: spec(root, jumpHosts(`127.0.0.1:${port}`), `ssh: ${transport}\ntimeouts: { connect: 3 }`) }).catch((e) => e)
    expect(err.message).toMatch(transport === 'node' ? new RegExp(`jump host 127\\.0\\.0\\.1:${port}.*ECONNREFUSED`) : new RegExp(`cannot connect \\(via 127\\.0\\.0\\.1:${port}\\)`))
    expect(existsSync(join(root, '.slipway'))).toBe(false)
  })
})
