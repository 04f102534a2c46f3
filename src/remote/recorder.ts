/**
 * A Remote that connects nowhere and records the phases sent to it, answering each with exit 0 and no
 * data: what `--dry-run` runs the real pipeline against, so the plan printed is the plan executed.
 * The same splitter lets a test record what a real host was sent.
 */
import type { Readable } from 'node:stream'
import { firstPhase } from './script.js'
import type { ExecOptions, ExecResult, Remote } from './types.js'

/** One phase as the host received it: its script, and whether an upload followed it. */
export interface RecordedPhase {
  script: string
  upload: boolean
}

/** Splits a channel's stdin into phases; calls `onPhase` with each (and its marker) as it completes. */
export function splitPhases(stdin: Readable, onPhase: (phase: RecordedPhase, marker: string) => void): Promise<void> {
  let text = ''
  let inUpload = false
  return new Promise((resolve, reject) => {
    stdin.on('data', (chunk: Buffer | string) => {
      if (inUpload) return
      text += chunk.toString()
      for (let p = firstPhase(text); p && !inUpload; p = firstPhase(text)) {
        text = text.slice(p.script.length)
        inUpload = p.readsStdin
        onPhase({ script: p.script, upload: inUpload }, p.marker)
      }
    })
    stdin.on('end', () => resolve())
    stdin.on('error', reject)
  })
}

/** A host that records what it is sent. */
export class RecordingRemote implements Remote {
  readonly phases: RecordedPhase[] = []
  constructor(readonly name: string) {}

  async exec(_command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = options.stdin
    if (stdin === undefined || typeof stdin === 'string') throw new Error('the recorder expects scripts on a stream')
    await splitPhases(stdin, (phase, marker) => {
      this.phases.push(phase)
      setImmediate(() => options.onLine?.(`${marker}end:0`, 'stdout'))
    })
    // As a host does: the last phase's end line comes before the channel closes (an upload's stdin can end in the
    // same tick as its script arrives).
    await new Promise((r) => setImmediate(r))
    return { code: 0, stdout: '', stderr: '' }
  }

  async close(): Promise<void> {}
}
