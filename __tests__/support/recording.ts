/** A connector for tests that records what each host was sent, phase by phase, while it goes to the real host. */
import { PassThrough, type Readable } from 'node:stream'
import { sshConnector, type Connector } from '../../src/deploy/session.js'
import { splitPhases } from '../../src/remote/recorder.js'

/** A connector that sends everything to the real host and keeps a copy of each phase's script, per host. */
export function recording(): { connect: Connector; sent: Map<string, string[]> } {
  const sent = new Map<string, string[]>()
  const connect: Connector = async (host, spec) => {
    const remote = await sshConnector(host, spec)
    const scripts: string[] = []
    sent.set(host.name, scripts)
    return {
      name: remote.name,
      close: () => remote.close(),
      exec: (command, options = {}) => {
        const copy = new PassThrough()
        const out = new PassThrough()
        const stdin = options.stdin as Readable
        stdin.pipe(copy)
        stdin.pipe(out)
        // The lock's heartbeat runs on a timer, beside the plan: not part of it.
        void splitPhases(copy, (p) => { if (!p.script.includes('step:heartbeat')) scripts.push(p.script) })
        return remote.exec(command, { ...options, stdin: out })
      }
    }
  }
  return { connect, sent }
}
