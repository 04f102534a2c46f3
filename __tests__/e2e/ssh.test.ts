/** SSH details on a real sshd: key types, passphrases, auth and connect failures, timeouts, secrets kept out of logs. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, readlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, freePort, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

function keygen(type: string, passphrase = ''): string {
  const file = join(lab.dir, `id_${type}_${passphrase ? 'enc' : 'plain'}`)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-f', file])
  appendFileSync(join(lab.dir, 'authorized_keys'), readFileSync(`${file}.pub`))
  return file
}

function specWith(root: string, identity: string, extra = '') {
  const app = appDir()
  return loadSpec(writeSpec(app, `app: k\npath: ${root}\n${hostsYaml([lab]).replace(lab.key, identity)}\n${extra}`))
}

describe('ssh', () => {
  test.each(['rsa', 'ecdsa', 'ed25519'])('deploys with an %s key', async (type) => {
    const root = deployRoot()
    const r = await deploy({ spec: specWith(root, keygen(type)) })
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${r.release}`)
  })

  test('an encrypted key works with SLIPWAY_SSH_PASSPHRASE and is refused (exit 2) without it', async () => {
    const key = keygen('ed25519', 'correct horse')
    const root = deployRoot()
    const without = await deploy({ spec: specWith(root, key) }).catch((e) => e)
    expect(without.exitCode).toBe(2)
    expect(without.message).toMatch(/cannot use the private key: .*SLIPWAY_SSH_PASSPHRASE/)
    process.env.SLIPWAY_SSH_PASSPHRASE = 'correct horse'
    try {
      const r = await deploy({ spec: specWith(root, key) })
      expect(readlinkSync(join(root, 'current'))).toBe(`releases/${r.release}`)
    } finally {
      delete process.env.SLIPWAY_SSH_PASSPHRASE
    }
  })

  test('a key the host does not accept is an auth error (exit 2), nothing touched', async () => {
    const stranger = join(lab.dir, 'stranger')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger])
    const root = deployRoot()
    const err = await deploy({ spec: specWith(root, stranger) }).catch((e) => e)
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe(`slipway@127.0.0.1:${lab.port}: authentication failed for user "slipway". Fix: add the deploy key's public half to ~slipway/.ssh/authorized_keys on the host, or check identity/SLIPWAY_SSH_KEY`)
    expect(existsSync(join(root, '.slipway'))).toBe(false)
  })

  test('a connect that fails before the handshake is retried twice, then reported', async () => {
    let attempts = 0
    const server = createServer((socket) => { attempts++; socket.destroy() })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const spec = specWith(deployRoot(), lab.key)
    spec.hosts[0] = { ...spec.hosts[0], port, name: `flaky:${port}` }
    spec.insecure_skip_host_key_check = true
    const err = await deploy({ spec }).catch((e) => e)
    server.close()
    expect(err.message).toMatch(new RegExp(`^flaky:${port}: cannot connect: `))
    expect(attempts).toBe(3)
  })

  test('a refused connect is reported with the reason', async () => {
    const port = await freePort()
    const spec = specWith(deployRoot(), lab.key)
    spec.hosts[0] = { ...spec.hosts[0], port, name: `dead:${port}` }
    const err = await deploy({ spec }).catch((e) => e)
    expect(err.exitCode).toBe(3)
    expect(err.message).toMatch(new RegExp(`^dead:${port}: cannot connect: .*ECONNREFUSED`))
  })

  test('a step that runs past timeouts.command is stopped and reported; current untouched', async () => {
    const root = deployRoot()
    const err = (await deploy({ spec: specWith(root, lab.key, 'timeouts: { command: 1 }\nbuild:\n  - sleep 30\n') }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toContain('step "build 1: sleep 30" failed with exit code 124\n--- last output ---\ntimed out after 1s')
    expect(existsSync(join(root, 'current'))).toBe(false)
    expect(JSON.parse(readFileSync(join(root, '.slipway/releases', `${err.result.release}.json`), 'utf8')).state).toBe('failed')
  })

  test('a step silent for longer than timeouts.idle is stopped', async () => {
    const root = deployRoot()
    const err = (await deploy({ spec: specWith(root, lab.key, 'timeouts: { idle: 1 }\nbuild:\n  - echo working; sleep 30\n') }).catch((e) => e)) as DeployError
    expect(err.message).toContain('step "build 1: echo working; sleep 30" failed with exit code 124\n--- last output ---\nworking\nno output for 1s (idle timeout)')
    expect(existsSync(join(root, 'current'))).toBe(false)
  })

  test('the key given in SLIPWAY_SSH_KEY never reaches the output', () => {
    const root = deployRoot()
    const app = appDir()
    writeSpec(app, `app: k\npath: ${root}\n${hostsYaml([lab]).replace(`, identity: ${lab.key}`, '')}\nbuild:\n  - env | sort\n`)
    const key = readFileSync(lab.key, 'utf8')
    const r = spawnSync('node', [join(process.cwd(), 'bin/slipway.js'), 'deploy', '--verbose'], { cwd: app, encoding: 'utf8', env: { ...process.env, SLIPWAY_SSH_KEY: key }, timeout: 60000 })
    expect(r.status).toBe(0)
    const body = key.split('\n')[2]
    expect(body.length).toBeGreaterThan(20)
    expect(r.stdout + r.stderr).not.toContain(body)
    expect(r.stdout).toContain('Deployed')
  })
})
