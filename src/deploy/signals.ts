/** Cancelling an operation from process signals, the way CI cancels a job (GitHub: SIGINT, then SIGTERM 7.5 s later). */

/** The signals an operation listens to, and the exit code of the one that cancelled it (130 SIGINT, 143 SIGTERM). */
export interface Cancel {
  /** Aborted by the first signal: finish the round trip in flight, undo this run, release the lock. */
  signal: AbortSignal
  /** Aborted by the second: release the lock at once. */
  force: AbortSignal
  /**
   * Aborted {@link LATE} s after the first: stop following the undo (a host job, which the host finishes and which
   * releases the lock) and exit, within GitHub's grace.
   */
  late: AbortSignal
  exitCode(): number | undefined
}

/** Seconds after the first signal when the run stops following its undo and leaves it to the host (GitHub's grace is 7.5 s). */
export const LATE = 5

/** Listens to SIGINT and SIGTERM for the rest of the process; `say` tells the user what the first one does. */
export function cancelOnSignals(say: (message: string) => void): Cancel {
  const first = new AbortController()
  const second = new AbortController()
  const late = new AbortController()
  let code: number | undefined
  for (const [name, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(name, () => {
      if (code !== undefined) return second.abort(name)
      code = exit
      say(`${name}: finishing the step in flight, then undoing this run and releasing the lock (a second signal: release the lock and stop at once)`)
      first.abort(name)
      setTimeout(() => late.abort(name), LATE * 1000).unref()
    })
  }
  return { signal: first.signal, force: second.signal, late: late.signal, exitCode: () => code }
}
