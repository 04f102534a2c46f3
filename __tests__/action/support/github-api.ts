/**
 * A local HTTP server standing in for the GitHub REST API (GITHUB_API_URL): records every request and answers
 * the Deployments endpoints like GitHub does (deployment ids count up from 101; the list filters by sha and environment).
 */
import { createServer, type Server } from 'node:http'

/** One request as received. */
export interface ApiRequest {
  method: string
  /** Path and query, e.g. `/repos/o/r/deployments?environment=production`. */
  path: string
  body?: Record<string, unknown>
  authorization?: string
}

/** The fake API. */
export interface FakeApi {
  url: string
  requests: ApiRequest[]
  /** Deployments it knows (created ones are added). */
  deployments: Array<{ id: number; sha: string; environment: string }>
  /** Answer every request with this status instead (e.g. 403 for a token without permissions). */
  failWith?: number
  close(): Promise<void>
}

/** Starts the fake API on a free port on 127.0.0.1. */
export async function startApi(): Promise<FakeApi> {
  let next = 101
  let statusId = 1
  const api: FakeApi = { url: '', requests: [], deployments: [], close: () => new Promise((r) => server.close(() => r())) }
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (d: Buffer) => (text += d.toString()))
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined
      api.requests.push({ method: req.method ?? '', path: req.url ?? '', ...(body ? { body } : {}), authorization: req.headers.authorization })
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(data))
      }
      if (api.failWith) return send(api.failWith, { message: 'Resource not accessible by integration' })
      const url = new URL(req.url ?? '/', 'http://x')
      if (req.method === 'POST' && url.pathname === '/repos/o/r/deployments') {
        const d = { id: next++, sha: String(body?.ref), environment: String(body?.environment) }
        api.deployments.push(d)
        return send(201, d)
      }
      if (req.method === 'GET' && url.pathname === '/repos/o/r/deployments') {
        const found = api.deployments.filter((d) => d.sha === url.searchParams.get('sha') && d.environment === url.searchParams.get('environment')).reverse()
        return send(200, found.slice(0, Number(url.searchParams.get('per_page') ?? 30)))
      }
      const status = /^\/repos\/o\/r\/deployments\/(\d+)\/statuses$/.exec(url.pathname)
      if (req.method === 'POST' && status) return send(201, { id: statusId++, state: body?.state })
      send(404, { message: 'Not Found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return api
}
