/** The one narrow interface between the engine and a host. */
import type { Readable } from 'node:stream'

/** What came back from one remote command. */
export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

/** Options for one remote command. */
export interface ExecOptions {
  /** Data for the command's standard input (a tar stream for uploads). */
  stdin?: Readable | string
  /** Called for each complete output line as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Total time limit, ms. */
  timeoutMs?: number
  /** Time limit without any output, ms. */
  idleMs?: number
}

/** A connected host. */
export interface Remote {
  /** Label for logs and errors. */
  readonly name: string
  /** Why the connection broke (a reset, a keepalive timeout, the host closing it), once it has; else undefined. */
  readonly lost?: string
  /** Runs one command line (as given to the login shell) and resolves with its exit code and output. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>
}
