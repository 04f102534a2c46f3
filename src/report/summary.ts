/**
 * Markdown for a job summary (or any Markdown viewer): what a deploy, rollback or check did.
 * Library-level: no `@actions/*` imports, so the CLI can write the same report. Every value that
 * came from a host or a file is escaped, so it renders as text and cannot break the table.
 */
import { describeDisagreement } from '../deploy/agree.js'
import { describePoint } from '../deploy/points.js'
import type { CheckResult } from '../check/types.js'
import type { DeployResult } from '../deploy/deploy.js'
import type { MigrationsResult } from '../deploy/result.js'
import type { PlannedHost } from '../deploy/deploy.js'
import type { ReleaseListing } from '../deploy/releases.js'
import type { RollbackResult } from '../deploy/rollback.js'

/** One smoke check's outcome (`host` is absent for checks run from the runner). */
export interface SmokeRow {
  name: string
  host?: string
  ok: boolean
  detail: string
}

/** What happened to migrations: run by a deploy (`ran`), stepped back by a rollback, or left applied. */
export type MigrationsView = Omit<MigrationsResult, 'ran' | 'schemaRestored'> & { ran?: string[] }

/** Escapes text for a Markdown table cell or paragraph: pipes, HTML, newlines. */
export function escapeCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\|*`[\]])/g, '\\$1').replace(/\r?\n/g, '<br>')
}

/** A Markdown table with every cell escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`
  return [line(header), `|${header.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n')
}

/** A fenced code block whose fence is longer than any backtick run inside the text. */
export function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}text\n${text}\n${fence}`
}

/** The release table of every host: current marker, id, commit, time, state, by, note. */
export function releasesMarkdown(listing: ReleaseListing): string {
  const split = listing.disagree ? `> [!WARNING]\n> The hosts serve different releases: ${escapeCell(describeDisagreement(listing.disagree))}\n\n` : ''
  return split + listing.hosts.map((h) => {
    if (h.unreachable) return `#### ${escapeCell(h.host)}: unreachable\n\n${escapeCell(h.unreachable)}`
    const head = `#### Releases on ${escapeCell(h.host)}${h.lock ? ` (locked: ${escapeCell(h.lock)})` : ''}`
    if (!h.releases.length) return `${head}\n\n(no releases)`
    const rows = h.releases.map((r) => [r.current ? '▶ current' : '', r.id, r.commit?.slice(0, 12) ?? '-', r.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), r.state, r.by, r.note ?? ''])
    return `${head}\n\n${markdownTable(['', 'Release', 'Commit', 'Time (UTC)', 'State', 'By', 'Note'], rows)}`
  }).join('\n\n')
}

/** Each smoke check with its result. */
export function smokeMarkdown(rows: SmokeRow[]): string {
  return `#### Smoke checks\n\n${markdownTable(['Check', 'Host', 'Result', 'Detail'], rows.map((r) => [r.name, r.host ?? 'runner', r.ok ? '✅ passed' : '❌ failed', r.detail]))}`
}

/** Migrations run, stepped back, still applied; a failure or a refused step-back. */
export function migrationsMarkdown(m: MigrationsView): string {
  const list = (title: string, names: string[]) => `${title}:\n${names.length ? names.map((n) => `- ${escapeCell(n)}`).join('\n') : '- (none)'}`
  return [
    '#### Migrations',
    m.ran && list('Ran', m.ran),
    list('Stepped back', m.steppedBack),
    !!m.stillApplied?.length && list('Still applied', m.stillApplied),
    m.failed && `Failed part-way: ${escapeCell(m.failed)}`,
    m.refused && `Not stepped back: ${escapeCell(m.refused)}`,
    ...schemaMarkdown(m)
  ].filter(Boolean).join('\n\n')
}

/** What the schema showed after a failed migration: what it left, what was removed, what it destroyed and the fix. */
function schemaMarkdown(m: MigrationsView): Array<string | false | undefined> {
  const list = (title: string, items: string[]) => `${title}:\n${items.map((n) => `- ${escapeCell(n)}`).join('\n')}`
  return [
    m.left && (m.left.length ? list('Left in the schema by the failed migration', m.left) : 'The failed migration left no trace in the schema.'),
    !!m.removed?.length && list('Removed again', m.removed),
    !!m.notRemoved?.length && list('NOT removed', m.notRemoved),
    !!m.destroyed?.length && `${list('Removed or changed what existed before (not repaired)', m.destroyed)}\n\nTo restore the database from the restore point taken before this deploy: \`${m.restore ?? ''}\` (writes made since that restore point would be lost).`,
    m.schemaCheck && escapeCell(m.schemaCheck)
  ]
}

/** What a code rollback leaves as it is. */
export function notRevertedMarkdown(items: string[]): string {
  return `#### Not reverted by the rollback\n\n${items.map((i) => `- ${escapeCell(i)}`).join('\n')}`
}

function facts(pairs: Array<[string, string | undefined]>): string {
  return pairs.filter(([, v]) => v).map(([k, v]) => `- **${k}:** ${escapeCell(v as string)}`).join('\n')
}

function sections(parts: Array<string | false | undefined>): string {
  return `${parts.filter(Boolean).join('\n\n')}\n`
}

/** Input of {@link deployMarkdown}. */
export interface DeployReport {
  result: Pick<DeployResult, 'release' | 'previous' | 'commit' | 'hosts' | 'rolledBack' | 'smoke' | 'migrations' | 'forwardOnly'> & Partial<Pick<DeployResult, 'restorePoint' | 'ledger' | 'rollout'>>
  /** The error message when the deploy failed. */
  failure?: string
  listing?: ReleaseListing
  url?: string
  /** Shown when the deploy was rolled back. */
  notReverted?: string[]
}

/** The summary of a deploy: headline, facts, smoke checks, migrations, caveats after a rollback, the release table. */
export function deployMarkdown(r: DeployReport): string {
  const { result } = r
  const split = result.rollout?.dropped.length ? result.hosts.length - result.rollout.dropped.length : undefined
  const title = !r.failure
    ? `### ✅ Deployed ${escapeCell(result.release)}`
    : split !== undefined
      ? `### ⚠️ Release ${escapeCell(result.release)} is live on ${split} of ${result.hosts.length} hosts; ${escapeCell(result.rollout!.dropped.join(', '))} failed and serve ${escapeCell(result.previous ?? '(no release)')}`
      : result.rolledBack
      ? `### ↩️ Release ${escapeCell(result.release)} failed and was rolled back to ${escapeCell(result.previous ?? '(no release)')}`
      : `### ❌ Deploy of ${escapeCell(result.release)} failed before the switch; ${escapeCell(result.previous ?? 'nothing')} is still live`
  return sections([
    title,
    facts([['Release', result.release], ['Previous release', result.previous], ['Commit', result.commit], ['Hosts', result.hosts.join(', ')], ['Restore point', result.restorePoint && describePoint(result.restorePoint)], ['URL', r.url]]),
    r.failure && fenced(r.failure),
    (result.hosts.length > 1 || !!r.failure) && !!result.ledger?.length && hostsMarkdown(result),
    !!result.smoke?.length && smokeMarkdown(result.smoke),
    result.migrations && migrationsMarkdown(result.migrations),
    !!result.forwardOnly?.length && `**Forward-only** (check.policy): no usable down() in ${result.forwardOnly.map(escapeCell).join(', ')}; the schema of this release cannot be stepped back.`,
    result.rolledBack && !!r.notReverted?.length && notRevertedMarkdown(r.notReverted),
    r.listing && releasesMarkdown(r.listing)
  ])
}

/** Per host: the release it serves and what happened there, with a rollout's timeline; collapsed beyond 10 hosts. */
export function hostsMarkdown(result: Partial<Pick<DeployResult, 'ledger' | 'rollout'>>): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no')
  const rows = (result.ledger ?? []).map((e) => [e.host, e.serves, yes(e.prepared), yes(e.switched), e.smoke ?? '-', yes(e.rolledBack), e.lockLeft ? 'left' : '-', e.error ?? ''])
  const table = markdownTable(['Host', 'Serves', 'Prepared', 'Switched', 'Smoke', 'Rolled back', 'Lock', 'Error'], rows)
  const timeline = result.rollout?.timeline.length ? `\n\nRollout (${escapeCell(result.rollout.strategy)}):\n${result.rollout.timeline.map((t) => `- ${escapeCell(t)}`).join('\n')}` : ''
  const body = `${table}${timeline}`
  return rows.length > 10 ? `#### Hosts\n\n<details><summary>${rows.length} hosts</summary>\n\n${body}\n\n</details>` : `#### Hosts\n\n${body}`
}

/** The summary of a manual rollback. */
export function rollbackMarkdown(r: { result: Pick<RollbackResult, 'release' | 'from' | 'hosts' | 'notReverted' | 'migrations'> & Partial<Pick<RollbackResult, 'db' | 'stayed'>>; listing?: ReleaseListing; url?: string }): string {
  const { result } = r
  const restored = result.db?.restored
  return sections([
    `### ↩️ Rolled back ${escapeCell(result.from)} → ${escapeCell(result.release)}`,
    facts([['Release', result.release], ['Rolled back from', result.from], ['Hosts', result.hosts.join(', ')], ['Already on it (left as they were)', result.stayed?.length ? result.stayed.join(', ') : undefined], ['Database', result.db && (restored ? `restored to the point taken before ${restored.release} (${restored.at})` : result.db.mode)], ['URL', r.url]]),
    (result.migrations.steppedBack.length > 0 || result.migrations.kept.length > 0) && migrationsMarkdown({ steppedBack: result.migrations.steppedBack, stillApplied: result.migrations.kept }),
    !!result.db?.lost?.length && `#### Lost by the database restore\n\n${result.db.lost.map((l) => `- ${escapeCell(l)}`).join('\n')}`,
    notRevertedMarkdown(result.notReverted),
    r.listing && releasesMarkdown(r.listing)
  ])
}

/** A failed operation that produced no result (bad input, lock held, host unreachable). */
export function failureMarkdown(what: string, message: string, listing?: ReleaseListing): string {
  return sections([`### ❌ ${escapeCell(what)} failed`, fenced(message), listing && releasesMarkdown(listing)])
}

/** The plan of a dry run: the exact script each host would get. */
export function planMarkdown(hosts: PlannedHost[]): string {
  return sections(['### Dry run: nothing was changed', ...hosts.flatMap((h) => [`#### ${escapeCell(h.host)}`, ...h.phases.map((p) => `${escapeCell(p.phase)}\n\n${fenced(p.command)}`)])])
}

/** The migration check: counts, every finding, and where the SARIF file is. */
export function checkMarkdown(result: CheckResult, sarifPath?: string): string {
  const { error, warning, notice } = result.counts
  const title = error ? `### ❌ Migration check: ${error} error(s)` : `### ✅ Migration check: no errors`
  const rows = result.findings.map((f) => [f.severity, f.ruleId, `${f.file}:${f.line}`, f.message, f.fix])
  return sections([
    title,
    `${result.files.length} file(s) checked: ${error} error(s), ${warning} warning(s), ${notice} notice(s)${result.suppressed.length ? `, ${result.suppressed.length} suppressed` : ''}.`,
    rows.length > 0 && markdownTable(['Severity', 'Rule', 'Where', 'Problem', 'Fix'], rows),
    sarifPath && `SARIF: ${escapeCell(sarifPath)}`
  ])
}
