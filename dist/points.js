import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { I as InputError, S as SlipwayError } from './select.js';
import { c as pointProvider, g as restorePointCommands, w as writeRecord, h as readRestore } from './driver.js';

/** Bytes as people read them. */
function formatSize(bytes) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = bytes;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
    }
    return `${u ? v.toFixed(1) : v} ${units[u]}`;
}
/** How long ago `at` was, seen from `now`: "3 min", "2 h 5 min", "4 days". */
function formatAge(at, now) {
    const s = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
    if (s < 60)
        return `${s} s`;
    if (s < 3600)
        return `${Math.floor(s / 60)} min`;
    if (s < 86400)
        return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} days`;
}
/** One line for a point: engine, size, time taken, when, where. */
function describePoint(p) {
    const rows = p.tables ? `, ${Object.keys(p.tables).length} tables, ${Object.values(p.tables).reduce((a, b) => a + b, 0)} rows` : '';
    return `${p.engine}, ${formatSize(p.size)} in ${(p.ms / 1000).toFixed(1)} s, taken ${p.at}${rows} → ${p.file}`;
}
/** Whether a release's migrations are still applied (ran some, none stepped back). */
const applied = (r) => !!r.migrations?.ran.length && !r.migrations.stepped_back?.length;
/**
 * The point a rollback from `from` to `target` restores: the one taken before the oldest deploy rolled over that
 * changed the database. Refused (nothing touched) when none was taken, or when an older deploy in between ran
 * migrations without one (a later point would keep its changes).
 */
function pointForRollback(records, target, from) {
    const range = records.filter((r) => (target === undefined || r.id > target) && r.id <= from).sort((a, b) => (a.id < b.id ? -1 : 1));
    const first = range.find((r) => r.restore_point || applied(r));
    if (!first)
        throw new InputError(`no release rolled over (${target ?? 'none'} → ${from}) took a restore point or ran migrations that are still applied: there is nothing to restore. Fix: roll back with --db keep`);
    if (!first.restore_point)
        throw new InputError(`release ${first.id} ran migrations (${first.migrations.ran.join(', ')}) but has no restore point, so no point holds the database as ${target ?? 'it was'} used it. Nothing was changed. Fix: --db stepback, or restore by hand`);
    return first;
}
/** The records a restore of `point` (taken before `pointRelease`) changes: its restored time, and every later release's migrations marked as no longer applied. */
function restoredRecords(records, pointRelease, stamp, by) {
    return records.filter((r) => r.id >= pointRelease && (r.id === pointRelease || applied(r))).map((r) => ({
        ...r,
        updated_at: stamp,
        ...(applied(r) ? { migrations: { ...r.migrations, stepped_back: r.migrations.ran, stepped_back_at: stamp, note: `undone by restoring the point taken before ${pointRelease}` } } : {}),
        ...(r.id === pointRelease ? { restore_point: { ...r.restore_point, restored_at: stamp, restored_by: by } } : {})
    }));
}
/** The host commands of a restore on the migrating host: the point's restore, then (only if it worked) the records. */
function restoreCommands(s, spec, driver, release, records, appRelease) {
    const provider = pointProvider({ ...spec, db: { ...spec.db, restore_points: 'auto' } }, driver);
    const point = release.restore_point;
    if (point.engine === 'command' ? provider?.kind !== 'command' : provider?.kind !== 'builtin') {
        throw new InputError(`the restore point of ${release.id} was taken by ${point.engine === 'command' ? 'db.snapshot' : `the built-in ${point.engine} provider`}, which this spec no longer configures. Fix: ${point.engine === 'command' ? 'set db.snapshot and db.restore' : 'use migrate.preset: laravel without db.snapshot'}, or restore ${point.file} by hand`);
    }
    return restorePointCommands(s, s.layout, release.id, point, provider, driver, appRelease, records.map((r) => writeRecord(s.layout, r)));
}
const rows = (n) => `${n} row${n === 1 ? '' : 's'}`;
/** What a restore discarded, one line per fact: the time, then per table the rows now against the point's. */
function describeLoss(point, report) {
    const lines = [`writes made since ${point.at} (when the point was taken) are gone`];
    if (!report.before || !report.after)
        return [...lines, 'rows per table: not counted (db.restore commands report no row counts)'];
    const names = [...new Set([...Object.keys(report.before), ...Object.keys(report.after)])].sort();
    for (const t of names) {
        const now = report.before[t];
        const then = report.after[t];
        if (then === undefined)
            lines.push(`table ${t}: created since, dropped with its ${rows(now)}`);
        else if (now === undefined)
            lines.push(`table ${t}: dropped since, back with ${rows(then)}`);
        else if (now !== then)
            lines.push(`table ${t}: ${rows(now)} before the restore, ${then} at the point (${now > then ? `${rows(now - then)} written since: lost` : `${rows(then - now)} deleted since: back`})`);
    }
    if (lines.length === 1)
        lines.push('row counts per table are the same as at the point (updates in place, if any, are not counted)');
    return lines;
}
/** Reads a restore's outcome; throws naming what happened when it failed. */
function checkRestore(data, release, what) {
    const report = readRestore(data.restored);
    if (!report?.ok)
        throw new RestoreFailed(`${what}, but restoring the database to the point taken before ${release} FAILED: ${report?.error ?? 'no report from the host'}. The records are unchanged; check the database before retrying (slipway db restore ${release})`);
    return report;
}
/** A restore that did not complete. */
class RestoreFailed extends SlipwayError {
    constructor(message) {
        super(message);
        this.name = 'RestoreFailed';
    }
}

export { restoreCommands as a, describeLoss as b, checkRestore as c, describePoint as d, formatAge as e, formatSize as f, pointForRollback as p, restoredRecords as r };
