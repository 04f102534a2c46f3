/** Smoke checks from the host (curl) and on the host (commands), and rollback.on_smoke_failure: false. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { deploy, DeployError } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
let server: Server
let url = ''
beforeAll(async () => {
  lab = await startLab()
  server = createServer((req, res) => {
    res.writeHead(req.url === '/ok' ? 200 : 503, { 'x-served-by': 'loopback' })
    res.end(req.url === '/ok' ? 'fine' : 'maintenance')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => { lab.stop(); server.close() })

const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8'))

describe('smoke checks on a real sshd', () => {
  test('from the host with curl, and commands in the new current, on every host', async () => {
    const root = deployRoot()
    const app = appDir()
    const spec = (smoke: string) => loadSpec(writeSpec(app, `app: s\npath: ${root}\n${hostsYaml([lab])}\nsmoke:\n${smoke}`))
    const ok = await deploy({ spec: spec(`  - { name: internal, http: "${url}/ok", from: host, contains: fine, header: "X-Served-By: loopback" }\n  - { name: files, run: "test -f index.html && cat VERSION" }\n`) })
    expect(ok.smoke).toEqual([
      { name: 'internal', host: `slipway@127.0.0.1:${lab.port}`, ok: true, attempts: 1, detail: 'HTTP 200' },
      { name: 'files', host: `slipway@127.0.0.1:${lab.port}`, ok: true, attempts: 1, detail: 'exit 0' }
    ])
    expect(record(root, ok.release).state).toBe('healthy')

    writeFileSync(join(app, 'index.html'), 'v2\n')
    const err = (await deploy({ spec: spec(`  - { name: internal, http: "${url}/down", from: host, retries: 1, deadline: 5 }\n`) }).catch((e) => e)) as DeployError
    expect(err.result.smoke).toEqual([{ name: 'internal', host: `slipway@127.0.0.1:${lab.port}`, ok: false, attempts: 2, detail: 'expected status 200, got 503; response: maintenance' }])
    expect(err.result.rolledBack).toBe(true)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${ok.release}`)
  })

  test('with rollback.on_smoke_failure: false a failing check leaves the release live, recorded, and exits 1', async () => {
    const root = deployRoot()
    const app = appDir()
    const spec = loadSpec(writeSpec(app, `app: s\npath: ${root}\n${hostsYaml([lab])}\nrollback: { on_smoke_failure: false }\nsmoke:\n  - { name: flaky, run: "echo queue stuck >&2; exit 4" }\n`))
    const err = (await deploy({ spec }).catch((e) => e)) as DeployError
    expect(err.exitCode).toBe(1)
    expect(err.message).toContain('is live but its smoke check failed: flaky on')
    expect(err.message).toContain('exit 4: queue stuck')
    expect(err.result.rolledBack).toBe(false)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${err.result.release}`)
    expect(record(root, err.result.release)).toMatchObject({ state: 'live', note: expect.stringContaining('smoke check failed') })
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
  })

  test('copy_from_previous seeds build caches from the live release (a copy: the old release never changes)', async () => {
    const root = deployRoot()
    const app = appDir()
    const spec = () => loadSpec(writeSpec(app, `app: s\npath: ${root}\n${hostsYaml([lab])}\ncopy_from_previous: [node_modules]\nsource: { exclude: [slipway.yml] }\nbuild:\n  - "if [ -f node_modules/cache.txt ]; then echo reused >> node_modules/cache.txt; else mkdir -p node_modules && echo fresh > node_modules/cache.txt; fi"\n`))
    const a = await deploy({ spec: spec() })
    const b = await deploy({ spec: spec() })
    expect(readFileSync(join(root, 'releases', b.release, 'node_modules/cache.txt'), 'utf8')).toBe('fresh\nreused\n')
    expect(readFileSync(join(root, 'releases', a.release, 'node_modules/cache.txt'), 'utf8')).toBe('fresh\n')
  })
})
