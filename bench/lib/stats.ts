/** Medians, ratios and plain-text tables for the benches' output. */

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Milliseconds as seconds with two decimals. */
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** Bytes with thousands separators. */
export const bytes = (n: number) => `${n.toLocaleString('en-US')} B`

/** A table with aligned columns (the first row is the header). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

/** "met" / "NOT met" for a target line. */
export const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
