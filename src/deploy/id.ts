/** Release ids: UTC YYYYMMDDHHMMSS, with a .NN suffix when that second (or a later one) is taken. */

/** The id for a deploy at `now` that sorts after every id in `existing`. */
export function nextReleaseId(now: Date, existing: string[]): string {
  const base = now.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  const newest = [...existing].sort().pop()
  if (!newest || newest < base) return base
  const [prefix, suffix] = newest.split('.')
  const n = Number(suffix ?? 0) + 1
  return `${prefix}.${String(n).padStart(2, '0')}`
}

export { isReleaseId } from '../commands/layout.js'
