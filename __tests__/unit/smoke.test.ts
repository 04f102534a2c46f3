import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { judgeHttp, parseCurl, runSmoke } from '../../src/deploy/smoke.js'
import { operation } from '../../src/deploy/run.js'
import { parseSpec } from '../../src/spec/load.js'
import type { HttpCheck } from '../../src/spec/types.js'

const check = (extra: Partial<HttpCheck> = {}): HttpCheck => ({ name: 'c', http: 'http://x', from: 'runner', method: 'GET', status: 200, timeout: 2, retries: 0, deadline: 5, ...extra })

describe('judging responses', () => {
  test('status, body substring, header', () => {
    const r = { status: 200, headers: { 'x-release': 'abc' }, body: '{"ok":true}' }
    expect(judgeHttp(check({ contains: '"ok":true', header: 'X-Release: abc' }), r)).toBeUndefined()
    expect(judgeHttp(check({ status: 204 }), r)).toBe('expected status 204, got 200')
    expect(judgeHttp(check({ contains: 'nope' }), r)).toBe('body does not contain "nope"')
    expect(judgeHttp(check({ header: 'X-Other' }), r)).toBe('header X-Other is missing')
    expect(judgeHttp(check({ header: 'X-Release: zzz' }), r)).toBe('header X-Release is "abc", expected "zzz"')
  })
  test('parses curl -i output', () => {
    expect(parseCurl('HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ndown\nfor now')).toEqual({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'down\nfor now' })
  })
})

describe('HTTP checks from the runner against a real loopback server', () => {
  let server: Server
  let hits = 0
  let url = ''
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++
      if (req.url === '/flaky' && hits < 3) { res.writeHead(502); res.end('warming up'); return }
      res.writeHead(req.url === '/down' ? 500 : 200, { 'x-app': 'demo' })
      res.end(req.url === '/down' ? 'Whoops, something went wrong' : 'all good')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => { server.close() })

  const spec = (smoke: string) => parseSpec(`app: a\npath: /a\nhosts: [{ host: h, user: u }]\nknown_hosts: k\nsmoke:\n${smoke}`, 's.yml')

  test('retries with a growing wait until it passes', async () => {
    hits = 0
    const s = spec(`  - { name: flaky, http: "${url}/flaky", retries: 3, contains: good }\n`)
    const [r] = await runSmoke(operation({ spec: s }), [], s.smoke)
    expect(r).toEqual({ name: 'flaky', ok: true, attempts: 3, detail: 'HTTP 200' })
  })

  test('a failure carries the response tail', async () => {
    const s = spec(`  - { http: "${url}/down", retries: 1 }\n`)
    const [r] = await runSmoke(operation({ spec: s }), [], s.smoke)
    expect(r).toEqual({ name: `${url}/down`, ok: false, attempts: 2, detail: 'expected status 200, got 500; response: Whoops, something went wrong' })
  })
})
