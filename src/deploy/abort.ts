/** Racing work against an AbortSignal: one place for the forced stop and the cancel's time limit. */

/**
 * `work`, unless `signal` aborts first: then the result rejects with the error `stop()` gives (awaited) and `work`
 * is abandoned (its later failure is ignored).
 */
export async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal, stop: () => Error | Promise<Error>): Promise<T> {
  work.catch(() => undefined)
  let onAbort = () => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => void Promise.resolve().then(stop).then(reject, reject)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
