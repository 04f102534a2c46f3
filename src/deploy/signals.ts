/** Cancelling an operation from process signals, the way CI cancels a job (GitHub: SIGINT, then SIGTERM 7.5 s later). */

/** The signals an operation listens to, and the exit code of the one that cancelled it (130 SIGINT, 143 SIGTERM). */
export interface Cancel {
  /** Aborted by the first signal: finish the round trip in flight, undo this run, release the lock. */
  signal: AbortSignal
  /** Aborted by the second: release the lock at once. */
  force: AbortSignal
  exitCode(): number | undefined
}

/** Listens to SIGINT and SIGTERM for the rest of the process; `say` tells the user what the first one does. */
export function cancelOnSignals(say: (message: string) => void): Cancel {
  const first = new AbortController()
  const second = new AbortController()
  let code: number | undefined
  for (const [name, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(name, () => {
      if (code !== undefined) return second.abort(name)
      code = exit
      say(`${name}: finishing the step in flight, then undoing this run and releasing the lock (a second signal: release the lock and stop at once)`)
      first.abort(name)
    })
  }
  return { signal: first.signal, force: second.signal, exitCode: () => code }
}
