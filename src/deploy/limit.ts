/** Bounded concurrency: `max_connections` hosts at a time, for connecting and for per-host round trips. */

/**
 * Runs `fn` on every item with at most `limit` calls in flight (each starts as soon as one finishes, in the items'
 * order) and settles like `Promise.allSettled`: every call runs, whatever the others do.
 */
export async function settleLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<Array<PromiseSettledResult<R>>> {
  const results = new Array<PromiseSettledResult<R>>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length))
  await Promise.all(Array.from({ length: width }, worker))
  return results
}
