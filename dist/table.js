import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { d as describeDisagreement } from './agree.js';

/** Pads columns to the widest cell. */
function textTable(header, rows) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
/** The rows of the release table: id, commit, time, state, by, current marker, note. */
function releaseRows(listing) {
    return listing.releases.map((r) => [r.current ? '*' : '', r.id, r.commit?.slice(0, 12) ?? '-', r.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), r.state, r.by, migrationCell(r), r.note ?? '']);
}
/** "2 ran", "2 ran, stepped back", or "-". */
function migrationCell(r) {
    const m = r.migrations;
    if (!m?.ran.length)
        return m?.failed ? `failed: ${m.failed}` : '-';
    return `${m.ran.length} ran${m.stepped_back?.length ? ', stepped back' : ''}${m.no_down?.length ? ', forward-only' : ''}${m.failed ? `, failed: ${m.failed}` : ''}`;
}
/** Column names for {@link releaseRows}. */
const releaseHeader = ['cur', 'release', 'commit', 'time (UTC)', 'state', 'by', 'migrations', 'note'];
/** The release table of every host, for a terminal: a host that could not be read says why; a split fleet is flagged first. */
function formatReleases(listing) {
    const hosts = listing.hosts.map((h) => {
        if (h.unreachable)
            return `${h.host}  UNREACHABLE: ${h.unreachable}`;
        const differs = listing.disagree ? `  (serves ${listing.disagree[h.host]}: the hosts disagree)` : '';
        return `${h.host}${h.lock ? `  (locked: ${h.lock})` : ''}${differs}\n${h.releases.length ? textTable(releaseHeader, releaseRows(h)) : '(no releases)'}`;
    });
    return [...(listing.disagree ? [`HOSTS DISAGREE: they serve different releases: ${describeDisagreement(listing.disagree)}`] : []), ...hosts].join('\n\n');
}
/** A deploy's per-host ledger: which release each host serves, and what happened there. */
function formatLedger(ledger) {
    const yes = (b) => (b ? 'yes' : 'no');
    const rows = ledger.map((e) => [e.host, e.serves, yes(e.prepared), yes(e.switched), e.smoke ?? '-', yes(e.rolledBack), e.lockLeft ? 'left' : '-', e.error ?? '']);
    return textTable(['host', 'serves', 'prepared', 'switched', 'smoke', 'rolled back', 'lock', 'error'], rows);
}

export { formatLedger, formatReleases, migrationCell, releaseHeader, releaseRows, textTable };
