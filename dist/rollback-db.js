import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { I as InputError } from './select.js';
import { d as driverFor } from './driver.js';
import { p as pointForRollback, a as restoreCommands, r as restoredRecords } from './points.js';
import 'node:path';
import './protocol.js';
import 'node:crypto';

/** The mode from the options: `db`, or `migrations: true` (the older name of stepback); keep by default. */
function dbMode(options) {
    const db = options.db;
    if (db !== undefined && !['keep', 'stepback', 'restore'].includes(db))
        throw new InputError(`--db ${JSON.stringify(db)} is not a mode. Fix: use keep (the default), stepback or restore`);
    if (options.migrations && db !== undefined && db !== 'stepback')
        throw new InputError(`--migrations means --db stepback and contradicts --db ${db}. Fix: give only one of them`);
    return db ?? (options.migrations ? 'stepback' : 'keep');
}
/** The records as they will be once the plan's updates are written. */
function withUpdates(state, plan) {
    return state.records.map((r) => plan.updates.find((u) => u.id === r.id) ?? r);
}
/** A rollback's restore: the release whose point it restores, and the commands (records written only if it worked). */
function planRollbackRestore(op, s, state, plan, stamp) {
    const records = withUpdates(state, plan);
    const release = pointForRollback(records, plan.target, plan.from ?? plan.target);
    const commands = restoreCommands(s, op.spec, driverFor(op.spec), release, restoredRecords(records, release.id, stamp, op.by), plan.target);
    return { release, commands };
}
/** The restore point that covers a rollback, or why there is none (for the caveats). */
function coveringPoint(state, plan) {
    try {
        return { point: pointForRollback(state.records, plan.target, plan.from ?? plan.target) };
    }
    catch (error) {
        return { noPoint: error.message.split('. Fix:')[0] };
    }
}
/** The shared files' last changes, from data `shared`. */
function sharedChanges(spec, data) {
    return (data.shared ?? []).map((line) => {
        const [epoch, index] = line.split(' ');
        return { file: spec.shared.files[Number(index)], changed: new Date(Number(epoch) * 1000).toISOString() };
    }).filter((s) => s.file !== undefined);
}

export { coveringPoint, dbMode, planRollbackRestore, sharedChanges };
