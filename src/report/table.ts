/** Plain-text tables for the terminal and the job summary. */
import type { ReleaseRecord } from '../commands/history.js'
import type { HostLedger } from '../deploy/ledger.js'
import type { ReleaseListing } from '../deploy/releases.js'

/** Pads columns to the widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** The rows of the release table: id, commit, time, state, by, current marker, note. */
export function releaseRows(listing: ReleaseListing['hosts'][number]): string[][] {
  return listing.releases.map((r) => [r.current ? '*' : '', r.id, r.commit?.slice(0, 12) ?? '-', r.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), r.state, r.by, migrationCell(r), r.note ?? ''])
}

/** "2 ran", "2 ran, stepped back", or "-". */
export function migrationCell(r: ReleaseRecord): string {
  const m = r.migrations
  if (!m?.ran.length) return m?.failed ? `failed: ${m.failed}` : '-'
  return `${m.ran.length} ran${m.stepped_back?.length ? ', stepped back' : ''}${m.no_down?.length ? ', forward-only' : ''}${m.failed ? `, failed: ${m.failed}` : ''}`
}

/** Column names for {@link releaseRows}. */
export const releaseHeader = ['cur', 'release', 'commit', 'time (UTC)', 'state', 'by', 'migrations', 'note']

/** The release table of every host, for a terminal. */
export function formatReleases(listing: ReleaseListing): string {
  return listing.hosts
    .map((h) => `${h.host}${h.lock ? `  (locked: ${h.lock})` : ''}\n${h.releases.length ? textTable(releaseHeader, releaseRows(h)) : '(no releases)'}`)
    .join('\n\n')
}

/** A deploy's per-host ledger: which release each host serves, and what happened there. */
export function formatLedger(ledger: HostLedger[]): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no')
  const rows = ledger.map((e) => [e.host, e.serves, yes(e.prepared), yes(e.switched), e.smoke ?? '-', yes(e.rolledBack), e.lockLeft ? 'left' : '-', e.error ?? ''])
  return textTable(['host', 'serves', 'prepared', 'switched', 'smoke', 'rolled back', 'lock', 'error'], rows)
}
