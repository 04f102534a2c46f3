/**
 * A dropped connection in the middle of a deploy (a TCP proxy between the runner and a real sshd resets both
 * sides): the run ends with a report instead of crashing; it connects once more to record the failure and release
 * its lock, so the next deploy needs no person.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import type { Reporter } from '../../src/reporter.js'
import { silentReporter } from '../../src/reporter.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, freePort, hostWrite, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

/** A TCP proxy to the lab's sshd whose `cut()` resets every connection through it. */
async function proxy(): Promise<{ port: number; cut(): void; close(): void }> {
  const port = await freePort()
  const sockets: Socket[] = []
  const server = createServer((client) => {
    const upstream = createConnection(lab.port, '127.0.0.1')
    for (const s of [client, upstream]) s.on('error', () => undefined)
    client.pipe(upstream).pipe(client)
    sockets.push(client, upstream)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { port, cut: () => sockets.forEach((s) => s.resetAndDestroy()), close: () => server.close() }
}

describe('a dropped connection', () => {
  test('mid-build: a report, not a crash; the next deploy takes over, repairs and deploys', async () => {
    const p = await proxy()
    const root = deployRoot()
    const app = appDir({ 'index.html': 'v1\n' })
    const fingerprint = execFileSync('ssh-keygen', ['-lf', lab.knownHosts], { encoding: 'utf8' }).split(' ')[1]
    const file = writeSpec(app, [`app: shop`, `path: ${root}`, 'hosts:', `  - { host: 127.0.0.1, port: ${p.port}, user: ${LAB_USER}, identity: ${lab.key}, host_key: "${fingerprint}" }`, 'source:', '  exclude: [slipway.yml, slow]', 'build:', '  - if [ -f slow ]; then echo slow build; sleep 5; fi', ''].join('\n'))
    const spec = () => ({ ...loadSpec(file), build: [`if [ -f ${join(app, 'slow')} ]; then echo slow build; sleep 5; fi`] })
    const v1 = await deploy({ spec: spec() })

    hostWrite(join(app, 'slow'), '')
    const cutting: Reporter = { ...silentReporter, line: (_host, text) => { if (text === 'slow build') p.cut() } }
    const err = (await deploy({ spec: spec(), reporter: cutting }).catch((e) => e)) as DeployError
    expect(err).toBeInstanceOf(DeployError)
    expect(err.message).toMatch(/failed before the switch|undoing it did NOT complete/)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v1.release}`)
    // The run connected once more, recorded the failure and released its lock: nothing is left for the next run.
    expect(err.result.ledger[0].error).toMatch(/connection lost \(.*\), reconnected before the failure was recorded/)
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)

    execFileSync('rm', ['-f', join(app, 'slow')])
    const v3 = await deploy({ spec: spec() })
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v3.release}`)
    const interrupted = JSON.parse(readFileSync(join(root, '.slipway/releases', `${err.result.release}.json`), 'utf8'))
    expect(interrupted.state).toBe('failed')
    p.close()
  })
})
