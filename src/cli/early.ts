/**
 * Connect first, load the rest meanwhile: once the spec is checked, the CLI starts every host's connection and
 * the SSH library, and only then loads the operation (rollback, releases, unlock), which compiles while the host
 * works on the key exchange and the login. The operation takes the connections through its `connect` option.
 */
import type { Connector } from '../deploy/session.js'
import type { Remote } from '../remote/types.js'
import type { HostSelection } from '../spec/select.js'
import type { HostSpec, Spec } from '../spec/types.js'

/**
 * Starts the connections, loads `load()` while they are under way, then runs `use` with the loaded module and a
 * connector that hands each host its connection; any connection `use` did not take is closed when it ends. With a
 * host selection, or more hosts than `max_connections`, nothing connects early: the operation picks and paces them.
 */
export async function connectedFirst<M, R>(spec: Spec, select: HostSelection | undefined, load: () => Promise<M>, use: (loaded: M, connect: Connector) => Promise<R>): Promise<R> {
  const [{ sshConnector }, { sshLibrary }] = await Promise.all([import('../deploy/session.js'), import('../remote/ssh.js')])
  const early = !select && spec.hosts.length <= (spec.max_connections ?? spec.hosts.length)
  const pending = new Map<HostSpec, Promise<Remote>>(early ? spec.hosts.map((h) => [h, sshConnector(h, spec)]) : [])
  // A failed connection is reported by the operation when it takes it (openSessions), not as an unhandled rejection.
  for (const p of pending.values()) p.catch(() => undefined)
  const connect: Connector = (host, s) => {
    const p = pending.get(host)
    pending.delete(host)
    return p ?? sshConnector(host, s)
  }
  try {
    // The library first: its handshake then runs while the operation's code compiles.
    if (spec.ssh !== 'openssh') await sshLibrary().catch(() => undefined)
    return await use(await load(), connect)
  } finally {
    await Promise.all([...pending.values()].map(async (p) => (await p.catch(() => undefined))?.close()))
  }
}
