import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { m as migrateHostIndex, r as readState, p as parseState, d as driverFor, a as audit } from './driver.js';
import { o as operation, l as lockOwner, k as keepAlive, a as onEach, b as release, f as forceable, c as releaseLocks } from './run.js';
import { d as dataMark, r as raw, s as sh } from './protocol.js';
import { I as InputError, S as SlipwayError, i as isReleaseId } from './select.js';
import { l as lockHosts, a as auditLine } from './audit.js';
import { r as restoredRecords, a as restoreCommands, b as describeLoss, c as checkRestore, f as formatSize } from './points.js';
import { o as openSessions, s as sshConnector, r as runPhase, c as closeSessions, h as holdChannels } from './session.js';
import { textTable } from './table.js';
import 'node:crypto';
import 'node:os';
import 'node:path';
import 'node:timers/promises';
import 'node:fs';
import 'node:stream';
import 'node:child_process';
import 'node:net';
import './agree.js';

/** Restore point files on the host: listing them (their sizes as they are now). */
/** Reports `<size> <file name>` per file in the restore points directory, as data `points`. */
function listPointFiles(m, l) {
    return sh `for f in ${l.points}/*; do [ -f "$f" ] || continue; ${dataMark(m, 'points', raw('$(stat -c %s "$f") $(basename "$f")'))}; done`;
}

/** `slipway db points` (the restore points per release) and `slipway db restore <release>` (under the deploy lock). */
/** The restore points on the migrating host, newest first (one read-only round trip; no lock taken). */
async function listPoints(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        const s = sessions[migrateHostIndex(op.spec)];
        const r = await runPhase(s, op.spec, op.reporter, 'read restore points', [...readState(s, s.layout), listPointFiles(s, s.layout)]);
        const state = parseState(r.data);
        const files = new Map((r.data.points ?? []).map((line) => [line.slice(line.indexOf(' ') + 1), Number(line.split(' ')[0])]));
        const points = state.records.filter((x) => x.restore_point).reverse().map((x) => ({ ...x.restore_point, release: x.id, state: x.state, current: x.id === state.current, onHost: files.get(x.restore_point.file.split('/').pop()) }));
        return { host: s.host.name, points };
    }
    finally {
        await closeSessions(sessions);
    }
}
/** Restores the restore point taken before `release`, under the deploy lock on every host; reports what it discarded. */
async function restoreDatabase(options) {
    const op = operation(options);
    const owner = lockOwner(op, 'db restore');
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    holdChannels(sessions, op.spec, op.reporter);
    const stop = keepAlive(op, sessions, owner);
    try {
        const work = (async () => {
            const states = await lockHosts(op, sessions, owner, false);
            const at = migrateHostIndex(op.spec);
            const { records, current } = states[at];
            const target = records.find((r) => r.id === options.release);
            if (!target?.restore_point)
                throw new InputError(`release ${options.release} has no restore point. Fix: pick one from slipway db points (${records.filter((r) => r.restore_point).map((r) => r.id).join(', ') || 'none'})`);
            if (!current)
                throw new InputError('there is no live release: the built-in restore boots the app of the live release to read its database config');
            const stamp = op.now().toISOString();
            const changed = restoredRecords(records, target.id, stamp, op.by);
            const undone = changed.filter((r) => r.migrations?.stepped_back_at === stamp).flatMap((r) => r.migrations.ran);
            const commands = restoreCommands(sessions[at], op.spec, driverFor(op.spec), target, changed, current);
            const line = auditLine(op, 'db restore', target.id, undefined, `database restored to the point taken ${target.restore_point.at}`);
            const results = await op.reporter.group(`Restore the database to the point taken before ${target.id}`, () => onEach(sessions, (s, i) => runPhase(s, op.spec, op.reporter, 'db restore', [...(i === at ? [...commands, audit(s.layout, line)] : []), release(s.layout, owner)])));
            const lost = describeLoss(target.restore_point, checkRestore(results[at].data, target.id, 'db restore ran under the deploy lock'));
            return report(op.reporter, { release: target.id, point: target.restore_point, lost, undone, current });
        })();
        return await forceable(op, sessions, owner, work, (why) => new SlipwayError(`db restore stopped at once (${why}, a second time): the lock is released; check the database`));
    }
    catch (error) {
        await releaseLocks(op, sessions, owner);
        throw error;
    }
    finally {
        stop();
        await closeSessions(sessions);
    }
}
function report(reporter, r) {
    reporter.info(`database restored to the point taken before ${r.release} (${r.point.at}, ${r.point.file})`);
    reporter.warn(`lost:\n${r.lost.map((l) => `  - ${l}`).join('\n')}`);
    if (r.undone.length)
        reporter.warn(`migrations undone by the restore: ${r.undone.join(', ')}; the live release ${r.current} ${r.current && r.current >= r.release ? 'ran with them: roll back its code (slipway rollback) or deploy again to re-apply them' : 'did not need them'}`);
    return r;
}

/** One row per restore point: the release it was taken before, engine, size, time taken, when, file. */
function pointRows(points) {
    return points.map((p) => [p.current ? '*' : '', p.release, p.state, p.engine, p.at.replace('T', ' '), p.onHost === undefined ? (p.engine === 'command' ? 'no file' : 'MISSING') : formatSize(p.onHost), `${(p.ms / 1000).toFixed(1)} s`, p.restored_at ? `restored ${p.restored_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : '', p.file]);
}
/** Column names for {@link pointRows}. */
const pointHeader = ['cur', 'taken before', 'state', 'engine', 'taken at (UTC)', 'size', 'took', 'restored', 'file'];
/** The restore points of the migrating host, for a terminal. */
function formatPoints(listing) {
    return `${listing.host}\n${listing.points.length ? textTable(pointHeader, pointRows(listing.points)) : '(no restore points)'}`;
}

/** `slipway db points | restore <release>`: arguments checked before anything connects, then the library. */
/** `db points` (a table, or JSON) or `db restore <release>`. */
async function dbCommand([sub, release], spec, json, reporter, io) {
    if (sub === 'points') {
        const listing = await listPoints({ spec });
        io.out(json ? JSON.stringify(listing, null, 2) : formatPoints(listing));
        return 0;
    }
    await restoreDatabase({ spec, reporter, release, force: io.cancel?.()?.force });
    return 0;
}
/** `db points` or `db restore <release id>`, checked before anything is read or connected. */
function checkDb(command, positionals) {
    if (command !== 'db')
        return positionals;
    const [sub, id, ...more] = positionals;
    if (sub === 'points' && id === undefined)
        return positionals;
    if (sub === 'restore' && id !== undefined && !more.length) {
        if (!isReleaseId(id))
            throw new InputError(`db restore ${JSON.stringify(id)}: not a release id. Fix: give an id from slipway db points`);
        return positionals;
    }
    throw new InputError('usage: slipway db points [--json] | slipway db restore <release>. Fix: give one of them (slipway help)');
}

export { checkDb, dbCommand };
