import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { s as builtinPoint, t as snapshotByCommand, w as writeRecord, m as migrateHostIndex, c as advance, d as driverFor, a as auditLine, b as audit } from './audit.js';
import { r as releaseDir, j as journalFile } from './select.js';
import { u as inDir, b as sh, d as dataMark, k as stepMark, a as raw, B as dataPrefix, m as mkdirs, e as seq, w as when, r as runPhase, j as cmd } from './session.js';
import { a as onEach } from './run.js';

/** Migration commands on the host: run with the state read before and after, and step back one batch. */
/**
 * Optional backup, then: state → data `before`; when something is pending, migrate (exit code kept) and
 * state → data `after`; exit with migrate's code. Nothing pending: no second framework boot at all.
 * The run's output is also kept in the release's journal, so a run that stops half-way leaves, on the host,
 * what was applied before it (the next operation steps back the rest).
 */
function runMigrations(m, l, id, driver, backup, points) {
    const dir = releaseDir(l, id);
    const first = backup ? [stepMark(m, 'backup'), inDir(l.root, raw(backup.replaceAll('{release}', id)))] : [];
    const builtin = points?.kind === 'builtin' ? builtinPoint(m, l, id) : undefined;
    const snapshot = points?.kind === 'command' ? snapshotByCommand(m, l, id, points.snapshot) : [];
    const schema = driver.snapshot ? dataPrefix(m, 'schema') : undefined;
    const run = driver.runTracked && !snapshot.length ? [stepMark(m, builtin ? 'restore point and migrate' : 'migrate'), inDir(dir, driver.runTracked(dataPrefix(m, 'before'), dataPrefix(m, 'after'), schema, builtin))] : tracked(m, dir, driver, snapshot);
    return [...first, mkdirs(l.journal), sh `{ ${seq(...run)}; } | tee ${journalFile(l, id)}`];
}
/** Migrating with the state read before and after by the driver's own commands (a db.snapshot first when something is pending). */
function tracked(m, dir, driver, snapshot) {
    return [
        stepMark(m, 'read migration state'),
        sh `before=$( ${inDir(dir, driver.state())} )`,
        dataMark(m, 'before', raw('$before')),
        stepMark(m, 'migrate'),
        raw('rc=0; after=$before'),
        when(driver.hasPending('before'), [...snapshot, sh `${inDir(dir, driver.run())} || rc=$?`, sh `after=$( ${inDir(dir, driver.state())} ) || after=''`]),
        dataMark(m, 'after', raw('$after')),
        raw('[ "$rc" -eq 0 ] || exit "$rc"')
    ];
}
/** Reads the migration state in a release's directory, as data `state`. */
function readMigrationState(m, l, id, driver) {
    return [sh `state=$( ${inDir(releaseDir(l, id), driver.state())} )`, dataMark(m, 'state', raw('$state'))];
}
/**
 * Steps back one release's migrations from that release's own directory (only it has those
 * files), writes the record that matches the outcome, and reports `ok|failed` as data
 * `stepback` and the state afterwards as data `verify`.
 */
function stepBack(m, l, releaseId, command, driver, ok, failed) {
    const dir = releaseDir(l, releaseId);
    return [
        stepMark(m, `step back migrations of ${releaseId}`),
        when(inDir(dir, command), [writeRecord(l, ok), dataMark(m, 'stepback', raw(`${releaseId} ok`))], [writeRecord(l, failed), dataMark(m, 'stepback', raw(`${releaseId} failed`))]),
        sh `state=$( ${inDir(dir, driver.state())} ) || state=''`,
        dataMark(m, 'verify', raw('$state'))
    ];
}
/** Runs the statements that remove what a failed migration added, in the release's directory (data `cleanup`). */
function removeLeftovers(m, l, id, driver, statements) {
    if (!driver.exec || !statements.length)
        return [];
    return [stepMark(m, 'remove what the failed migration added'), sh `${inDir(releaseDir(l, id), driver.exec(dataPrefix(m, 'cleanup'), statements))} || true`];
}
/** Reads the schema again in the release's directory, as data `schema` labelled `label`; a failed read prints nothing and fails nothing. */
function readSchema(m, l, id, driver, label) {
    if (!driver.snapshot)
        return [];
    return [stepMark(m, 'read the schema again'), sh `${inDir(releaseDir(l, id), driver.snapshot(dataPrefix(m, 'schema'), label))} || true`];
}

/** What a migrate run did, from the states read before and after it. */
function ranBetween(driverName, before, after, failed) {
    const had = new Set(before.ran.map(([n]) => n));
    const fresh = after.ran.filter(([n]) => !had.has(n));
    const batches = [...new Set(fresh.map(([, b]) => b))];
    return {
        driver: driverName,
        ...(batches.length === 1 ? { batch: batches[0] } : {}),
        ran: fresh.map(([n]) => n),
        ...(failed && after.pending.length ? { failed: after.pending[0] } : {})
    };
}
/**
 * Refuses what would not restore the schema: migrations spread over several batches, a batch
 * that is no longer the newest (stepping back would undo someone else's), or a migration whose
 * down() is missing or empty (Laravel would delete its row and undo nothing).
 */
function canStepBack(record, state) {
    if (!record.ran.length)
        return { ok: false, reason: 'this release ran no migrations' };
    const applied = state.ran.filter(([n]) => record.ran.includes(n));
    if (!applied.length)
        return { ok: false, reason: 'its migrations are no longer applied' };
    if (state.ran.every(([, b]) => b === 0)) {
        // No batches (a custom driver): this release's migrations must be the newest ones applied, in order.
        const tail = state.ran.slice(-applied.length).map(([n]) => n);
        if (tail.join('\n') !== applied.map(([n]) => n).join('\n'))
            return { ok: false, reason: `its migrations are not the newest applied (newest: ${tail.join(', ')}): later migrations would be undone too` };
        return { ok: true, names: tail, batch: 0 };
    }
    const batches = [...new Set(applied.map(([, b]) => b))];
    if (batches.length > 1)
        return { ok: false, reason: `its migrations are in more than one batch (${batches.join(', ')}); step back by hand` };
    const newest = Math.max(...state.ran.map(([, b]) => b));
    if (batches[0] !== newest)
        return { ok: false, reason: `its batch ${batches[0]} is not the newest (${newest}): later migrations would be undone too` };
    const inBatch = state.ran.filter(([, b]) => b === batches[0]).map(([n]) => n);
    const foreign = inBatch.filter((n) => !record.ran.includes(n));
    if (foreign.length)
        return { ok: false, reason: `batch ${batches[0]} also holds migrations this release did not run: ${foreign.join(', ')}` };
    const bad = inBatch.filter((n) => state.undo[n] !== undefined && state.undo[n] !== 'ok');
    if (bad.length)
        return { ok: false, reason: bad.map((n) => `${n} has ${state.undo[n] === 'none' ? 'no' : 'an empty'} down()`).join('; ') + ': stepping back would delete its row without undoing it' };
    const unknown = inBatch.filter((n) => state.undo[n] === undefined);
    if (unknown.length && Object.keys(state.undo).length)
        return { ok: false, reason: `the migration files for ${unknown.join(', ')} are not in this release` };
    return { ok: true, names: inBatch, batch: batches[0] };
}
/** The state after a step back, for checking it worked. */
function stillApplied(record, state) {
    const names = new Set(state.ran.map(([n]) => n));
    return record.ran.filter((n) => names.has(n));
}

/**
 * A database schema as read on the host (schema-php.ts), and the one comparison of two of them: what was added,
 * removed or changed — tables, columns (type, nullability, default), indexes and foreign keys.
 */
/** Reads a snapshot line's JSON; throws with the text when it is not one. */
function parseSchema(json) {
    try {
        const s = JSON.parse(json);
        if (typeof s.driver !== 'string')
            throw new Error('no driver');
        return { driver: s.driver, tables: s.tables && !Array.isArray(s.tables) ? s.tables : {}, ...(s.error ? { error: s.error } : {}) };
    }
    catch {
        throw new Error(`could not read the schema snapshot (got: ${JSON.stringify(json.slice(0, 300))})`);
    }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const KINDS = [['columns', 'column'], ['indexes', 'index'], ['foreign_keys', 'foreign key']];
/** What `after` added to, removed from and changed in `before`. Parts of an added or removed table are not listed on their own. */
function diffSchema(before, after) {
    const diff = { added: [], removed: [], changed: [] };
    for (const [table, t] of Object.entries(after.tables)) {
        if (!before.tables[table])
            diff.added.push({ kind: 'table', table, name: table, ...(t.rows !== undefined ? { rows: t.rows } : {}) });
    }
    for (const [table, old] of Object.entries(before.tables)) {
        const now = after.tables[table];
        if (!now) {
            diff.removed.push({ kind: 'table', table, name: table });
            continue;
        }
        for (const [key, kind] of KINDS) {
            const was = old[key] ?? {};
            const is = now[key] ?? {};
            for (const name of Object.keys(is))
                if (!(name in was))
                    diff.added.push({ kind, table, name });
            for (const [name, value] of Object.entries(was)) {
                if (!(name in is))
                    diff.removed.push({ kind, table, name });
                else if (!same(value, is[name]))
                    diff.changed.push({ kind, table, name });
            }
        }
    }
    return diff;
}
/** True when the diff holds nothing. */
function isEmpty(diff) {
    return !diff.added.length && !diff.removed.length && !diff.changed.length;
}
/** An item as a report names it: `table audits (1 row)`, `column items.color`, `index items_color_index`. */
function describeItem(item) {
    if (item.kind === 'table')
        return `table ${item.name}${item.rows !== undefined ? ` (${item.rows} row${item.rows === 1 ? '' : 's'})` : ''}`;
    if (item.kind === 'column')
        return `column ${item.table}.${item.name}`;
    return `${item.kind} ${item.name}${item.kind === 'foreign key' && item.name.startsWith('(') ? ` on ${item.table}` : ''}`;
}
/** A diff in words: `added: …; removed: …; changed: …` (only the parts that hold something). */
function describeDiff(diff) {
    const parts = ['added', 'removed', 'changed'].filter((k) => diff[k].length).map((k) => `${k}: ${diff[k].map(describeItem).join(', ')}`);
    return parts.join('; ') || 'no difference';
}

/**
 * What a failed migration left, and the statements that remove exactly what it added. Pure: decided on the
 * runner from the snapshots taken as the migration started and after it failed; the host only runs the SQL.
 */
/** Judges what the failed migration did to the schema between `start` and `after`. */
function judgeLeftovers(start, after) {
    const diff = diffSchema(start, after);
    if (diff.removed.length || diff.changed.length)
        return { kind: 'destroyed', diff };
    if (!diff.added.length)
        return { kind: 'none' };
    return { kind: 'added', diff, ...removal(after, diff.added) };
}
const mysql = (driver) => driver === 'mysql' || driver === 'mariadb';
/** An identifier quoted for the driver. */
function quoteIdent(driver, name) {
    const q = mysql(driver) ? '`' : '"';
    return `${q}${name.replaceAll(q, q + q)}${q}`;
}
const ORDER = ['foreign key', 'index', 'column', 'table'];
/**
 * Statements that drop `added`, in an order that works: foreign keys, then indexes, then columns of tables that
 * existed, then added tables (a table another added table references goes after it). SQLite cannot drop a
 * foreign key on its own (only with its column or table), nor a constraint's index: those are `kept`.
 */
function removal(after, added) {
    const d = after.driver;
    const tables = orderTables(after, added.filter((i) => i.kind === 'table').map((i) => i.name));
    const rest = added.filter((i) => i.kind !== 'table').sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    const items = [];
    const sql = [];
    const kept = [];
    for (const item of [...rest, ...tables.map((t) => added.find((i) => i.kind === 'table' && i.name === t))]) {
        const statement = dropStatement(d, after, item);
        if (statement) {
            items.push(item);
            sql.push(statement);
        }
        else
            kept.push(item);
    }
    return { items, sql, kept };
}
/** The added tables, each after the added tables that reference it. */
function orderTables(after, names) {
    const refs = (t) => Object.values(after.tables[t]?.foreign_keys ?? {}).map((f) => f.table).filter((r) => r !== t && names.includes(r));
    const done = [];
    const visit = (t, path) => {
        if (done.includes(t) || path.includes(t))
            return;
        for (const other of names)
            if (refs(other).includes(t))
                visit(other, [...path, t]);
        if (!done.includes(t))
            done.push(t);
    };
    for (const t of [...names].sort())
        visit(t, []);
    return done;
}
/** The statement that drops one item, or undefined when the database cannot drop it on its own. */
function dropStatement(d, after, item) {
    const table = quoteIdent(d, item.table);
    const name = quoteIdent(d, item.name);
    if (item.kind === 'table')
        return `DROP TABLE ${table}`;
    if (item.kind === 'column')
        return `ALTER TABLE ${table} DROP COLUMN ${name}`;
    if (item.kind === 'foreign key') {
        if (d === 'sqlite')
            return undefined;
        return mysql(d) ? `ALTER TABLE ${table} DROP FOREIGN KEY ${name}` : `ALTER TABLE ${table} DROP CONSTRAINT ${name}`;
    }
    if (mysql(d))
        return `ALTER TABLE ${table} DROP INDEX ${name}`;
    const constraint = after.tables[item.table]?.indexes[item.name]?.constraint;
    if (!constraint)
        return `DROP INDEX ${name}`;
    return d === 'pgsql' ? `ALTER TABLE ${table} DROP CONSTRAINT ${name}` : undefined;
}
/** The leftovers in words: `table audits (1 row), index items_color_index`. */
function describeItems(items) {
    return items.map(describeItem).join(', ');
}

/** The labelled snapshots in `schema` data lines. */
function snapshots(data) {
    const out = {};
    for (const line of data.schema ?? []) {
        const space = line.indexOf(' ');
        out[line.slice(0, space)] = parseSchema(line.slice(space + 1));
    }
    return out;
}
/** What the failed migration did to the schema, or why it is not known (a sentence). */
function readFailedSchema(data) {
    let s;
    try {
        s = snapshots(data);
    }
    catch (e) {
        return e.message;
    }
    const unread = [s.before, s.start, s.after].find((x) => x?.error)?.error;
    if (unread)
        return `the schema could not be read (${unread})`;
    if (!s.before || !s.start || !s.after)
        return 'the schema was not read as it started and after it failed';
    return { before: s.before, leftovers: judgeLeftovers(s.start, s.after) };
}
/** The restore command a report gives when a failed migration destroyed what existed. */
function restoreCommand(release) {
    return `slipway db restore ${release}`;
}
/** What the failed migration left, in one sentence (observed: the snapshots as it started and after it failed). */
function leftoverNote(failed, release, f) {
    const l = f.leftovers;
    if (l.kind === 'none')
        return `migration ${failed} failed and left no trace in the schema (read as it started and after it failed: they are equal)`;
    if (l.kind === 'added')
        return `migration ${failed} failed and left: ${describeItems(l.diff.added)}`;
    const added = l.diff.added.length ? `; it also added ${describeItems(l.diff.added)} (left in place: it may hold what was moved)` : '';
    return `migration ${failed} failed after it REMOVED or CHANGED what existed before (${describeDiff({ ...l.diff, added: [] })})${added}. ` +
        `Slipway does not repair that by guessing. To restore the database from the restore point taken before this deploy: ${restoreCommand(release)} (writes made since that restore point would be lost)`;
}
/** The schema read at the end of the failure path (`check`) against the one read before migrating: equal or not, in one sentence. */
function schemaCheck(before, data) {
    let check;
    try {
        check = snapshots(data).check;
    }
    catch (e) {
        return { equal: false, said: `the schema could not be read again (${e.message})` };
    }
    if (!check || check.error)
        return { equal: false, said: `the schema could not be read again${check?.error ? ` (${check.error})` : ''}` };
    const diff = diffSchema(before, check);
    if (isEmpty(diff))
        return { equal: true, said: 'the schema now equals the one read before migrating (tables, columns, indexes, foreign keys)' };
    return { equal: false, said: `the schema does NOT equal the one read before migrating: ${describeDiff(diff)}` };
}

/** What ran, from the `before`/`after` data of the migrate commands (`failed` when the phase failed while migrating). */
function outcome(op, driver, data, failed, release) {
    const before = driver.parse(data.before?.[0]);
    const after = data.after?.[0] ? driver.parse(data.after[0]) : before;
    const record = ranBetween(driver.name, before, after, failed);
    op.reporter.info(`migrations: ${record.ran.length ? `ran ${record.ran.join(', ')}${record.batch !== undefined ? ` (batch ${record.batch})` : ''}` : 'none to run'}`);
    if (!record.failed)
        return { record, after, failed };
    const schema = driver.snapshot ? readFailedSchema(data) : undefined;
    record.note = typeof schema === 'object' ? leftoverNote(record.failed, release, schema) : `migration ${record.failed} failed: ${failureMeaning(after.driver)}${schema ? ` (${schema})` : ''}`;
    op.reporter.error(record.note);
    return { record, after, failed, ...(schema ? { schema } : {}) };
}
/** The result's account of a failed migration's schema: what it left, or what it destroyed and the fix. */
function schemaResult(m, release) {
    const l = typeof m.schema === 'object' ? m.schema.leftovers : undefined;
    if (!l)
        return {};
    if (l.kind === 'none')
        return { left: [] };
    if (l.kind === 'added')
        return { left: l.diff.added.map(describeItem) };
    return { left: l.diff.added.map(describeItem), destroyed: [...l.diff.removed, ...l.diff.changed].map((i) => `${describeItem(i)} ${l.diff.removed.includes(i) ? 'removed' : 'changed'}`), restore: restoreCommand(release) };
}
/**
 * What a failed migration leaves behind. Laravel wraps a migration in a transaction only where the schema
 * grammar supports transactional DDL (PostgreSQL, SQL Server), and a migration can opt out.
 */
function failureMeaning(driver) {
    if (driver === 'pgsql' || driver === 'sqlsrv')
        return `on ${driver} Laravel runs a migration in a transaction (unless it sets $withinTransaction = false), so its changes were most likely rolled back`;
    return `on ${driver ?? 'this database'} Laravel does not run migrations in a transaction, so the statements it ran before failing stay applied (its schema changes may be PARTLY APPLIED); inspect the tables it touches before retrying`;
}
/** Why a release deployed under check.policy: forward-only cannot be stepped back. */
function noDownReason(names) {
    return `${names.join(', ')} ${names.length > 1 ? 'have' : 'has'} no usable down() (check.policy: forward-only, said when it was deployed): its schema cannot be stepped back`;
}
/** The step-back commands for a release's migrations, or the reason it is refused. */
function planStepBack(s, driver, release, state, stamp) {
    const m = release.migrations;
    if (!m)
        return { refused: 'this release ran no migrations' };
    if (m.no_down?.length)
        return { refused: noDownReason(m.no_down) };
    const verdict = canStepBack(m, state);
    if (!verdict.ok)
        return { refused: verdict.reason };
    const ok = { ...release, migrations: { ...m, stepped_back: verdict.names, stepped_back_at: stamp } };
    const failed = { ...release, note: `${release.note ?? ''}${release.note ? '; ' : ''}migration step-back failed` };
    return { commands: stepBack(s, s.layout, release.id, driver.stepBack(verdict.names, verdict.batch, state), driver, ok, failed), names: verdict.names, how: driver.describeStepBack?.(verdict.names, verdict.batch, state) };
}
/** Reads the outcome of step-back commands: names still applied after an `ok`, or a failure. */
function checkStepBack(op, driver, data, record) {
    const ok = (data.stepback ?? []).every((line) => line.endsWith(' ok')) && (data.stepback ?? []).length > 0;
    const verify = data.verify?.length ? driver.parse(data.verify[data.verify.length - 1]) : undefined;
    const left = verify ? stillApplied(record, verify) : record.ran;
    if (!ok || left.length)
        op.reporter.error(`stepping back migrations did not complete: still applied: ${left.join(', ') || '(unknown)'}`);
    return { ok: ok && left.length === 0, stillApplied: left };
}

/**
 * Step `repair` (runner, right after the lock): a release left `building` or `ready` belongs to a run that
 * stopped (only a lock holder builds, and we hold the lock). It is marked failed, and the migrations its run
 * applied — the difference between the state its journal recorded before migrating and the state now —
 * are stepped back from its own directory, with the same guards as any step-back. Then the journal goes.
 */
/** A release its run left half-built: only a lock holder builds, so with the lock free or taken over, that run stopped. */
const interrupted = (r) => r.state === 'building' || r.state === 'ready';
/** Step-back commands for the migrations an interrupted release's run applied, and what was decided. */
async function stepBackFor(op, s, state, failed, stamp) {
    const driver = driverFor(op.spec);
    const before = state.journals?.[failed.id];
    if (!driver || before === undefined)
        return { commands: [], said: 'it had not started migrating' };
    try {
        const now = driver.parse((await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, failed.id, driver))).data.state?.[0]);
        const record = ranBetween(driver.name, driver.parse(before), now, false);
        if (!record.ran.length)
            return { commands: [], said: 'its run applied no migration' };
        const plan = planStepBack(s, driver, { ...failed, migrations: record }, now, stamp);
        if ('refused' in plan)
            return { commands: [], said: `its migrations ${record.ran.join(', ')} stay applied: ${plan.refused}` };
        return { commands: plan.commands, said: `stepping back its migrations ${plan.names.join(', ')}` };
    }
    catch (error) {
        return { commands: [], said: `its migrations could not be read (${error.message.split('\n')[0]}); they may stay applied` };
    }
}
/** Repairs what interrupted runs left on the hosts (the caller holds the lock); `states` are updated to what was written. Returns what was done. */
async function repairInterrupted(op, sessions, states) {
    const stuck = [...new Set(states.flatMap((st) => st.records.filter(interrupted).map((r) => r.id)))];
    if (!stuck.length)
        return undefined;
    const stamp = op.now().toISOString();
    const note = `interrupted: the run that built it stopped before finishing (repaired by ${op.by})`;
    const at = migrateHostIndex(op.spec);
    const steps = [];
    const said = [];
    for (const id of stuck) {
        const record = states[at].records.find((r) => r.id === id);
        const found = record ? await stepBackFor(op, sessions[at], states[at], advance(record, 'failed', { note, updated_at: stamp }), stamp) : { commands: [], said: 'not on the migrating host' };
        steps.push(...found.commands);
        said.push(`${id}: marked failed; ${found.said}`);
    }
    op.reporter.warn(`repairing what an interrupted run left: ${said.join('; ')}`);
    await op.reporter.group('Repair an interrupted run', () => onEach(sessions, async (s, i) => {
        const failed = states[i].records.filter(interrupted).map((r) => advance(r, 'failed', { note, updated_at: stamp }));
        const line = auditLine(op, 'repair', stuck.join(' '), undefined, said.join('; '));
        await runPhase(s, op.spec, op.reporter, 'repair', [...failed.map((r) => writeRecord(s.layout, r)), ...(i === at ? steps : []), ...stuck.map((id) => cmd('rm', '-f', journalFile(s.layout, id))), audit(s.layout, line)]);
        states[i] = { ...states[i], records: states[i].records.map((r) => failed.find((f) => f.id === r.id) ?? r) };
    }));
    return said.join('; ');
}
const repair = {
    name: 'repair',
    where: 'runner',
    onFailure: 'unlock',
    run: async (run) => {
        if (!run.dry)
            await repairInterrupted(run.op, run.sessions, run.states);
    }
};

export { readSchema as a, stepBack as b, canStepBack as c, describeItem as d, checkStepBack as e, schemaResult as f, readMigrationState as g, runMigrations as h, repair as i, repairInterrupted as j, interrupted as k, noDownReason as n, outcome as o, planStepBack as p, removeLeftovers as r, schemaCheck as s };
