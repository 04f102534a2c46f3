import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { e as seq, w as when, b as sh, t as readFirstLine, n as nap, g as NAPPER, d as dataMark, a as raw, j as cmd, m as mkdirs, N as NOW, z as settleLimited, r as runPhase, k as stepMark, l as revive } from './session.js';
import { U as UntouchedError, b as silentReporter, s as selectHosts, k as describeSelection } from './select.js';

/** Exit code of the acquire script when the lock is held by someone else. */
const LOCKED = 75;
/** Exit code of `breakLock` when the holder is alive and the break was not forced. */
const ALIVE = 77;
/**
 * Seconds without a heartbeat after which a lock's holder counts as dead: 30, or env SLIPWAY_LOCK_TTL (whole
 * seconds, at least 2; the fault suite uses a short one instead of waiting half a minute per dead run).
 */
const LOCK_TTL = Math.max(2, Math.floor(Number(process.env.SLIPWAY_LOCK_TTL)) || 30);
/** Seconds between two heartbeats of a live holder: 5, or a third of a shorter {@link LOCK_TTL}. */
const HEARTBEAT = Math.min(5, LOCK_TTL / 3);
/** Takes the lock, or reports its holder and exits {@link LOCKED}. */
function acquire(m, l, owner) {
    const file = `${l.lock}/owner.json`;
    const dead = `${l.lock}.dead.${owner.token}`;
    // A holder between its mkdir and its owner file: wait a moment for the file, so the loser can name it.
    const settle = seq(NAPPER, sh `for _ in {1..40}; do [ -s ${file} ] && break; ${nap(0.05)}; done`);
    const held = [settle, dataMark(m, 'holder', sh `$(cat ${file} 2>/dev/null || echo unknown)`), raw(`exit ${LOCKED}`)];
    // The newest sign of life: the heartbeat, else the owner file, else the lock dir itself (a holder between mkdir and writing its owner).
    const age = lockAge(l);
    const takeOver = [dataMark(m, 'takeover', sh `$age $(cat ${dead}/owner.json 2>/dev/null || echo unknown)`), cmd('rm', '-rf', dead), when(sh `! mkdir ${l.lock} 2>/dev/null`, held)];
    return [
        mkdirs(l.records),
        when(sh `! mkdir ${l.lock} 2>/dev/null`, [age, when(sh `[ "$age" -gt ${String(LOCK_TTL)} ] && mv -T ${l.lock} ${dead} 2>/dev/null`, takeOver, held)]),
        sh `${cmd('printf', '%s', JSON.stringify(owner))} > ${file}`
    ];
}
/** Sets `$age`: seconds since the newest sign of life of the lock's holder (heartbeat, else owner file, else the lock dir). */
function lockAge(l) {
    return sh `age=$(( ${NOW} - $(stat -c %Y ${`${l.lock}/heartbeat`} 2>/dev/null || stat -c %Y ${`${l.lock}/owner.json`} 2>/dev/null || stat -c %Y ${l.lock} 2>/dev/null || echo ${NOW}) ))`;
}
/** The holder's sign of life: touches the heartbeat (truncating it sets its time, no process) while (and only while) this owner holds the lock. */
function heartbeat(l, owner) {
    return seq(readFirstLine('holder', `${l.lock}/owner.json`), when(holds(owner), [sh `: > ${`${l.lock}/heartbeat`}`]));
}
/**
 * Removes the lock only if this owner still holds it: renamed away first (atomic), so a heartbeat racing with the
 * release (a host job beats while it runs) cannot touch a file into a half-removed lock.
 */
function release(l, owner) {
    const gone = `${l.lock}.released.${owner.token}`;
    return seq(readFirstLine('holder', `${l.lock}/owner.json`), when(holds(owner), [sh `mv -T ${l.lock} ${gone} && { rm -rf ${gone} 2>/dev/null || true; }`]));
}
/** A test, after `readFirstLine('holder', …owner.json)`: true while `owner` holds the lock. */
function holds(owner) {
    return sh `[ "$holder" = ${JSON.stringify(owner)} ]`;
}
/** A test that is true while `owner` holds the lock (reads the owner file; no process started). */
function holding(l, owner) {
    return sh `{ ${readFirstLine('holder', `${l.lock}/owner.json`)}; ${holds(owner)}; }`;
}
/** Reports the lock's owner record (as data `key`) when the lock is held. */
function readOwner(m, l, key) {
    return when(sh `[ -d ${l.lock} ]`, [dataMark(m, key, sh `$(cat ${l.lock}/owner.json 2>/dev/null || echo unknown)`)]);
}
/**
 * Breaks the lock, reporting its holder and the seconds since its last sign of life (data `holder`, `age`). A holder
 * that is alive (a heartbeat within {@link LOCK_TTL} s) is left alone with exit {@link ALIVE}, unless `force`.
 */
function breakLock(m, l, force = false) {
    const alive = force ? [] : [when(sh `[ "$age" -le ${String(LOCK_TTL)} ]`, [raw(`exit ${ALIVE}`)])];
    return [when(sh `[ -d ${l.lock} ]`, [readOwner(m, l, 'holder'), lockAge(l), dataMark(m, 'age', raw('$age')), ...alive, cmd('rm', '-rf', l.lock)])];
}

/** Racing work against an AbortSignal: one place for the forced stop and the cancel's time limit. */
/**
 * `work`, unless `signal` aborts first: then the result rejects with the error `stop()` gives (awaited) and `work`
 * is abandoned (its later failure is ignored).
 */
async function unlessAborted(work, signal, stop) {
    work.catch(() => undefined);
    let onAbort = () => { };
    const aborted = new Promise((_resolve, reject) => {
        onAbort = () => void Promise.resolve().then(stop).then(reject, reject);
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([work, aborted]);
    }
    finally {
        signal.removeEventListener('abort', onAbort);
    }
}

/** Shared plumbing for operations: options, who is acting, running a step on every host. */
/** Fills defaults for the common options. */
function operation(o) {
    let by = o.actor ?? process.env.GITHUB_ACTOR;
    if (!by) {
        try {
            by = userInfo().username;
        }
        catch {
            by = 'unknown';
        }
    }
    const reporter = o.reporter ?? silentReporter;
    const spec = selectHosts(o.spec, o.select);
    if (spec !== o.spec)
        reporter.warn(`working on ${spec.hosts.length} of ${o.spec.hosts.length} hosts (${describeSelection(o.select)}): ${spec.hosts.map((h) => h.name).join(', ')}`);
    return { spec, reporter, by, run: o.runId ?? process.env.GITHUB_RUN_ID, now: o.now ?? (() => new Date()), lockToken: o.lockToken, signal: o.signal, force: o.force, late: o.late, lockWait: o.lockWait ?? 0 };
}
/** A lock owner for this operation. */
function lockOwner(op, operationName) {
    return { token: op.lockToken ?? randomBytes(8).toString('hex'), app: op.spec.app, by: op.by, run: op.run, operation: operationName, since: op.now().toISOString() };
}
/** The lock is held by someone else (after waiting `waited` seconds for it, with --lock-wait). */
class LockedError extends UntouchedError {
    host;
    holder;
    waited;
    constructor(host, holder, waited = 0) {
        const what = waited ? `another operation still holds the deploy lock after waiting ${waited} s for it (--lock-wait)` : 'another operation holds the deploy lock';
        const fix = waited ? 'Wait longer (a larger --lock-wait)' : 'Wait for it to finish, or wait for it with --lock-wait <seconds>';
        super(`${host}: ${what}: ${describeHolder(holder)}. ${fix}; a run that died loses its lock ${LOCK_TTL} s after its last heartbeat, or break it with: slipway unlock`);
        this.host = host;
        this.holder = holder;
        this.waited = waited;
        this.name = 'LockedError';
    }
}
/** The operation was cancelled (SIGINT, SIGTERM, or the embedder's AbortSignal). */
class Cancelled extends Error {
    reason;
    constructor(reason) {
        super(`cancelled by ${reason}`);
        this.reason = reason;
        this.name = 'Cancelled';
    }
}
/** A human description of a lock owner record. */
function describeHolder(text) {
    try {
        const o = JSON.parse(text);
        return `${o.operation} of ${o.app} by ${o.by}${o.run ? ` (run ${o.run})` : ''} since ${o.since}`;
    }
    catch {
        return text || 'unknown holder';
    }
}
/**
 * Runs `fn` on every session — at once (their connections are open: sshd's MaxStartups counts only connections still
 * authenticating, so a round trip needs no bound), or `limit` at a time (uploads) — waits for all, then throws the
 * first failure.
 */
async function onEach(sessions, fn, limit = sessions.length) {
    const results = await settleLimited(sessions, limit, fn);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed)
        throw failed.reason;
    return results.map((r) => r.value);
}
/** How many of these sessions may connect again at once (`max_connections`). */
function limitOf(sessions) {
    return sessions[0]?.limit ?? sessions.length;
}
/**
 * Runs `work`, unless `op.force` aborts first: then this owner's lock is released at once and the returned
 * promise rejects with `stopped()` (the work in flight is abandoned; the process is about to exit).
 */
async function forceable(op, sessions, owner, work, stopped) {
    const force = op.force;
    if (!force)
        return work;
    return unlessAborted(work, force, async () => {
        await releaseLocks(op, sessions, owner).catch(() => undefined);
        return stopped(String(force.reason ?? 'abort'));
    });
}
/** Keeps this owner's lock alive on every session (a heartbeat on its own channel every few seconds); returns the stop. */
function keepAlive(op, sessions, owner) {
    const beat = () => sessions.forEach((s) => void runPhase({ ...s, channel: undefined }, op.spec, silentReporter, 'heartbeat', [stepMark(s, 'heartbeat'), heartbeat(s.layout, owner)]).catch(() => undefined));
    const timer = setInterval(beat, HEARTBEAT * 1000);
    return () => clearInterval(timer);
}
/**
 * Best-effort: releases this owner's lock on every session (no-op where another owner holds it), reconnecting once
 * where the connection was lost; returns the sessions where it could not (the lock is left there).
 */
async function releaseLocks(op, sessions, owner) {
    // A channel of its own: the operation's channel may still be busy (a forced stop) or gone.
    const results = await settleLimited(sessions, limitOf(sessions), async (s) => {
        await revive(s);
        await runPhase({ ...s, channel: undefined }, op.spec, op.reporter, 'unlock', [release(s.layout, owner)]);
    });
    return sessions.filter((_, i) => results[i].status === 'rejected');
}

export { ALIVE as A, Cancelled as C, HEARTBEAT as H, LockedError as L, onEach as a, release as b, releaseLocks as c, describeHolder as d, holding as e, forceable as f, LOCK_TTL as g, heartbeat as h, lockAge as i, breakLock as j, keepAlive as k, lockOwner as l, LOCKED as m, acquire as n, operation as o, readOwner as r, unlessAborted as u };
