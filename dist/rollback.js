import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { L as LeftToHost, p as planFleetRollback, x as sharedTimes, u as undoOnHost, g as startJob, r as restorePhase, y as pickTarget } from './restore-phase.js';
import { o as operation, l as lockOwner, k as keepAlive, f as forceable, c as releaseLocks, C as Cancelled, a as onEach, b as release, e as holding, h as heartbeat } from './run.js';
import { j as repairInterrupted, n as noDownReason, g as readMigrationState, p as planStepBack, e as checkStepBack } from './repair.js';
import { f as hookText, S as SlipwayError, I as InputError } from './select.js';
import { d as driverFor, l as lockHosts, m as migrateHostIndex, a as auditLine } from './audit.js';
import { e as formatAge, p as pointForRollback, a as restoreCommands, r as restoredRecords, b as describeLoss, c as checkRestore } from './points.js';
import { o as openSessions, h as holdChannels, c as closeSessions, r as runPhase, s as sshConnector } from './session.js';
import { dbMode } from './db-mode.js';

/** One line per thing a rollback leaves as it is; specific when `facts` (read on the host) are given. */
function notReverted(spec, facts) {
    const out = [facts ? database(facts) : 'the database: schema changes and data written by the newer release stay (use forward-compatible, expand\u2192migrate\u2192contract migrations; step back migrations explicitly if needed)'];
    if (spec.shared.files.length)
        out.push(facts?.shared ? sharedFiles(spec, facts) : `shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`);
    if (spec.shared.dirs.length)
        out.push(`shared directories (${spec.shared.dirs.join(', ')}): uploads and files written there stay`);
    out.push('queued jobs serialized by the newer code may fail on the older code: restart workers (e.g. php artisan queue:restart) and watch failed jobs');
    out.push(`caches shared between releases (the application cache, Redis/Memcached, opcache) keep what the newer code wrote: clear them and reload PHP-FPM${spec.rollback_hooks.length ? ` \u2014 rollback_hooks ran: ${spec.rollback_hooks.map(hookText).join('; ')}` : ' (add rollback_hooks to do it automatically)'}`);
    return out;
}
function database(f) {
    const p = f.point?.restore_point;
    if (f.restored && p)
        return `the database: restored to the point taken before ${f.point.id} (${p.at}); what was written since is gone (counted above)`;
    const migrations = f.kept.length
        ? `migrations that stay applied: ${f.kept.join(', ')} (--db stepback steps them back)`
        : f.steppedBack.length ? `migrations stepped back: ${f.steppedBack.join(', ')}; data written by the newer release stays` : 'no migration of the releases rolled over is still applied; data written by the newer release stays';
    const point = p
        ? `a restore point taken before ${f.point.id} exists (${p.at}, ${formatAge(p.at, f.now)} old, ${p.engine}): slipway db restore ${f.point.id} returns the database to it, losing every write since`
        : `no restore point covers this rollback${f.noPoint ? ` (${f.noPoint})` : ''}`;
    return `the database: ${migrations}; ${point}`;
}
function sharedFiles(spec, f) {
    const since = f.target?.created_at;
    const changed = since ? f.shared.filter((s) => s.changed > since) : [];
    if (!since)
        return `shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`;
    if (!changed.length)
        return `shared files (${spec.shared.files.join(', ')}): none changed since ${f.target.id} was deployed (${since})`;
    return `shared files changed since ${f.target.id} was deployed (${since}) stay as they are: ${changed.map((s) => `${s.file} (changed ${s.changed})`).join(', ')}`;
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

/** Activates an earlier release on every host (atomic switch), marks the one it replaces rolled-back, runs rollback_hooks. */
async function rollback(options) {
    const op = operation(options);
    const { spec, reporter } = op;
    const owner = lockOwner(op, 'rollback');
    const sessions = await openSessions(spec, options.connect ?? sshConnector, reporter);
    holdChannels(sessions, spec, reporter);
    const stop = keepAlive(op, sessions, owner);
    try {
        return await forceable(op, sessions, owner, rollbackOn(op, sessions, owner, options), (why) => new SlipwayError(`rollback stopped at once (${why}, a second time): the lock is released; check with: slipway releases`));
    }
    catch (error) {
        // A rollback left to its host job: the job releases the lock when it is done.
        if (error instanceof LeftToHost)
            throw new SlipwayError(`rollback was cancelled by ${String(op.signal?.reason ?? 'abort')} while its host job ran: ${error.message}; check with: slipway releases`);
        await releaseLocks(op, sessions, owner);
        // A cancel is only seen while waiting for the lock, before anything is written.
        if (error instanceof Cancelled)
            throw new SlipwayError(`rollback was ${error.message} while waiting for the lock; nothing was changed`);
        throw error instanceof SlipwayError ? error : new SlipwayError(String(error));
    }
    finally {
        stop();
        await closeSessions(sessions);
    }
}
/** The rollback on connected hosts, each holding one channel. */
async function rollbackOn(op, sessions, owner, options) {
    const { spec, reporter } = op;
    const states = await lockHosts(op, sessions, owner, false);
    await repairInterrupted(op, sessions, states);
    const stamp = op.now().toISOString();
    const names = sessions.map((s) => s.host.name);
    const fleet = planFleetRollback(states, names, { to: options.to, by: op.by, stamp });
    const target = fleet.target;
    // A host that already serves the target stays as it is (only its lock is released).
    const plans = fleet.plans.map((p) => p ?? { target, from: target, updates: [], over: [] });
    const stayed = names.filter((_, i) => !fleet.plans[i]);
    const from = fleet.plans.find((p) => p)?.from ?? '(none)';
    const at = migrateHostIndex(spec);
    const over = plans[at].over;
    const mode = dbMode(options);
    if (mode !== 'keep' && stayed.includes(names[at]))
        throw new InputError(`${names[at]}, the host that migrates, already serves ${target}: --db ${mode} has nothing to undo there. Nothing was changed. Fix: roll back with --db keep`);
    if (mode === 'stepback')
        refuseForwardOnly(over);
    const steps = mode === 'stepback' && over.length ? await planMigrationSteps(op, sessions[at], plans[at], stamp) : { commands: [], names: [] };
    if (op.signal?.aborted)
        throw new SlipwayError(`rollback was cancelled by ${String(op.signal.reason)} before it switched anything; the lock is released`);
    const restore = mode === 'restore' ? planRollbackRestore(op, sessions[at], states[at], plans[at], stamp) : undefined;
    reporter.info(`Rolling back ${from} \u2192 ${target} on ${sessions.length - stayed.length} host(s)${stayed.length ? ` (${stayed.join(', ')} already serve ${target} and stay)` : ''}${restore ? `, the database to the point taken before ${restore.release.id} (${restore.release.restore_point.at})` : ''}`);
    const line = auditLine(op, 'rollback', target, undefined, `manual, from ${from}${steps.names.length ? `, migrations stepped back: ${steps.names.join(' ')}` : ''}${restore ? `, database restored to the point of ${restore.release.id}` : ''}`);
    const facts = { now: op.now(), target: states[at].records.find((r) => r.id === target), kept: [], steppedBack: steps.names, ...coveringPoint(states[at], plans[at]) };
    const db = { mode };
    await reporter.group(`Roll back to ${target}`, () => onEach(sessions, async (s, i) => {
        if (!fleet.plans[i])
            return void await runPhase(s, spec, reporter, 'unlock', [release(s.layout, owner)]);
        const extra = i === at ? [...steps.commands, ...(restore?.commands ?? []), ...sharedTimes(s, s.layout, spec.shared.files)] : [];
        // A host job: the switch back, the step-back, the hooks and the unlock finish on the host even if this run stops.
        const job = `rollback.${owner.token.replace(/[^A-Za-z0-9_-]/g, '') || 'run'}`;
        const r = await undoOnHost(s, spec, reporter, 'roll back', [], startJob(s.layout, job, restorePhase(s, s.layout, spec, target, plans[i].updates, line, owner, extra), heartbeat(s.layout, owner), holding(s.layout, owner)), job, op.late);
        if (i !== at)
            return;
        facts.shared = sharedChanges(spec, r.data);
        if (steps.names.length) {
            const check = checkStepBack(op, driverFor(spec), r.data, { ran: steps.names });
            if (!check.ok)
                throw new SlipwayError(`code rolled back to ${target}, but migrations are still applied: ${check.stillApplied.join(', ')}`);
        }
        if (restore) {
            const point = restore.release.restore_point;
            db.lost = describeLoss(point, checkRestore(r.data, restore.release.id, `code rolled back to ${target}`));
            db.restored = { release: restore.release.id, at: point.at, file: point.file };
            Object.assign(facts, { restored: true, point: restore.release });
        }
    }));
    return { ...report(op, sessions.filter((_, i) => fleet.plans[i]), target, from, over, facts, db), hosts: names, stayed };
}
/** --migrations over a release deployed under check.policy: forward-only with migrations without down(): refused before anything changes. */
function refuseForwardOnly(over) {
    const blocked = over.filter((r) => r.migrations?.no_down?.length);
    if (!blocked.length)
        return;
    const why = blocked.map((r) => `release ${r.id}: ${noDownReason(r.migrations.no_down)}`).join('; ');
    throw new InputError(`rollback --migrations: ${why}. Nothing was changed. Fix: roll back without --migrations (the code goes back, the schema stays), then undo the schema with a new migration if needed`);
}
/**
 * Step-back commands for the migrations of the releases rolled back over, newest first, each from
 * its own release directory; refuses (nothing touched) when any of them cannot be undone.
 */
async function planMigrationSteps(op, s, plan, stamp) {
    const driver = driverFor(op.spec);
    if (!driver)
        throw new InputError('--db stepback (--migrations) needs a migrate section in the spec');
    const read = await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, plan.over[0].id, driver));
    let db = driver.parse(read.data.state?.[0]);
    const commands = [];
    const names = [];
    for (const r of plan.over) {
        const base = plan.updates.find((u) => u.id === r.id) ?? r;
        const step = planStepBack(s, driver, base, db, stamp);
        if ('refused' in step)
            throw new SlipwayError(`cannot step back the migrations of ${r.id} (${r.migrations.ran.join(', ')}): ${step.refused}. Nothing was changed; roll back with --db keep (or --db restore), or step back by hand`);
        if (step.how)
            op.reporter.info(`stepping back the migrations of ${r.id}: ${step.how}`);
        commands.push(...step.commands);
        names.push(...step.names);
        db = { ...db, ran: db.ran.filter(([n]) => !step.names.includes(n)) };
    }
    return { commands, names };
}
/** Tells what happened and what was not reverted, and builds the result. */
function report(op, sessions, target, from, over, facts, db) {
    const steppedBack = facts.steppedBack;
    const kept = db.restored ? [] : over.flatMap((r) => r.migrations.ran).filter((n) => !steppedBack.includes(n));
    const caveats = notReverted(op.spec, { ...facts, kept });
    op.reporter.info(`Rolled back ${from} \u2192 ${target} on ${sessions.map((s) => s.host.name).join(', ')}`);
    if (kept.length)
        op.reporter.warn(`migrations that stay applied (roll back with --db stepback to step them back): ${kept.join(', ')}`);
    if (steppedBack.length)
        op.reporter.info(`migrations stepped back: ${steppedBack.join(', ')}`);
    if (db.restored)
        op.reporter.warn(`database restored to the point taken before ${db.restored.release}; lost:\n${db.lost.map((l) => `  - ${l}`).join('\n')}`);
    op.reporter.warn(`A code rollback does not revert:\n${caveats.map((c) => `  - ${c}`).join('\n')}`);
    return { release: target, from, hosts: sessions.map((s) => s.host.name), notReverted: caveats, migrations: { steppedBack, kept }, db };
}

var rollback$1 = /*#__PURE__*/Object.freeze({
    __proto__: null,
    pickTarget: pickTarget,
    rollback: rollback
});

export { rollback$1 as a, notReverted as n, rollback as r };
