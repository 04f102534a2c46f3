/** A TCP proxy on 127.0.0.1 that counts the bytes going each way (for what a client sends over SSH). */
import { connect, createServer, type Socket } from 'node:net'

/** A running proxy; `up` is client→server bytes, `down` server→client, since the last `reset()`. */
export interface CountingProxy {
  port: number
  up: number
  down: number
  reset(): void
  close(): Promise<void>
}

/** Starts a proxy on a free loopback port in front of 127.0.0.1:`targetPort`. */
export function countingProxy(targetPort: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>()
  const proxy: CountingProxy = {
    port: 0,
    up: 0,
    down: 0,
    reset() { proxy.up = 0; proxy.down = 0 },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()) })
  }
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => { client.destroy(); upstream.destroy() }) }
    client.on('data', (d: Buffer) => { proxy.up += d.length })
    upstream.on('data', (d: Buffer) => { proxy.down += d.length })
    client.pipe(upstream)
    upstream.pipe(client)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      proxy.port = (server.address() as { port: number }).port
      resolve(proxy)
    })
  })
}
