import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { f as firstPhase, S as StepError, e as seq, N as NOW, n as nap, b as sh, g as NAPPER, i as render, m as mkdirs, j as cmd, r as runPhase, k as stepMark, l as revive, o as openSessions, s as sshConnector, c as closeSessions, a as raw, p as stepLabels } from './session.js';
import { preflight } from './preflight.js';
import { w as writeRecord, a as auditLine, c as advance, b as audit, i as inLockOrder, e as waitForLocks, f as pointProvider, g as readPoint, D as DIRS_LIST, U as UPLOAD_LIST, p as parseState, r as readState, S as SPLIT_COPY, h as manifestFile, j as dirsFile, k as completeUpload, m as migrateHostIndex, d as driverFor, n as lock } from './audit.js';
import { a as onEach, h as heartbeat, e as holding, b as release, H as HEARTBEAT, g as LOCK_TTL, C as Cancelled, c as releaseLocks, o as operation, l as lockOwner, k as keepAlive, f as forceable } from './run.js';
import { f as fire, c as claim, a as freeSpace, r as restorePhase, b as planRollback, d as awaitJob, e as claimGuard, s as switchTo, g as startJob, u as undoOnHost, L as LeftToHost, h as armGuard, G as GUARDED, i as runJobPhase, j as hooks, k as runJob, l as guardPaths, m as checkSharedFiles, n as linkShared, o as makeWritable, q as copyFromPrevious, t as activate, v as clearRelease, w as unpack } from './restore-phase.js';
import { posix, join, resolve, basename } from 'node:path';
import { S as SlipwayError, j as journalFile, r as releaseDir, U as UntouchedError, h as hooksFor, I as InputError, d as recordFile, P as POINT_EXTENSIONS, e as pointFile } from './select.js';
import { setTimeout } from 'node:timers/promises';
import { planBatches, batchNames, tolerated } from './batches.js';
import { r as removeLeftovers, a as readSchema, d as describeItem, s as schemaCheck, c as canStepBack, n as noDownReason, b as stepBack, p as planStepBack, e as checkStepBack, o as outcome, f as schemaResult, g as readMigrationState, h as runMigrations, i as repair } from './repair.js';
import { runSmoke } from './smoke.js';
import { shardOf } from './phases.js';
import { d as describePoint } from './points.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, createWriteStream, rmSync, readFileSync, mkdirSync, writeFileSync, renameSync, createReadStream } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { t as tarStream, g as gitCommit, S as SMALL_FILE } from './source.js';
import 'node:stream';
import './ssh.js';
import 'node:net';
import 'node:child_process';
import './load.js';
import 'process';
import 'buffer';
import './schema.js';
import 'node:util';
import './_commonjsHelpers.js';
import 'events';

/** Splits a channel's stdin into phases; calls `onPhase` with each (and its marker) as it completes. */
function splitPhases(stdin, onPhase) {
    let text = '';
    let inUpload = false;
    return new Promise((resolve, reject) => {
        stdin.on('data', (chunk) => {
            if (inUpload)
                return;
            text += chunk.toString();
            for (let p = firstPhase(text); p && !inUpload; p = firstPhase(text)) {
                text = text.slice(p.script.length);
                inUpload = p.readsStdin;
                onPhase({ script: p.script, upload: inUpload }, p.marker);
            }
        });
        stdin.on('end', () => resolve());
        stdin.on('error', reject);
    });
}
/** A host that records what it is sent. */
class RecordingRemote {
    name;
    phases = [];
    constructor(name) {
        this.name = name;
    }
    async exec(_command, options = {}) {
        const stdin = options.stdin;
        if (stdin === undefined || typeof stdin === 'string')
            throw new Error('the recorder expects scripts on a stream');
        await splitPhases(stdin, (phase, marker) => {
            this.phases.push(phase);
            setImmediate(() => options.onLine?.(`${marker}end:0`, 'stdout'));
        });
        // As a host does: the last phase's end line comes before the channel closes (an upload's stdin can end in the
        // same tick as its script arrives).
        await new Promise((r) => setImmediate(r));
        return { code: 0, stdout: '', stderr: '' };
    }
    async close() { }
}

/**
 * The host ledger: per host, what a deploy did there and which release it serves. Every entry comes from an
 * observation — a round trip that ended (or did not), a history read back — never from what should have happened.
 */
/** A host's `serves` when its `current` may have moved while this run lost sight of it. */
const UNKNOWN = 'unknown';
/** A host's `serves` when it has no live release. */
const NONE = 'none';
/** A fresh ledger: nothing done yet, what each host serves not read yet. */
function newLedger(hosts) {
    return hosts.map((host) => ({ host, serves: UNKNOWN, prepared: false, switched: false, rolledBack: false }));
}
/** A short cause for the ledger. */
function causeOf(error) {
    if (error instanceof StepError)
        return error.summary;
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
/** Adds what went wrong on a host (a second failure, e.g. while undoing, is appended). */
function noteError(entry, error, prefix = '') {
    const cause = prefix + causeOf(error);
    entry.error = entry.error ? `${entry.error}; ${cause}` : cause;
}
/**
 * Records a round trip on one host (the names of its steps): what they did when it ended with exit 0, or where it stopped.
 * `serves` is the release read at the lock, or the new one once its switch ran; a host lost while its switch
 * may have been running serves {@link UNKNOWN}.
 */
function noteTrip(entry, names, id, current, error) {
    if (names.includes('lock') && !error)
        entry.serves = current ?? NONE;
    if (!error) {
        if (names.includes('build'))
            entry.prepared = true;
        if (names.includes('switch'))
            Object.assign(entry, { switched: true, serves: id });
        return;
    }
    noteError(entry, error);
    if (!names.includes('switch'))
        return;
    const failedAt = error instanceof StepError ? names.indexOf(error.step) : -1;
    if (failedAt > names.indexOf('switch'))
        Object.assign(entry, { switched: true, serves: id });
    else if (!(error instanceof StepError && error.unsent))
        entry.serves = UNKNOWN; // nothing was sent: it serves what it did
}
/** Records the smoke outcome per host: its own checks and the runner's. */
function noteSmoke(ledger, results) {
    for (const entry of ledger) {
        const mine = results.filter((r) => !r.host || r.host === entry.host);
        if (mine.length)
            entry.smoke = mine.every((r) => r.ok) ? 'passed' : 'failed';
        for (const r of mine.filter((c) => !c.ok && c.host))
            noteError(entry, `smoke ${r.name}: ${r.detail.split('\n')[0]}`);
    }
}
/** Every host serves the same, known release. */
function consistent(ledger) {
    return ledger.every((e) => e.serves !== UNKNOWN && e.serves === ledger[0].serves);
}

/**
 * Confirm or revert, on the host: at the switch a detached watchdog is armed with the commands that revert
 * the release; unless the run claims the release first (to confirm it, or to revert it itself), the watchdog
 * claims it when its time is up and runs them. A claim is an atomic rename, so exactly one side acts.
 */
/** Exit code of a claim when the watchdog has already reverted the release. */
const REVERTED = 76;
const armed = (l, id) => posix.join(l.watchdog, id);
/**
 * Arms the watchdog of release `id`: after `seconds`, unless claimed, it runs `revert` (best effort, every command).
 * While it waits it runs `beat` every second (the run's lock heartbeat): the lock of a run that died after its
 * switch stays with the watchdog, so no other operation takes it over and deploys before the watchdog has decided.
 */
function armWatchdog(l, id, seconds, revert, beat) {
    const file = armed(l, id);
    const wait = seq(NAPPER, sh `end=$(( ${NOW} + ${String(seconds)} )); while [ ${NOW} -lt "$end" ]; do [ -e ${file} ] || exit 0; ${beat}; ${nap(1)}; done`);
    const script = render(seq(wait, fire(file, revert)));
    return [mkdirs(l.watchdog), sh `: > ${file}`, sh `setsid ${cmd('bash', '-c', script)} </dev/null >/dev/null 2>&1 &`];
}
/** Claims release `id` before its watchdog does; exits {@link REVERTED} when the watchdog already has. A release never armed is claimed as is. */
function claimRelease(l, id) {
    return claim(armed(l, id), `the host's watchdog had already reverted release ${id}: the run did not confirm it in time`, REVERTED);
}

/**
 * A full disk on a host, told apart from other failures by what was observed: the failing step's output says
 * "No space left on device", or the deploy root's filesystem has (almost) nothing free right after it failed.
 */
/** Below this many KiB free for the deploy user, a failed step counts as having run out of space. */
const FULL_KIB = 1024;
/** The failed step ran out of space on its host, or undefined (also when free space cannot be read). */
async function diskFull(run, error) {
    if (!(error instanceof StepError))
        return undefined;
    const s = run.sessions.find((x) => x.host.name === error.host);
    if (!s)
        return undefined;
    const said = /no space left on device/i.test(error.tail.join('\n'));
    const read = await runPhase({ ...s, channel: undefined }, run.spec, run.op.reporter, 'free space', [stepMark(s, 'free space'), freeSpace(s, s.layout)]).catch(() => undefined);
    const text = read?.data.free?.[0];
    const free = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    return said || (free !== undefined && free < FULL_KIB) ? { host: error.host, step: error.step, free } : undefined;
}
/** The report's words for it. */
function describeFull(full) {
    return `no space left on device on ${full.host} during ${full.step}${full.free !== undefined ? ` (${full.free} KiB free after it failed)` : ''}`;
}

/** Exit code of a deploy that failed and left the fleet consistent (every host on the same release). */
const FAILED_CONSISTENT = 1;
/** Exit code of a deploy that failed and left hosts on different (or unknown) releases. */
const FAILED_INCONSISTENT = 4;
/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
class DeployError extends SlipwayError {
    result;
    exitCode;
    constructor(message, result) {
        super(message);
        this.result = result;
        this.name = 'DeployError';
        this.exitCode = consistent(result.ledger ?? []) ? FAILED_CONSISTENT : FAILED_INCONSISTENT;
    }
}
/** The report's last line about migrations: stepped back, or still applied and why. */
function stepBackNote(result) {
    const m = result.migrations;
    if (!m)
        return '';
    const schema = [m.removed?.length ? `removed what the failed migration added: ${m.removed.join(', ')}` : '', m.notRemoved?.length ? `NOT removed: ${m.notRemoved.join(', ')}` : '', m.schemaCheck ?? ''];
    const tail = schema.filter(Boolean).map((line) => `\n${line}`).join('');
    if (!m.ran.length)
        return tail;
    if (m.steppedBack.length)
        return `\nmigrations stepped back: ${m.steppedBack.join(', ')}${tail}`;
    return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}${tail}`;
}

/** Commands around the step-back on the migrating host: remove what the failed migration added (first, so that the batch's earlier migrations step back from the state they left), then read the schema again (last). */
function leftoverCommands(run) {
    const f = run.migrated?.schema;
    const { driver } = run;
    if (!driver || !f || typeof f === 'string')
        return { first: [], last: [] };
    const s = run.sessions[run.at];
    const l = run.plans[run.at].layout;
    const first = f.leftovers.kind === 'added' ? removeLeftovers(s, l, run.id, driver, f.leftovers.sql) : [];
    return { first, last: readSchema(s, l, run.id, driver, 'check') };
}
/** Reads what the cleanup did and the schema read afterwards; reports it and records it in the result. */
function checkLeftovers(run, data) {
    const f = run.migrated?.schema;
    const m = run.result.migrations;
    if (!f || typeof f === 'string' || !m)
        return;
    const l = f.leftovers;
    if (l.kind === 'added') {
        const done = new Map((data.cleanup ?? []).map((line) => line.split(' ')).map(([ok, i, msg]) => [Number(i), ok === 'ok' ? '' : Buffer.from(msg ?? '', 'base64').toString('utf8')]));
        m.removed = l.items.filter((_, i) => done.get(i) === '').map(describeItem);
        const failed = l.items.flatMap((item, i) => (done.get(i) === '' ? [] : [`${describeItem(item)} (${done.get(i) || 'not run'})`]));
        m.notRemoved = [...failed, ...l.kept.map((i) => `${describeItem(i)} (the database cannot drop it on its own)`)];
        if (m.removed.length)
            run.op.reporter.info(`removed what the failed migration added: ${m.removed.join(', ')}`);
        if (m.notRemoved.length)
            run.op.reporter.error(`NOT removed: ${m.notRemoved.join(', ')}`);
    }
    const check = schemaCheck(f.before, data);
    m.schemaCheck = check.said;
    m.schemaRestored = check.equal;
    if (check.equal)
        run.op.reporter.info(check.said);
    else
        run.op.reporter.error(check.said);
}

/** The step-back planned before migrating (step `pending`): used when a migrate job's outcome is never read. */
/**
 * Steps back whatever of this run's batch is applied, planned from the state read before migrating: the guard's
 * step-back, and the run's own when it never read what its migrate job did. What was applied is not known when
 * this is planned, so the record says what was pending and which batch was stepped back, not which migrations.
 */
function plannedStepBack(run, failed) {
    const { driver, pending: before } = run;
    if (!driver?.stepBackBatch || !before?.pending.length)
        return [];
    const s = run.sessions[run.at];
    const batch = Math.max(0, ...before.ran.map(([, b]) => b)) + 1;
    const state = { ...before, ran: [...before.ran, ...before.pending.map((n) => [n, batch])]};
    const verdict = canStepBack({ driver: driver.name, ran: before.pending }, state);
    const noDown = before.pending.filter((n) => run.result.forwardOnly?.includes(n));
    const said = `pending before it migrated: ${before.pending.join(', ')}`;
    const refused = noDown.length ? noDownReason(noDown) : verdict.ok ? undefined : verdict.reason;
    if (refused)
        return [writeRecord(s.layout, { ...failed, note: `${failed.note}; what of batch ${batch} was applied stays (${said}): ${refused}` })];
    const ok = { ...failed, note: `${failed.note}; stepped back what of batch ${batch} was applied (${said})` };
    const bad = { ...failed, note: `${failed.note}; stepping back what of batch ${batch} was applied FAILED (${said}): see its output` };
    return stepBack(s, s.layout, run.id, driver.stepBackBatch(batch, before.version), driver, ok, bad);
}

/**
 * Step `restore`, the one failure path of a deploy: the new release marked failed; after a switch, every
 * host switched back (the target chosen by the rollback brain); this deploy's migrations stepped back
 * when allowed; an audit line; the lock released — one round trip per host.
 */
/** Deploys with smoke checks have a time between switch and confirmation for a runner to die in: the host watches it. */
function watched(run) {
    return run.spec.smoke.length > 0;
}
/** This deploy's step-back, or why not; undefined when it ran no migrations. Pure: the watchdog uses it too. */
function stepBackPlan(run, failed, switched, stamp) {
    const { driver, migrated, op } = run;
    if (!driver || !migrated?.record.ran.length)
        return undefined;
    // A failed migrate run is always undone (the deploy never went live); after a switch, only with step_back: auto.
    const allowed = !switched || op.spec.migrate?.step_back === 'auto';
    return allowed ? planStepBack(run.sessions[run.at], driver, failed, migrated.after, stamp) : { refused: 'migrate.step_back is never' };
}
/** The step-back commands for this deploy's migrations, or none (with the refusal recorded in the result). */
function stepBackCommands(run, failed, switched, stamp) {
    const plan = stepBackPlan(run, failed, switched, stamp);
    if (!plan)
        return [];
    if ('commands' in plan) {
        if (plan.how)
            run.op.reporter.info(`stepping back the migrations of ${failed.id}: ${plan.how}`);
        return plan.commands;
    }
    run.result.migrations.refused = plan.refused;
    run.op.reporter.error(`migrations of ${failed.id} are NOT stepped back (${plan.refused}); still applied: ${run.migrated.record.ran.join(', ')}`);
    return [];
}
/** Where host `i` goes back to and the records it writes, when this deploy is undone (the rollback brain's plan). */
function revertPlan(run, i, note, stamp, switched) {
    const p = run.plans[i];
    const state = { records: [...run.states[i].records, p.record], current: switched ? run.id : p.previous};
    return switched ? planRollback(state, { automatic: true, previous: p.previous, note, stamp }) : { target: undefined, updates: [advance(p.record, 'failed', { note, updated_at: stamp })] };
}
/** What undoes this deploy on host `i`: the runner's restore and the host's watchdog send the same commands. */
function revertCommands(run, i, note, stamp, stepBack, switched, by = 'automatic') {
    const { op, id } = run;
    const s = run.sessions[i];
    const p = run.plans[i];
    const plan = revertPlan(run, i, note, stamp, switched);
    const line = switched
        ? auditLine(op, 'rollback', p.previous ?? '(none)', undefined, `${by}, from ${id}: ${note}`)
        : auditLine(op, 'deploy', id, run.commit, 'failed before switch');
    return restorePhase(s, s.layout, op.spec, plan.target, plan.updates, line, run.owner, [...(i === run.at ? stepBack : []), cmd('rm', '-f', journalFile(s.layout, id))], switched);
}
/**
 * Undoes a deploy that failed: `switched` says whether `current` may have moved (on the hosts whose rollout
 * batch started); `drop` removes its release directory first (it filled the disk). With `only`, just those hosts
 * (failed within strategy.max_failed) are switched back, and the migrations stay: the other hosts run on them.
 */
async function restore(run, note, switched, drop = false, only) {
    const { op, id } = run;
    const stamp = op.now().toISOString();
    const failed = advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp });
    // A migrate job whose outcome the run never read: its step-back is the one planned before it started.
    const unread = !only && run.migrating && !run.migrated;
    if (unread && run.pending?.pending.length)
        op.reporter.warn(`the outcome of the migrations was not read: stepping back what of them was applied (${run.pending.pending.join(', ')})`);
    // (It steps back once the job has ended: a job whose follower was lost may still be migrating.)
    const stepBack = only ? [] : unread ? [awaitJob(run.plans[run.at].layout, `${id}.migrate`), ...plannedStepBack(run, failed)] : stepBackCommands(run, failed, switched, stamp);
    // What a failed migration added goes first: the batch's earlier migrations step back from the state they left.
    const db = only ? { first: [], last: [] } : leftoverCommands(run);
    const hosts = only ?? run.sessions.map((_, i) => i).filter((i) => !run.rollout.dropped.includes(i));
    await op.reporter.group(`Roll back ${id}${only ? ` on ${only.map((i) => run.sessions[i].host.name).join(', ')}` : ''}`, () => onEach(hosts.map((i) => run.sessions[i]), async (s, k) => {
        const i = hosts[k];
        const switchedHere = switched && run.rollout.entered[i];
        // The migrate job's guard (when its outcome was never read) and the watchdog stand down, unless they already acted.
        const claim = [...(i === run.at && run.migrating ? [claimGuard(s.layout, `${id}.migrate`)] : []), ...(switchedHere && watched(run) ? [claimRelease(s.layout, id)] : [])];
        const removal = drop ? [cmd('rm', '-rf', releaseDir(s.layout, id))] : [];
        const entry = run.result.ledger[i];
        const revived = await revive(s);
        if (revived)
            noteError(entry, `${revived} before the ${switchedHere ? 'switch-back' : 'failure was recorded'}`);
        let r;
        try {
            // A host job: once started, the host finishes the undo (and releases the lock) even if this run stops following it.
            const job = `${id}.restore`;
            // The old release goes live again right after the job's own lock check, before the job starts (which switches
            // again, to the same target: a no-op). A release that filled the disk goes first: the job's files need the space.
            const back = switchedHere ? [switchTo(s.layout, revertPlan(run, i, note, stamp, true).target)] : [];
            const undo = startJob(s.layout, job, revertCommands(run, i, note, stamp, [...db.first, ...stepBack, ...db.last], switchedHere), heartbeat(s.layout, run.owner), holding(s.layout, run.owner), back);
            r = await undoOnHost(s, op.spec, op.reporter, switchedHere ? 'roll back' : 'record failure', [...claim, ...removal], undo, job, op.late);
        }
        catch (error) {
            noteError(entry, error, 'undo: ');
            // Nothing reached the host (its connection was gone): it serves what the ledger last knew; else it is unknown.
            if (switchedHere && !(error instanceof StepError && error.unsent))
                entry.serves = UNKNOWN;
            // Its watchdog (armed at the switch, unclaimed) reverts it and then releases the lock: keep the lock for it.
            if (claim.length || error instanceof LeftToHost)
                entry.lockLeft = true;
            throw error;
        }
        if (switchedHere)
            Object.assign(entry, { serves: run.plans[i].previous ?? NONE, rolledBack: entry.switched || entry.serves === UNKNOWN });
        if (i === run.at && stepBack.length && run.migrated) {
            const check = checkStepBack(op, run.driver, r.data, run.migrated.record);
            run.result.migrations.steppedBack = check.ok ? run.migrated.record.ran : [];
            run.result.migrations.stillApplied = check.stillApplied;
        }
        if (i === run.at && db.last.length)
            checkLeftovers(run, r.data);
    }));
    if (!only)
        run.result.rolledBack = switched;
}

/** Host `i` takes part in the steps running now. */
function isActive(run, i) {
    return run.only === undefined || run.only.includes(i);
}
/** The sessions of the hosts taking part now. */
function activeSessions(run) {
    return run.sessions.filter((_, i) => isActive(run, i));
}

/** Step `smoke` (runner): the smoke checks after the switch; a failure switches back unless rollback.on_smoke_failure is false. */
/** Smoke checks failed (the pipeline switches back); `failed` names the checks and hosts. */
class SmokeFailed extends Error {
    failed;
    constructor(message, failed) {
        super(message);
        this.failed = failed;
    }
}
/** rollback.on_smoke_failure false: the release stays live with the reason in its record; audit, unlock. */
async function keepLive(run, why) {
    const line = auditLine(run.op, 'deploy', run.id, run.commit, 'live, smoke failed, not rolled back (rollback.on_smoke_failure: false)');
    // Hosts a rolling deploy has not switched yet stay where they are, their copy of the release marked failed.
    await onEach(run.sessions, (s, i) => {
        const p = run.plans[i];
        const record = run.rollout.entered[i] ? advance(p.record, 'live', { note: why }) : advance(p.record, 'failed', { note: `not switched: ${why}` });
        return runPhase(s, run.spec, run.op.reporter, 'record failure', [writeRecord(p.layout, record), audit(p.layout, line), release(p.layout, run.owner)]);
    });
    throw new DeployError(`deploy of ${run.id} is live but its ${why}\nrollback.on_smoke_failure is false: roll back by hand with slipway rollback`, run.result);
}
const smoke = {
    name: 'smoke',
    where: 'runner',
    onFailure: 'switch back',
    rollout: true,
    when: (run) => run.spec.smoke.length > 0,
    run: async (run) => {
        const results = await run.op.reporter.group('Smoke tests', () => runSmoke(run.op, activeSessions(run), run.spec.smoke, run.dry));
        run.result.smoke = [...run.result.smoke, ...results];
        noteSmoke(run.result.ledger.filter((_, i) => isActive(run, i)), results);
        const failed = results.filter((r) => !r.ok);
        if (failed.length)
            await smokeFailed(run, failed);
    }
};
/** Fails the deploy for failed checks (`during` says when, e.g. during the bake): switch back, or keep it live when told to. */
async function smokeFailed(run, failed, during = '') {
    const why = `smoke check failed${during}: ${failed.map((f) => `${f.name}${f.host ? ` on ${f.host}` : ''}: ${f.detail}`).join('; ')}`;
    if (!run.spec.rollback.on_smoke_failure)
        await keepLive(run, why);
    throw new SmokeFailed(why, failed);
}

/**
 * The rollout: the switch steps (watchdog, switch, activate, smoke, bake) run once per batch of `strategy:`,
 * each batch gated by the one before it passing. A host that fails within `max_failed` is switched back alone
 * and leaves the deploy; beyond it, the failure goes to the pipeline's one failure hook, which switches back
 * every host switched so far. What every host serves after each batch is written to the timeline.
 */
/** A rollout not started yet; with one batch (all at once) every host counts as entered from the start. */
function newRollout(spec) {
    const batches = planBatches(spec);
    return { batches, at: -1, entered: spec.hosts.map(() => batches.length === 1), dropped: [], timeline: [] };
}
/** Runs the rollout's trips for each batch in turn, then puts every host still in the deploy back in play. */
async function rollOut(run, trips, runOne) {
    const { batches } = run.rollout;
    for (let k = 0; k < batches.length; k++) {
        if (k > 0 && run.spec.strategy.pause && !run.dry)
            await pause(run);
        run.rollout.at = k;
        run.only = batches[k].filter((i) => !run.rollout.dropped.includes(i));
        for (const i of run.only)
            run.rollout.entered[i] = true;
        if (batches.length > 1)
            run.op.reporter.info(`batch ${k + 1}/${batches.length}: ${batchNames(run.spec, run.only)}`);
        for (const trip of trips) {
            if (run.only.length)
                await runOne(trip, (error) => absorb(run, error));
        }
        if (batches.length > 1)
            note(run, `batch ${k + 1}/${batches.length} (${batchNames(run.spec, batches[k])}) passed`);
    }
    run.only = run.sessions.map((_, i) => i).filter((i) => !run.rollout.dropped.includes(i));
}
/** The hosts a failure belongs to, when it is some hosts' own (a host step, or host-side smoke checks). */
function culprits(run, error) {
    if (error instanceof SmokeFailed) {
        if (error.failed.some((r) => !r.host))
            return undefined; // a runner check speaks for every host
        return [...new Set(error.failed.map((r) => run.sessions.findIndex((s) => s.host.name === r.host)))];
    }
    return run.failedHosts?.length ? run.failedHosts : undefined;
}
/**
 * Within max_failed: the failed hosts are switched back alone (their release marked failed, their lock released)
 * and the rollout goes on without them. Returns false when the failure must stop the rollout: beyond the budget,
 * not one host's, or on the host that ran the migrations (its step-back belongs to the whole deploy).
 */
async function absorb(run, error) {
    const hosts = culprits(run, error);
    const budget = tolerated(run.spec);
    if (!hosts || !budget || hosts.includes(run.at) || run.rollout.dropped.length + hosts.length > budget)
        return false;
    const why = causeOf(error);
    await restore(run, why, true, false, hosts);
    run.rollout.dropped.push(...hosts);
    run.result.rollout?.dropped.push(...hosts.map((i) => run.sessions[i].host.name));
    run.only = run.only?.filter((i) => !hosts.includes(i));
    run.op.reporter.warn(`${batchNames(run.spec, hosts)}: switched back alone (${run.rollout.dropped.length} of ${budget} tolerated by strategy.max_failed): ${why}`);
    note(run, `${batchNames(run.spec, hosts)} failed and were switched back alone`);
    return true;
}
/** Adds to the timeline what every host serves now. */
function note(run, what) {
    const line = `${what}: ${run.result.ledger.map((e) => `${e.host}=${e.serves}`).join(' ')}`;
    run.rollout.timeline.push(line);
    run.op.reporter.info(line);
}
async function pause(run) {
    run.op.reporter.info(`pausing ${run.spec.strategy.pause} s before the next batch`);
    await setTimeout(run.spec.strategy.pause * 1000, undefined, { signal: run.op.signal }).catch(() => undefined);
}
/** After a deploy that went through with hosts dropped within max_failed: an error that says so (the fleet is split). */
function droppedError(run) {
    const { dropped } = run.rollout;
    if (!dropped.length || run.dry)
        return undefined;
    const live = run.sessions.length - dropped.length;
    return new DeployError(`deploy of ${run.id} is live on ${live} of ${run.sessions.length} hosts; ${batchNames(run.spec, dropped)} failed and serve ${run.result.previous ?? '(no release)'} again (within strategy.max_failed: ${run.spec.strategy.max_failed}). Fix the cause, then deploy again`, run.result);
}
/** For the failure message of a rollout of several batches: where it stopped, and from the ledger which hosts went back, which never switched, which did not go back. */
function rolloutNote(run) {
    const { batches, at, dropped } = run.rollout;
    if (batches.length < 2 || at < 0)
        return '';
    const hosts = (test) => run.result.ledger.filter((_, i) => !dropped.includes(i) && test(i)).map((e) => e.host);
    const ledger = run.result.ledger;
    const back = hosts((i) => ledger[i].rolledBack);
    const never = hosts((i) => !ledger[i].switched && !ledger[i].rolledBack);
    const stuck = hosts((i) => ledger[i].switched && !ledger[i].rolledBack);
    const parts = [back.length ? `switched back ${back.join(', ')}` : '', never.length ? `never switched: ${never.join(', ')}` : '', stuck.length ? `NOT switched back: ${stuck.join(', ')}` : ''];
    return `\nrollout stopped in batch ${at + 1} of ${batches.length}: ${parts.filter(Boolean).join('; ')}`;
}

/** What migrating did (from the `before`/`after` data), into the run, its records and its result. */
function takeOutcome(run, data, failed) {
    run.migrated = outcome(run.op, run.driver, data, failed, run.id);
    const noDown = run.migrated.record.ran.filter((n) => run.result.forwardOnly?.includes(n));
    if (noDown.length)
        run.migrated.record.no_down = noDown;
    for (const p of run.plans)
        p.record = { ...p.record, migrations: run.migrated.record };
    run.result.migrations = { ran: run.migrated.record.ran, steppedBack: [], failed: run.migrated.record.failed, ...schemaResult(run.migrated, run.id) };
}

/**
 * Step `pending` and the migrate guard (`armGuard` in src/commands/detach.ts). Before the migrate job starts, the
 * runner reads what is pending and plans the undo of a release that never went live: the run's own undo before a
 * switch, with a step-back of whatever of the new batch gets applied (the driver steps back a batch applied in
 * full, in part or not at all). The host runs it when the run stops before reading the job's outcome.
 */
/**
 * Seconds without a heartbeat after which the host's guard acts: three of the runner's heartbeats missed, and
 * before the lock's TTL (the next operation would take the lock over, and the guard stand down).
 */
const GUARD_GRACE = Math.max(1, Math.min(Math.ceil(3 * HEARTBEAT), LOCK_TTL - 2));
/** A guard needs a driver that can step back a batch planned before migrating. */
const guarded = (run) => run.driver?.stepBackBatch !== undefined;
const pending = {
    name: 'pending',
    where: 'migrating',
    onFailure: 'mark failed',
    when: guarded,
    commands: (run, i) => readMigrationState(run.sessions[i], run.plans[i].layout, run.id, run.driver),
    read: (run, _i, r, failed) => {
        if (run.dry || failed)
            return;
        run.pending = run.driver.parse(r.data.state?.[0]);
        // Nothing pending: the migrate step is skipped, and this is its outcome.
        if (!run.pending.pending.length)
            takeOutcome(run, { before: r.data.state, after: r.data.state }, false);
    }
};
/** The guard of the migrate job on host `i`: armed before the job starts. */
function guardMigrate(run, i, job) {
    run.migrating = true;
    const stamp = run.op.now().toISOString();
    const note = `the run stopped before it read the outcome of its migrations (no heartbeat for ${GUARD_GRACE} s): undone by the host's guard`;
    const failed = advance(run.plans[i].record, 'failed', { note, updated_at: stamp });
    return armGuard(run.plans[i].layout, job, GUARD_GRACE, revertCommands(run, i, note, stamp, plannedStepBack(run, failed), false), run.owner);
}
/** The run's message when the migrating host's guard undid the release before the run could (a claim exited GUARDED). */
function guardedMessage(run) {
    const host = run.sessions[run.at].host.name;
    return `deploy of ${run.id} was not switched: the guard on ${host} had already fired (this run sent no heartbeat for ${GUARD_GRACE} s before it read the outcome of its migrations), and its host job undoes the release: it steps back what the migrations applied, marks the release failed and releases the lock. Its log: .slipway/jobs/${run.id}.migrate.guard.log; check with: slipway releases`;
}
/** Where the lock stayed on the migrating host while its migrate job's guard is there (the job reported its state, so the guard armed before it is), what the guard does. */
function guardNote(run, left) {
    const host = run.sessions[run.at].host.name;
    if (!run.guardArmed || run.migrated || !left.includes(host))
        return '';
    return `\non ${host} the guard of the migrate job undoes it once this run has sent no heartbeat for ${GUARD_GRACE} s: it steps back what the migrations applied, marks the release failed and releases the lock (log: .slipway/jobs/${run.id}.migrate.guard.log)`;
}

/**
 * Runs a list of steps: consecutive host steps share a round trip (one script per host) until a step
 * needs what every host reported before it; runner steps run in between. Every failure goes through one
 * hook, which undoes as much as the failed step's `onFailure` says.
 */
/** Groups the steps that take part in this run into round trips (pure: depends on the spec and the hosts). */
function groupTrips(steps, run) {
    const trips = [];
    for (const step of steps) {
        if (step.when && !step.when(run))
            continue;
        const last = trips[trips.length - 1];
        if (step.where === 'runner')
            trips.push({ kind: 'runner', step });
        else if (last?.kind === 'hosts' && !step.barrier?.(run))
            last.steps.push(step);
        else
            trips.push({ kind: 'hosts', steps: [step] });
    }
    return trips;
}
const SEVERITY = ['unlock', 'mark failed', 'switch back'];
/** What a failure in this trip means: the most that any of its steps asks to undo. */
function onFailure(trip) {
    const modes = trip.kind === 'runner' ? [trip.step.onFailure] : trip.steps.map((s) => s.onFailure);
    return modes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a));
}
/** Runs one round trip: each host gets the commands of the steps that run there, as one script. */
async function runTrip(run, all) {
    run.failedHosts = [];
    const steps = all.filter((st) => !st.skip?.(run));
    const onHost = async (i) => {
        const mine = isActive(run, i) ? steps.filter((st) => st.where === 'each' || i === run.at) : [];
        if (!mine.length)
            return true;
        try {
            await runOnHost(run, mine, i);
            noteTrip(run.result.ledger[i], mine.map((st) => st.name), run.id, run.states[i]?.current);
        }
        catch (error) {
            noteTrip(run.result.ledger[i], mine.map((st) => st.name), run.id, run.states[i]?.current, error);
            run.failedHosts.push(i);
            throw error;
        }
        return run.holders[i] === undefined;
    };
    // The lock's round trip goes to the primary host first: a run that does not get it tries no other host.
    if (steps.some((st) => st.name === 'lock'))
        await inLockOrder(run.sessions, (_s, i) => onHost(i));
    // A trip that carries the upload sends it to max_connections hosts at a time (bounded parallel transfers).
    else
        await onEach(run.sessions, (_s, i) => onHost(i), steps.some((st) => st.stdin) ? run.spec.max_connections : undefined);
}
/** One host's part of a round trip. */
async function runOnHost(run, mine, i) {
    const s = run.sessions[i];
    const commands = mine.flatMap((st) => [stepMark(s, st.name), ...st.commands(run, i)]);
    const stdin = mine.find((st) => st.stdin)?.stdin?.(run, i);
    const job = mine.find((st) => st.job)?.job?.(run, i);
    const phase = mine.map((st) => st.name).join(', ');
    const extra = { stdin, okCodes: mine.flatMap((st) => st.okCodes ?? []) };
    let result;
    let error;
    try {
        result = await (job ? runJobPhase(s, run.spec, run.op.reporter, phase, commands, job, extra) : runPhase(s, run.spec, run.op.reporter, phase, commands, extra));
    }
    catch (e) {
        if (!(e instanceof StepError))
            throw e;
        error = e;
        result = { code: e.code, step: e.step, data: e.data, tail: e.tail };
    }
    for (const st of mine)
        st.read?.(run, i, result, error !== undefined);
    if (error)
        throw error;
}
/**
 * Runs the steps in order; a failure is undone as its step says, then thrown as a {@link DeployError}.
 * A cancel is seen between round trips: the one in flight finishes, then what the finished ones did is undone.
 */
async function execute(run, steps, title) {
    let done = 'unlock';
    const runOne = async (trip, absorb) => {
        const signal = run.op.signal;
        if (signal?.aborted)
            await fail(run, done, new Cancelled(String(signal.reason ?? 'abort')));
        try {
            if (trip.kind === 'runner') {
                run.op.reporter.debug(`runner: step ${trip.step.name}`);
                await trip.step.run(run);
            }
            else if (trip.steps.every((st) => st.skip?.(run)))
                run.op.reporter.debug(`skipped: ${trip.steps.map((st) => st.name).join(', ')} (nothing to do)`);
            else
                await run.op.reporter.group(title(trip), () => runTrip(run, trip.steps));
        }
        catch (error) {
            if (!(await absorb?.(error)))
                await fail(run, onFailure(trip), error);
        }
        done = onFailure(trip);
    };
    const trips = groupTrips(steps, run);
    for (let t = 0; t < trips.length; t++) {
        const segment = rolloutFrom(trips, t);
        if (!segment.length)
            await runOne(trips[t]);
        else {
            await rollOut(run, segment, runOne);
            t += segment.length - 1;
        }
    }
}
/** The trips from `t` on that belong to the rollout (none when trip `t` does not). */
function rolloutFrom(trips, t) {
    const inRollout = (trip) => (trip.kind === 'runner' ? trip.step.rollout : trip.steps.every((st) => st.rollout));
    const end = trips.findIndex((trip, k) => k >= t && !inRollout(trip));
    return trips.slice(t, end < 0 ? trips.length : end);
}
/**
 * Releases this run's lock everywhere it can, except where it is kept for the host's watchdog; the hosts where
 * it stays are marked in the ledger and returned.
 */
async function unlockAll(run) {
    const ledger = run.result.ledger;
    const kept = run.sessions.filter((_, i) => ledger[i].lockLeft);
    const failed = await releaseLocks(run.op, run.sessions.filter((_, i) => !ledger[i].lockLeft), run.owner);
    for (const s of failed)
        ledger[run.sessions.indexOf(s)].lockLeft = true;
    return run.sessions.filter((s) => kept.includes(s) || failed.includes(s)).map((s) => s.host.name);
}
/** Where this run's lock stays, and what becomes of it. */
function lockNote(left) {
    return left.length ? `\nthe lock stays on ${left.join(', ')}: where the release was switched, the host's watchdog reverts it and releases the lock; elsewhere (unreachable) the next operation takes it over once it has had no heartbeat for ${LOCK_TTL} s, and repairs what this run left there` : '';
}
/** The one failure hook. */
async function fail(run, mode, error) {
    if (error instanceof DeployError)
        throw error;
    if (mode === 'unlock') {
        await unlockAll(run);
        if (error instanceof Cancelled)
            throw new DeployError(`deploy was ${error.message} before anything was written; the lock is released`, run.result);
        throw error;
    }
    const message = error.message;
    const first = message.split('\n')[0];
    const migrating = run.migrated?.failed === true;
    const switched = mode === 'switch back';
    // Out of space while uploading or building: its partial release goes first, so the records fit again.
    const full = !switched && !run.migrated && !run.dry ? await diskFull(run, error) : undefined;
    const note = full ? describeFull(full) : error instanceof SmokeFailed || error instanceof Cancelled ? message : migrating ? `migration failed: ${first}` : switched ? `switch or activate hook failed: ${first}` : first;
    const { id, result } = run;
    const back = result.previous ?? '(no release)';
    const late = new DeployError(`deploy of ${id} was not confirmed in time, and the host's watchdog reverted it to ${back} (see its audit line); this run undid nothing itself.\n${message}`, result);
    if (error instanceof StepError && error.code === REVERTED)
        throw late;
    // The migrating host's guard undid the release there: the other hosts are undone here.
    if (error instanceof StepError && error.code === GUARDED) {
        const others = run.sessions.map((_, i) => i).filter((i) => i !== run.at);
        if (others.length)
            await restore(run, note, false, false, others);
        throw new DeployError(`${guardedMessage(run)}.\n${message}`, result);
    }
    try {
        await restore(run, note, switched, full !== undefined);
    }
    catch (undo) {
        if (undo instanceof StepError && undo.code === REVERTED)
            throw late;
        if (undo instanceof StepError && undo.code === GUARDED)
            throw new DeployError(`${guardedMessage(run)}.\n${message}`, result);
        const left = await unlockAll(run);
        if (undo instanceof LeftToHost)
            throw new DeployError(`deploy of ${id} was ${message}; its undo${switched ? ` (back to ${back})` : ''} runs on as a host job: ${undo.message}. Check with: slipway releases`, result);
        const why = undo.message.split('\n')[0];
        throw new DeployError(`deploy of ${id} failed${switched ? ' after the switch' : ''}, and undoing it did NOT complete (${why}). Check every host with: slipway releases${lockNote(left)}${guardNote(run, left)}${rolloutNote(run)}\n${message}`, result);
    }
    if (error instanceof Cancelled)
        throw new DeployError(`deploy of ${id} was ${message}${switched ? ` after the switch and was rolled back to ${back}` : '; current is unchanged'}; the lock is released${stepBackNote(result)}${rolloutNote(run)}`, result);
    if (error instanceof SmokeFailed)
        throw new DeployError(`deploy of ${id} was rolled back to ${back}: ${message}${stepBackNote(result)}${rolloutNote(run)}`, result);
    if (switched)
        throw new DeployError(`deploy of ${id} failed after the switch and was rolled back to ${back}.\n${message}${stepBackNote(result)}${rolloutNote(run)}`, result);
    if (full)
        throw new DeployError(`deploy of ${id} failed before the switch: ${note}; its partial release directory was removed; current is unchanged; the lock is released.\n${message}`, result);
    if (migrating)
        throw new DeployError(`deploy of ${id} failed while migrating; current is unchanged.\n${run.migrated.record.note ?? ''}\n${message}${stepBackNote(result)}`, result);
    throw new DeployError(`deploy of ${id} failed before the switch; current is unchanged.\n${message}`, result);
}

/** Release ids: UTC YYYYMMDDHHMMSS, with a .NN suffix when that second (or a later one) is taken. */
/** The id for a deploy at `now` that sorts after every id in `existing`. */
function nextReleaseId(now, existing) {
    const base = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const newest = [...existing].sort().pop();
    if (!newest || newest < base)
        return base;
    const [prefix, suffix] = newest.split('.');
    const n = Number(suffix ?? 0) + 1;
    return `${prefix}.${String(n).padStart(2, '0')}`;
}

/**
 * Step `adopt` (runner, the switch phase of a two-phase deploy): every host must have the release prepared by a
 * prepare phase; otherwise nothing is touched and the hosts that lack it are named. The plans are its records.
 */
const adopt = {
    name: 'adopt',
    where: 'runner',
    onFailure: 'unlock',
    run: async (run) => {
        const id = run.two.release;
        const found = run.states.map((st) => st.records.find((r) => r.id === id));
        const missing = run.sessions.flatMap((s, i) => (found[i]?.state === 'prepared' ? [] : [`${s.host.name} (${found[i]?.state ?? 'not there'})`]));
        if (missing.length && !run.dry)
            throw new UntouchedError(`release ${id} is not prepared on ${missing.join(', ')}; nothing was switched. Fix: run slipway deploy --phase prepare --release ${id} for the shards of those hosts, then --phase switch again`);
        run.id = id;
        run.commit = found[0]?.commit;
        const stamp = run.op.now().toISOString();
        run.plans = run.sessions.map((s, i) => ({ spec: run.spec, host: s.host, layout: s.layout, id, owner: run.owner, previous: run.states[i].current, delta: false, record: found[i] ?? { id, state: 'prepared', created_at: stamp, updated_at: stamp, by: run.op.by } }));
        Object.assign(run.result, { release: id, previous: run.states[0].current, commit: run.commit });
        run.op.reporter.info(`Release ${id} is prepared on ${run.sessions.map((s) => s.host.name).join(', ')}: switching`);
    }
};

/** Step `handoff` (the prepare phase of a two-phase deploy): the built release marked `prepared`, an audit line, the lock released. */
const handoff = {
    name: 'handoff',
    where: 'each',
    onFailure: 'mark failed',
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'prepared');
        return [writeRecord(p.layout, p.record), audit(p.layout, auditLine(run.op, 'deploy', run.id, run.commit, 'prepared (two-phase: waiting for --phase switch)')), release(p.layout, run.owner)];
    }
};

/** Step `activate`: the spec's activate hooks in the new current release. */
const activateHooks = {
    name: 'activate',
    rollout: true,
    where: 'each',
    onFailure: 'switch back',
    when: (run) => run.spec.activate.length > 0,
    commands: (run, i) => hooks(run.sessions[i], 'activate', releaseDir(run.plans[i].layout, run.id), hooksFor(run.sessions[i].host.roles, run.spec.activate))
};

/**
 * Step `bake` (runner, with `smoke.bake`): after the smoke checks first pass, they are polled again every
 * {@link BAKE_EVERY} s for the bake's length; only then is the release confirmed, marked healthy and old
 * releases pruned. A failing round fails the deploy like a smoke failure (switch back, step back, mark failed).
 */
/** Seconds between two rounds of the bake. */
const BAKE_EVERY = 2;
/** What the bake will do, as the dry-run plan prints it. */
function describeBake(spec) {
    return `after the smoke checks first pass: ${spec.smoke.map((c) => c.name).join(', ')} again every ${BAKE_EVERY} s for ${spec.bake} s; a failure rolls back like a smoke failure; confirm, prune and finish only after the bake`;
}
/** The bake reports failures and its summary; passing rounds and the checks' output go to debug. */
const quiet = (r) => ({
    info: (m) => r.debug(m),
    warn: (m) => r.warn(m),
    error: (m) => r.error(m),
    debug: (m) => r.debug(m),
    line: (host, text) => r.debug(`[${host}] ${text}`),
    group: (title, fn) => r.group(title, fn)
});
const bake = {
    name: 'bake',
    where: 'runner',
    onFailure: 'switch back',
    rollout: true,
    when: (run) => run.spec.smoke.length > 0 && run.spec.bake > 0,
    run: async (run) => {
        const { op, spec } = run;
        run.result.bake = { seconds: spec.bake, rounds: 0 };
        if (run.dry)
            return;
        const started = Date.now();
        const end = started + spec.bake * 1000;
        await op.reporter.group(`Bake ${spec.bake} s`, async () => {
            for (;;) {
                await setTimeout(Math.max(0, Math.min(BAKE_EVERY * 1000, end - Date.now())), undefined, { signal: op.signal }).catch(() => undefined);
                // A cancel is undone by the pipeline before the next step, like any other.
                if (op.signal?.aborted)
                    return;
                const results = await runSmoke({ ...op, reporter: quiet(op.reporter) }, activeSessions(run), spec.smoke);
                run.result.bake.rounds++;
                const failed = results.filter((r) => !r.ok);
                if (failed.length) {
                    run.result.smoke = results;
                    await smokeFailed(run, failed, ` during the bake (${Math.round((Date.now() - started) / 1000)} s of ${spec.bake} s after the checks first passed)`);
                }
                if (Date.now() >= end)
                    break;
            }
            op.reporter.info(`baked ${spec.bake} s: ${run.result.bake.rounds} rounds of the smoke checks, all passed`);
        });
    }
};

/** Step `build`: the spec's build commands in the new release; the release is then ready. */
const build = {
    name: 'build',
    where: 'each',
    onFailure: 'mark failed',
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'ready');
        return [...hooks(run.sessions[i], 'build', releaseDir(p.layout, p.id), hooksFor(run.sessions[i].host.roles, run.spec.build)), writeRecord(p.layout, p.record)];
    }
};

/** Step `finish`: the release marked healthy, an audit line, the lock released. */
const finish = {
    name: 'finish',
    where: 'each',
    onFailure: 'switch back',
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'healthy');
        return [writeRecord(p.layout, p.record), cmd('rm', '-f', journalFile(p.layout, run.id)), audit(p.layout, auditLine(run.op, 'deploy', run.id, run.commit, 'ok')), release(p.layout, run.owner)];
    }
};

/** Step `lock wait` (runner): where another run holds a host's lock, wait for it up to --lock-wait seconds, or fail naming it. */
const lockWait = {
    name: 'lock wait',
    where: 'runner',
    onFailure: 'unlock',
    run: async (run) => {
        if (run.holders.every((h) => h === undefined))
            return;
        run.states = await waitForLocks(run.op, run.sessions, run.owner, run.holders);
        run.holders = run.holders.map(() => undefined);
    }
};

/**
 * Step `migrate`: on the migrating host, in the new release, before the switch (optional backup first; a restore
 * point first when migrations are pending and the spec's db section takes them).
 * With one host it rides on the prepare round trip (unless step `pending` read the state first); with several it waits until every host is ready.
 */
const migrate = {
    name: 'migrate',
    where: 'migrating',
    onFailure: 'mark failed',
    when: (run) => run.driver !== undefined,
    // After what is pending was read (step `pending`, which plans the guard), or every host is ready.
    barrier: (run) => run.sessions.length > 1 || guarded(run),
    // Step `pending` read that nothing is pending (and no backup is asked for): nothing to run, nothing to guard.
    skip: (run) => run.pending !== undefined && run.pending.pending.length === 0 && !run.spec.migrate?.backup,
    job: (run) => `${run.id}.migrate`,
    // A host job: a lost connection or a dead runner cannot stop a migration half-way (nor its state read after it);
    // its guard undoes it when the run stops before reading its outcome.
    commands: (run, i) => {
        const l = run.plans[i].layout;
        const job = `${run.id}.migrate`;
        const commands = runMigrations(run.sessions[i], l, run.id, run.driver, run.spec.migrate?.backup, pointProvider(run.spec, run.driver));
        return [...(guarded(run) ? guardMigrate(run, i, job) : []), ...runJob(l, job, commands, heartbeat(l, run.owner), holding(l, run.owner))];
    },
    read: (run, _i, r, failed) => {
        if (run.dry || !r.data.before)
            return;
        // The job reported its state: its guard, armed before it in the same script, is on the host.
        run.guardArmed = guarded(run);
        if (!recordPoint(run, r.data.point?.[0], failed)) {
            run.migrating = false; // nothing was migrated
            return;
        }
        // No `after`: the job's outcome was never read (the connection was lost, or the migrate process died).
        if (r.data.after)
            takeOutcome(run, r.data, failed);
    }
};
/** Records the restore point the host reported; false when taking it failed (then nothing was migrated). */
function recordPoint(run, line, failed) {
    const report = readPoint(line);
    const { reporter } = run.op;
    if (!report) {
        if (failed && pointProvider(run.spec, run.driver)?.kind === 'command') {
            reporter.error('the restore point (db.snapshot) failed, so nothing was migrated (its output is above)');
            return false;
        }
        return true;
    }
    if ('error' in report) {
        reporter.error(`the restore point failed, so nothing was migrated: ${report.error}`);
        return false;
    }
    if ('skipped' in report) {
        reporter.warn(`no restore point: ${report.skipped}`);
        return true;
    }
    reporter.info(`restore point: ${describePoint(report.point)}`);
    for (const p of run.plans)
        p.record = { ...p.record, restore_point: report.point };
    run.result.restorePoint = report.point;
    return true;
}

/**
 * Step `pack` (runner): hosts that get the same upload share one tar, packed once into a private temp file and
 * read back for each of them, instead of the source being read and packed once per host.
 */
/** Lines as file text. (The upload list always has a line, even empty: the host's awk reads it as its first file.) */
const lines = (xs) => xs.map((l) => `${l}\n`).join('');
/** The tar of one upload: the list the host checks and the source's directory digests, then the entries sent. */
function uploadTar(run, u) {
    return tarStream(run.spec.source.dir, u.send, { [UPLOAD_LIST]: u.list.join('\n') + '\n', [DIRS_LIST]: lines(run.local?.digests ?? []) });
}
/** Hosts whose uploads are the same, by index (a key of what is sent and what is listed). */
function groups(uploads) {
    const byKey = new Map();
    uploads.forEach((u, i) => {
        const key = createHash('sha256').update(JSON.stringify([u.send.map((e) => e.path), u.list])).digest('hex');
        byKey.set(key, [...(byKey.get(key) ?? []), i]);
    });
    return [...byKey.values()];
}
const pack = {
    name: 'pack',
    where: 'runner',
    onFailure: 'unlock',
    when: (run) => run.sessions.length > 1,
    run: async (run) => {
        const all = groups(run.uploads);
        const shared = all.filter((g) => g.length > 1);
        run.result.packs = all.length;
        if (!shared.length)
            return;
        const dir = mkdtempSync(join(tmpdir(), 'slipway-pack-'));
        run.packed = { dir, files: [] };
        for (const [n, group] of shared.entries()) {
            const file = join(dir, `${n}.tar`);
            await pipeline(uploadTar(run, run.uploads[group[0]]), createWriteStream(file, { mode: 0o600 }));
            for (const i of group)
                run.packed.files[i] = file;
            run.op.reporter.info(`Packed once for ${group.map((i) => run.sessions[i].host.name).join(', ')}: ${run.uploads[group[0]].send.length} entries`);
        }
    }
};
/** Removes the packed tars (after the deploy, whatever its outcome). */
function removePacks(run) {
    if (run.packed)
        rmSync(run.packed.dir, { recursive: true, force: true });
}

/**
 * `deploy --only-failed`: rerun the last release on the hosts that did not reach it, with the same release id.
 * Decided in TypeScript on the hosts' histories (read without the lock, before the deploy takes it).
 */
/**
 * The last release is the newest one that some host serves and has marked healthy; it is rerun on every host that
 * does not serve it. Refused (nothing touched) when no host serves a healthy release, when every host serves it,
 * when a host serves a newer release, or when the source is not the commit it was built from (`commit`, the source's
 * own; a release with no recorded commit cannot be told apart from another, so it is refused too).
 */
function planRerun(states, hosts, commit) {
    const healthy = states.flatMap((st) => st.records.filter((r) => r.id === st.current && r.state === 'healthy'));
    const last = healthy.sort((a, b) => a.id.localeCompare(b.id)).pop();
    if (!last)
        throw new InputError('--only-failed: no host serves a healthy release, so there is no last release to rerun. Fix: deploy without --only-failed');
    const newer = states.findIndex((st) => st.current !== undefined && st.current > last.id);
    if (newer >= 0)
        throw new InputError(`--only-failed: ${hosts[newer]} serves ${states[newer].current}, newer than the last healthy release ${last.id}; a rerun would take it back. Fix: check it with slipway releases, then deploy without --only-failed`);
    const behind = hosts.filter((_, i) => states[i].current !== last.id);
    if (!behind.length)
        throw new InputError(`--only-failed: every host already serves ${last.id}; nothing to rerun`);
    if (!last.commit)
        throw new InputError(`--only-failed: release ${last.id} has no recorded commit (its source was not a git checkout), so this source cannot be shown to be the one it was built from. Fix: deploy without --only-failed`);
    if (last.commit !== commit)
        throw new InputError(`--only-failed: release ${last.id} was built from commit ${last.commit.slice(0, 12)}, the source is at ${commit?.slice(0, 12) ?? '(no commit)'}; a rerun must send the same source. Fix: check out ${last.commit.slice(0, 12)}, or deploy a new release without --only-failed`);
    return { release: last.id, hosts: behind };
}
/**
 * Under the lock, again: a rerun must not build over the release a host serves (another run may have deployed it
 * since the histories were read); throws naming the host.
 */
function checkRerun(states, hosts, id) {
    const live = states.findIndex((st) => st.current === id);
    if (live >= 0)
        throw new SlipwayError(`--only-failed: ${hosts[live]} serves ${id} now (it changed since the histories were read); nothing was changed there. Fix: check with slipway releases`);
}
/** Reads every (selected) host's history and decides the rerun; returns the spec narrowed to those hosts and the release id. */
async function findRerun(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    let states;
    try {
        states = await onEach(sessions, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data));
    }
    finally {
        await closeSessions(sessions);
    }
    const rerun = planRerun(states, sessions.map((s) => s.host.name), await gitCommit(op.spec.source.dir));
    op.reporter.info(`--only-failed: rerunning release ${rerun.release} on ${rerun.hosts.join(', ')} (the other hosts serve it)`);
    return { spec: { ...op.spec, hosts: op.spec.hosts.filter((h) => rerun.hosts.includes(h.name)) }, release: rerun.release };
}

/**
 * Directory digests of a release manifest: one line per directory (`dir \t digest`), the digest of that
 * directory's own manifest lines. The host keeps them next to the manifest; a redeploy reads them (small) and
 * only the lines of the directories whose digest differs, instead of the whole manifest.
 */
const pathOf$1 = (line) => line.slice(line.lastIndexOf('\t') + 1);
/** The directory a manifest path is in (`.` for the top). */
function dirOf(path) {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? '.' : path.slice(0, slash);
}
/** `dir \t digest` per directory of these manifest lines, sorted by directory (the digest does not depend on line order). */
function dirDigests(lines) {
    const byDir = new Map();
    for (const line of lines) {
        const dir = dirOf(pathOf$1(line));
        const list = byDir.get(dir);
        if (list)
            list.push(line);
        else
            byDir.set(dir, [line]);
    }
    return [...byDir.keys()].sort().map((dir) => `${dir}\t${createHash('sha256').update(byDir.get(dir).sort().join('\n')).digest('hex').slice(0, 32)}`);
}
const DIGEST = /^[^\t\n\r]+\t[0-9a-f]{32}$/;
/** True when the digest lines read from a host are well formed (anything else means: use the whole manifest). */
function usableDigests(lines) {
    return lines.length > 0 && lines.every((l) => DIGEST.test(l));
}
/** The directories whose lines differ between two digest lists (in one and not the other, or another digest). */
function changedDirs(mine, theirs) {
    const split = (l) => [l.slice(0, l.lastIndexOf('\t')), l.slice(l.lastIndexOf('\t') + 1)];
    const a = new Map(mine.map(split));
    const b = new Map(theirs.map(split));
    const changed = new Set();
    for (const [dir, digest] of a)
        if (b.get(dir) !== digest)
            changed.add(dir);
    for (const dir of b.keys())
        if (!a.has(dir))
            changed.add(dir);
    return changed;
}

/**
 * The runner's cache of file hashes, so a redeploy re-reads only the files that changed (a 10,000-file app spent
 * most of its local time reading and hashing every file). A hash is reused only for the same path with the same
 * stamp: size, mtime, ctime and inode (a write changes ctime, which no tool can set back). A file whose ctime is
 * within {@link SETTLE_MS} of the moment it was hashed is not kept: it could change again within the same clock
 * tick without changing its stamp. The cache is one file per source directory under the user's cache directory;
 * one that cannot be read or written only costs the time of hashing.
 */
/** How long a file must have been left alone before its hash is kept. */
const SETTLE_MS = 3000;
/** The cache file of a source directory: `$XDG_CACHE_HOME/slipway` (else `~/.cache/slipway`), named by the directory. */
function cacheFile(dir, env = process.env) {
    const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
    return join(base, 'slipway', `hashes-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16)}.tsv`);
}
/** Opens the cache in `file` (empty when there is none); `now` is the time the hashes are computed. */
function openHashCache(file, now = Date.now()) {
    const kept = new Map();
    try {
        for (const line of readFileSync(file, 'utf8').split('\n')) {
            const [stamp, hash, path] = line.split('\t');
            if (path && /^[0-9a-f]{32}$/.test(hash))
                kept.set(path, [stamp, hash]);
        }
    }
    catch {
        // no cache yet, or unreadable: every file is hashed
    }
    const next = new Map();
    return {
        get: (e) => {
            const k = kept.get(e.path);
            if (!k || !e.stamp || k[0] !== e.stamp)
                return undefined;
            next.set(e.path, k);
            return k[1];
        },
        set: (e, hash) => {
            if (e.stamp && e.ctimeMs !== undefined && e.ctimeMs < now - SETTLE_MS && !/[\t\n\r]/.test(e.path))
                next.set(e.path, [e.stamp, hash]);
        },
        save: () => {
            try {
                mkdirSync(join(file, '..'), { recursive: true });
                writeFileSync(`${file}.${process.pid}`, [...next].map(([path, [stamp, hash]]) => `${stamp}\t${hash}\t${path}\n`).join(''));
                renameSync(`${file}.${process.pid}`, file);
            }
            catch {
                // a cache that cannot be written only costs the next run its hashing
            }
        }
    };
}

/**
 * Release manifests: one line per uploaded path (`type \t hash \t mode \t path`), kept on the host
 * per release, so a redeploy sends only what changed and the host copies the rest from the live release.
 */
/** The manifest line of an entry (files hashed with SHA-256, links by their target). */
async function manifestLine(dir, e, cache) {
    const mode = e.mode.toString(8);
    if (e.type === 'dir')
        return `D\t-\t${mode}\t${e.path}`;
    if (e.type === 'symlink')
        return `L\t${createHash('sha256').update(e.linkTarget ?? '').digest('hex').slice(0, 32)}\t${mode}\t${e.path}`;
    return `F\t${cache?.get(e) ?? await fileHash(dir, e, cache)}\t${mode}\t${e.path}`;
}
async function fileHash(dir, e, cache) {
    const hash = createHash('sha256');
    if (e.size <= SMALL_FILE)
        hash.update(readFileSync(join(dir, e.path)));
    else
        for await (const chunk of createReadStream(join(dir, e.path)))
            hash.update(chunk);
    const hex = hash.digest('hex').slice(0, 32);
    cache?.set(e, hex);
    return hex;
}
/** Manifest lines for every entry, in entry order. */
async function buildManifest(dir, entries, cache) {
    const out = new Array(entries.length);
    let next = 0;
    const worker = async () => {
        while (next < entries.length) {
            const i = next++;
            out[i] = await manifestLine(dir, entries[i], cache);
        }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return out;
}
const pathOf = (line) => line.slice(line.lastIndexOf('\t') + 1);
/** The paths a manifest lists. */
function manifestPaths(lines) {
    return new Set(lines.map(pathOf));
}
/** True when a path can be written into a manifest line (no tab, newline or CR, which would split the line). */
function manifestSafe(path) {
    return !/[\t\n\r]/.test(path);
}
/**
 * Paths that can take part in a delta. A tree with a name that cannot be a manifest line goes up whole: such names
 * are sent every time and never written into a manifest, so they cannot corrupt the next deploy's.
 */
function deltaSafe(entries) {
    return entries.every((e) => manifestSafe(e.path));
}
const LINE = /^[FLD]\t(-|[0-9a-f]{32})\t[0-7]{1,6}\t[^\t\n\r]+$/;
/**
 * True when the live release's manifest (as read from the host) can be trusted for a delta: not empty, every
 * line well formed, no path twice. Anything else (missing, cut short, written by a version that let a newline
 * into a path) means a full upload, never a failure.
 */
function usableManifest(lines) {
    if (!lines.length)
        return false;
    const paths = new Set();
    for (const line of lines) {
        if (!LINE.test(line))
            return false;
        const path = pathOf(line);
        if (paths.has(path))
            return false;
        paths.add(path);
    }
    return true;
}
/**
 * Compares the local manifest with the live release's; entries under `always` (shared paths,
 * replaced by links on the host) are always sent and never copied, and so are names that cannot be a manifest
 * line (they never enter the upload list, so the host never writes them into a manifest). `same` names paths known to be
 * unchanged without their previous line (their directory's digest matches).
 */
function diffManifest(entries, local, previous, always, same) {
    const before = new Map(previous.map((l) => [pathOf(l), l]));
    const send = [];
    const upload = [];
    const seen = new Set();
    entries.forEach((e, i) => {
        seen.add(e.path);
        if (always(e.path) || !manifestSafe(e.path)) {
            send.push(e);
            return;
        }
        if (same?.(e.path))
            return; // in a directory whose digest matches the host's: the same line there
        if (before.get(e.path) !== local[i]) {
            send.push(e);
            upload.push(local[i]);
        }
    });
    for (const path of before.keys())
        if (!seen.has(path) || always(path))
            upload.push(`X\t-\t-\t${path}`);
    return { send, upload };
}

/**
 * The deploy side of `check.policy: forward-only`: before anything runs, which of the release's new Laravel
 * migrations have no down() (or an empty one), read by the migration check itself (one brain). Their schema
 * cannot be stepped back; the deploy says so at plan time and records it, and every step-back refuses them.
 */
const MIGRATION = /^database\/migrations\/[^/]+\.php$/;
/** The source's Laravel migration files that the live release does not have (all of them when its file list is unknown). */
function newMigrations(entries, live) {
    const known = usableManifest(live) ? manifestPaths(live) : new Set();
    return entries.filter((e) => e.type === 'file' && MIGRATION.test(e.path) && !known.has(e.path)).map((e) => e.path).sort();
}
/** Whether this deploy reads its migrations for a missing down(): `check.policy: forward-only` with the Laravel driver. */
function forwardOnly(spec) {
    return spec.check?.policy === 'forward-only' && spec.migrate?.preset === 'laravel';
}
/** The migrations (names, as Laravel records them) among `files` whose down() is missing or empty, with which. */
async function withoutDown(dir, files) {
    if (!files.length)
        return [];
    const { checkMigrations } = await import('./check.js');
    const r = await checkMigrations({ cwd: dir, paths: files, config: { policy: 'forward-only' } });
    const found = [...r.findings, ...r.suppressed].filter((f) => f.ruleId === 'missing-down' || f.ruleId === 'empty-down');
    return found.map((f) => ({ name: basename(f.file, '.php'), why: f.ruleId === 'missing-down' ? 'no down()' : 'an empty down()' }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
}
/** The plan-time line: what cannot be stepped back, said before anything is migrated. */
function forwardOnlyLine(found, knownLive) {
    const which = knownLive ? 'new migrations of this release' : 'migrations of this release (no file list of a live release to compare with)';
    return `check.policy: forward-only: ${which} without a usable down(): ${found.map((f) => `${f.name} (${f.why})`).join(', ')}; ` +
        'step-back is impossible for this release: if it is rolled back, the code goes back and these schema changes stay';
}

/** Paths always sent whole and never kept in a manifest: the shared ones (replaced by links on the host). */
function alwaysSent(spec) {
    const shared = [...spec.shared.files, ...spec.shared.dirs];
    return (path) => shared.some((s) => path === s || path.startsWith(`${s}/`));
}
/** The source's manifest, and the directory digests of the lines a host will keep (none when the tree cannot be a delta). */
async function localManifest(spec, entries) {
    const cache = openHashCache(cacheFile(spec.source.dir));
    const lines = await buildManifest(spec.source.dir, entries, cache);
    cache.save();
    const always = alwaysSent(spec);
    return { lines, digests: deltaSafe(entries) ? dirDigests(lines.filter((_, i) => !always(entries[i].path))) : undefined };
}
/** Whether a directory's owner may write into it (a split copy makes the directories first: see completeUpload). */
const ownerWrites = (e) => e.type !== 'dir' || (e.mode & 0o200) !== 0;
/**
 * Per host: what to send, the upload list, and whether it is a delta against the live release. With the host's
 * directory digests, the entries of directories whose digest matches are the same on both sides and neither sent
 * nor listed; only the changed directories' lines (all the host sent) are compared.
 */
function planUploads(spec, entries, local, states) {
    const always = alwaysSent(spec);
    const splittable = entries.every(ownerWrites);
    return states.map((st) => {
        const byDir = local.digests && st.dirs && usableDigests(st.dirs) && (!st.manifest.length || usableManifest(st.manifest));
        const delta = Boolean(byDir) || (local.digests !== undefined && usableManifest(st.manifest));
        const changed = byDir ? changedDirs(local.digests, st.dirs) : undefined;
        const same = changed && ((path) => !changed.has(dirOf(path)));
        const d = diffManifest(entries, local.lines, delta ? st.manifest : [], always, same);
        return { send: d.send, list: d.upload, delta, split: delta && splittable && entries.length - d.send.length >= SPLIT_COPY };
    });
}
const plan = {
    name: 'plan',
    where: 'runner',
    onFailure: 'unlock',
    run: async (run) => {
        const { op, spec, sessions, states } = run;
        const { entries } = run;
        const commit = await gitCommit(spec.source.dir);
        run.commit = commit;
        if (run.reuse)
            checkRerun(states, sessions.map((s) => s.host.name), run.reuse);
        const known = states.flatMap((st) => st.records.map((r) => r.id));
        if (run.two && known.includes(run.two.release))
            throw new UntouchedError(`release ${run.two.release} already exists on ${sessions.filter((_, i) => states[i].records.some((r) => r.id === run.two.release)).map((s) => s.host.name).join(', ')}; nothing was uploaded. Fix: give each two-phase deploy a new --release id`);
        run.id = run.reuse ?? run.two?.release ?? nextReleaseId(op.now(), known);
        const stamp = op.now().toISOString();
        const record = { id: run.id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run, ...(run.reuse ? { note: 'rerun (deploy --only-failed)' } : {}) };
        run.local ??= await localManifest(spec, entries);
        run.uploads = planUploads(spec, entries, run.local, states);
        run.plans = sessions.map((s, i) => ({ spec, host: s.host, layout: s.layout, id: run.id, owner: run.owner, previous: states[i].current, delta: run.uploads[i].delta, record }));
        Object.assign(run.result, { release: run.id, previous: states[0].current, commit, uploaded: Object.fromEntries(sessions.map((s, i) => [s.host.name, { sent: run.uploads[i].send.length, delta: run.uploads[i].delta }])) });
        const how = sessions.map((s, i) => `${s.host.name}: ${run.uploads[i].delta ? `delta, ${run.uploads[i].send.length} sent` : 'full upload'}`);
        op.reporter.info(`Release ${run.id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}: ${entries.length} entries; ${how.join(', ')}`);
        if (forwardOnly(spec))
            await sayForwardOnly(run);
    }
};
/** check.policy: forward-only: the new migrations without a usable down(), said (and kept for the record) before migrating. */
async function sayForwardOnly(run) {
    const live = run.states[run.at]?.manifest ?? [];
    const found = await withoutDown(run.spec.source.dir, newMigrations(run.entries, live));
    if (!found.length)
        return;
    run.result.forwardOnly = found.map((f) => f.name);
    run.op.reporter.warn(forwardOnlyLine(found, usableManifest(live)));
}

/** Whether a release counts toward keep_releases: one that went live and passed (a rollback target). */
const countsTowardKeep = (r) => r.state === 'healthy';
/**
 * The releases keep_releases removes (newest id first). Healthy releases are kept first, newest first; failed,
 * rolled-back and unfinished ones only fill the slots that are left, so they are pruned first and never push
 * out a healthy one. `current` and the newest healthy release other than it (the rollback target of last
 * resort) are never removed.
 */
function pickExpired(records, keep, current) {
    const newest = [...records].sort((a, b) => (a.id < b.id ? 1 : -1));
    const ranked = [...newest.filter(countsTowardKeep), ...newest.filter((r) => !countsTowardKeep(r))];
    const lastHealthy = newest.find((r) => countsTowardKeep(r) && r.id !== current)?.id;
    return ranked.slice(keep).map((r) => r.id).filter((id) => id !== current && id !== lastHealthy).sort((a, b) => (a < b ? 1 : -1));
}
/**
 * Deletes releases: their records, manifests and restore points at once; each directory is renamed into the trash
 * (atomic: no release is ever seen half deleted) and the trash is emptied by a detached process, so the run does not
 * wait for the unlinks of thousands of files. `token` (the run's) keeps two runs' trash apart.
 */
function removeReleases(l, ids, token) {
    if (!ids.length)
        return [];
    const points = (id) => Object.keys(POINT_EXTENSIONS).map((e) => pointFile(l, id, e));
    const tag = token.replace(/[^A-Za-z0-9]/g, '') || 'run';
    return [
        cmd('rm', '-f', '--', ...ids.flatMap((id) => [recordFile(l, id), manifestFile(l, id), dirsFile(l, id), ...points(id)])),
        mkdirs(l.trash),
        ...ids.map((id) => sh `[ ! -e ${releaseDir(l, id)} ] || ${cmd('mv', '-T', '--', releaseDir(l, id), posix.join(l.trash, `${id}.${tag}`))}`),
        sh `setsid rm -rf -- ${l.trash}/${raw('*')} </dev/null >/dev/null 2>&1 &`
    ];
}

/** Step `prune`: releases beyond keep_releases removed, chosen from the history (never current, never the last healthy one). */
const prune = {
    name: 'prune',
    where: 'each',
    onFailure: 'switch back',
    // After a rollout of several batches, a round trip of its own (not the last batch's switch).
    barrier: (run) => run.rollout.batches.length > 1 && !watched(run),
    commands: (run, i) => {
        const p = run.plans[i];
        const expired = pickExpired([...run.states[i].records, { ...p.record, state: 'healthy' }], run.spec.keep_releases, run.id);
        run.result.removed[run.sessions[i].host.name] = expired;
        return removeReleases(p.layout, expired, p.owner.token);
    }
};

/** Step `shared`: shared files must exist; shared files and dirs linked in, writable dirs made, dirs seeded from the live release. */
const shared = {
    name: 'shared files',
    where: 'each',
    onFailure: 'mark failed',
    commands: (run, i) => {
        const { spec, layout: l, id, host, previous } = run.plans[i];
        return [
            ...guardPaths(l, id, [...spec.shared.files, ...spec.shared.dirs, ...spec.writable, ...spec.copy_from_previous]),
            ...checkSharedFiles(l, spec.shared.files, `ssh${host.port === 22 ? '' : ` -p ${host.port}`} ${host.user}@${host.host}`),
            ...linkShared(l, id, spec.shared),
            ...makeWritable(l, id, spec.writable),
            ...copyFromPrevious(l, id, previous, spec.copy_from_previous)
        ];
    }
};

/** Step `switch`: `current` renamed atomically to the new release (every host ready first); the release is live. */
const switchRelease = {
    name: 'switch',
    rollout: true,
    where: 'each',
    onFailure: 'switch back',
    // Every host ready first: a round trip of its own, unless the watchdog armed before it has started one.
    barrier: (run) => !watched(run),
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'live');
        return [activate(p.layout, p.id), writeRecord(p.layout, p.record)];
    }
};

/** Step `upload`: (for a rerun, the release directory emptied first) the tar on stdin unpacked into releases/<id>, unchanged files copied from the live release, the manifest written. */
const upload = {
    name: 'upload',
    where: 'each',
    onFailure: 'mark failed',
    stdin: (run, i) => {
        const file = run.packed?.files[i];
        return file ? createReadStream(file) : uploadTar(run, run.uploads[i]);
    },
    commands: (run, i) => {
        const p = run.plans[i];
        // A rerun (--only-failed) reuses an id this host does not serve: what an earlier attempt left there goes first.
        return [...(run.reuse ? [clearRelease(p.layout, p.id)] : []), writeRecord(p.layout, p.record), unpack(p.layout, p.id), raw('exec </dev/null'), ...completeUpload(p.layout, p.id, p.delta ? p.previous : undefined, run.uploads[i].split)];
    }
};

/**
 * Steps `watchdog` (with the switch) and `confirm` (after the smoke checks pass): a runner that dies after the
 * switch can never leave an unverified release live — the host reverts it with the same commands the runner's
 * own restore would send (switch back, mark failed, step back this deploy's migrations, audit, hooks, unlock).
 */
/**
 * Seconds the host waits for the run to confirm: rollback.confirm_within, else the smoke checks' limits plus 120;
 * with smoke.bake, plus the bake and one more round of the checks (the one in flight when the bake ends).
 */
function confirmWithin(spec) {
    const checks = spec.smoke.reduce((sum, c) => sum + ('run' in c ? c.timeout : c.deadline), 0);
    return (spec.rollback.confirm_within ?? checks + 120) + (spec.bake ? spec.bake + checks : 0);
}
/** Armed just before the switch, in its round trip: a run that dies between the two still leaves a watched host. */
const watchdog = {
    name: 'watchdog',
    rollout: true,
    where: 'each',
    onFailure: 'switch back',
    when: watched,
    barrier: () => true,
    commands: (run, i) => {
        // The run confirms every host once the last batch passed: a host waits for the batches still to come too.
        const left = run.rollout.batches.length - Math.max(run.rollout.at, 0);
        const seconds = confirmWithin(run.spec) * left + run.spec.strategy.pause * (left - 1);
        const stamp = run.op.now().toISOString();
        const note = `not confirmed within ${seconds} s (the run stopped before confirming it); reverted by the host's watchdog`;
        const plan = stepBackPlan(run, advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp }), true, stamp);
        const stepBack = plan && 'commands' in plan ? plan.commands : [];
        const l = run.plans[i].layout;
        return armWatchdog(l, run.id, seconds, revertCommands(run, i, note, stamp, stepBack, true, 'watchdog'), heartbeat(l, run.owner));
    }
};
/**
 * The release is claimed from the watchdog and recorded healthy in the same breath (no output between the two,
 * so a connection lost right after the claim cannot leave a verified release recorded `live`).
 */
const confirm = {
    name: 'confirm',
    where: 'each',
    onFailure: 'switch back',
    when: watched,
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'healthy');
        return [claimRelease(p.layout, run.id), writeRecord(p.layout, p.record)];
    }
};

/** The deploy: its list of steps, run by the pipeline; `--dry-run` runs the same steps against a recorder. */
/** A deploy, in order. Failures before `watchdog` (armed with the switch) mark the release failed; from there on they switch back. */
const DEPLOY = [lock, lockWait, repair, plan, pack, upload, shared, build, pending, migrate, watchdog, switchRelease, activateHooks, smoke, bake, confirm, prune, finish];
/** Two-phase deploys: the prepare phase (each shard) stops at the build and hands over; the switch phase (once) takes it from there. */
const PREPARE = [lock, lockWait, repair, plan, pack, upload, shared, build, handoff];
const SWITCH = [lock, lockWait, repair, adopt, pending, migrate, watchdog, switchRelease, activateHooks, smoke, bake, confirm, prune, finish];
const STEPS = { all: DEPLOY, prepare: PREPARE, switch: SWITCH };
const TITLES = {
    lock: () => 'Lock and read history',
    upload: (run) => `Prepare release ${run.id}`,
    migrate: (run) => `Migrate on ${run.sessions[run.at].host.name}`,
    switch: (run) => `Switch to ${run.id}`,
    watchdog: (run) => `Switch to ${run.id}`,
    prune: () => 'Finish',
    confirm: () => 'Finish'
};
/** Deploys the spec's source to every host as a new release and switches to it atomically. */
async function deploy(options) {
    const rerun = options.onlyFailed ? await findRerun(options) : undefined;
    const narrowed = rerun ? { ...options, spec: rerun.spec, select: undefined } : options;
    return (await runDeploy(narrowed, options.connect ?? sshConnector, false, rerun?.release)).result;
}
/**
 * The exact scripts each host would receive, from the same steps a deploy runs, against hosts that
 * report an empty history (a first deploy) and nothing else. Connects nowhere.
 */
async function planDeploy(options) {
    const remotes = new Map();
    const connect = async (host) => remotes.set(host.name, new RecordingRemote(host.name)).get(host.name);
    const run = await runDeploy(options, connect, true);
    const hosts = [...remotes.values()].map((r) => ({ host: r.name, phases: r.phases.map((p) => ({ phase: stepsOf(p.script) + (p.upload ? ' (then the upload, a tar, on stdin)' : ''), command: `bash -s <<'SCRIPT'\n${p.script}SCRIPT` })) }));
    const runner = run.result.smoke.filter((r) => !r.host).map((r) => ({ phase: `smoke ${r.name}`, command: r.detail }));
    if (run.result.bake)
        runner.push({ phase: 'bake', command: describeBake(run.spec) });
    return runner.length ? [...hosts, { host: 'runner', phases: runner }] : hosts;
}
/** The deploy steps a recorded script carries, from its step lines. */
function stepsOf(script) {
    const names = new Set(DEPLOY.map((s) => s.name).concat('smoke'));
    return [...new Set(stepLabels(script).map((label) => label.replace(/^smoke .*/, 'smoke')).filter((n) => names.has(n)))].join(', ');
}
async function runDeploy(options, connect, dry, reuse) {
    const op = operation({ ...options, spec: shardOf(options.spec, options.two?.shard) });
    const entries = (await preflight(op.spec, { source: true, credentials: connect === sshConnector, warn: (m) => op.reporter.warn(m) })) ?? [];
    // The source is hashed while the connections are made: the lock step sends its directory digests.
    const hashing = localManifest(op.spec, entries);
    const sessions = await op.reporter.group('Connect', () => openSessions(op.spec, connect, op.reporter)).catch(async (error) => {
        await hashing.catch(() => undefined);
        throw error;
    });
    const local = await hashing.catch(async (error) => {
        await closeSessions(sessions);
        throw error;
    });
    const hosts = sessions.map((s) => s.host.name);
    const result = { release: '', hosts, rolledBack: false, removed: {}, smoke: [], uploaded: {}, ledger: newLedger(hosts) };
    const run = { op, spec: op.spec, owner: lockOwner(op, 'deploy'), sessions, dry, reuse, holders: sessions.map(() => null), states: [], id: '', entries, local, uploads: [], plans: [], driver: driverFor(op.spec), at: migrateHostIndex(op.spec), result, rollout: newRollout(op.spec), two: options.two };
    if (run.rollout.batches.length > 1)
        result.rollout = { strategy: op.spec.strategy.kind, batches: run.rollout.batches.map((b) => b.map((i) => hosts[i])), timeline: run.rollout.timeline, dropped: [] };
    const stop = dry ? () => undefined : keepAlive(op, sessions, run.owner);
    try {
        const steps = execute(run, STEPS[options.two?.phase ?? 'all'], (trip) => (trip.kind === 'hosts' ? TITLES[trip.steps[0].name]?.(run) ?? trip.steps[0].name : trip.step.name));
        await forceable(op, sessions, run.owner, steps, (why) => new DeployError(`deploy ${run.id} stopped at once (${why}, a second time): the lock is released, nothing was undone — the release may be unfinished and this run's migrations may stay applied; check with: slipway releases`, result));
        const split = droppedError(run);
        if (split)
            throw split;
        op.reporter.info(`${dry ? 'Planned' : options.two?.phase === 'prepare' ? 'Prepared' : 'Deployed'} ${run.id} to ${result.hosts.join(', ')}`);
        return run;
    }
    finally {
        stop();
        removePacks(run);
        await closeSessions(sessions);
    }
}

export { DEPLOY, DeployError, PREPARE, SWITCH, deploy, planDeploy };
