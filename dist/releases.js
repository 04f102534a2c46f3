import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { l as lockHosts, p as parseState, r as readState } from './audit.js';
import { l as lockOwner, k as keepAlive, L as LockedError, d as describeHolder, c as releaseLocks, o as operation, a as onEach, j as breakLock, A as ALIVE } from './run.js';
import { I as InputError } from './select.js';
import { a as disagreement } from './agree.js';
import { y as openReachable, s as sshConnector, c as closeSessions, z as settleLimited, A as causeOf, o as openSessions, r as runPhase } from './session.js';
import { k as interrupted, j as repairInterrupted } from './repair.js';
import 'node:timers/promises';
import 'node:path';
import 'node:crypto';
import 'node:os';
import 'node:fs';
import 'node:stream';
import './ssh.js';
import 'node:net';
import 'node:child_process';

/** Repairs what an interrupted run left, if anything and if no live run holds the lock (`states`: the histories just read). */
async function settleInterrupted(op, sessions, states) {
    if (!states.some((st) => st.records.some(interrupted)))
        return {};
    const owner = lockOwner(op, 'repair');
    const stop = keepAlive(op, sessions, owner);
    try {
        const locked = await lockHosts({ ...op, lockWait: 0 }, sessions, owner, false);
        const repaired = await repairInterrupted(op, sessions, locked);
        if (repaired)
            op.reporter.info(`repaired what an interrupted run left: ${repaired}`);
        return { repaired };
    }
    catch (error) {
        if (!(error instanceof LockedError))
            throw error;
        return { left: `${error.host}: a live operation holds the deploy lock (${describeHolder(error.holder)}); its releases in progress are left to it` };
    }
    finally {
        stop();
        await releaseLocks(op, sessions, owner);
    }
}

/** Reading the release history, and breaking a stale lock; both repair what an interrupted run left. */
/**
 * Lists the releases on every host (one read-only round trip per host; no lock taken). A host that cannot be reached
 * or read is listed with the cause (`unreachable`) and the others still are; hosts that serve different releases
 * are flagged (`disagree`). With `repair`, a release an interrupted run left is repaired first when no live run
 * holds the lock (see {@link settleInterrupted}).
 */
async function listReleases(options) {
    const op = operation(options);
    const { sessions: reached, unreachable } = await openReachable(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        let read = await readReachable(op, reached);
        const sessions = read.sessions;
        const repair = options.repair ? await settleInterrupted(op, sessions, read.states) : {};
        if (repair.repaired)
            read = await readReachable(op, sessions);
        const lost = new Map([...unreachable, ...read.unreachable].map((u) => [u.host, u.cause]));
        const listed = new Map(read.states.map((state, i) => [read.sessions[i].host.name, state]));
        const hosts = op.spec.hosts.map((h) => {
            const state = listed.get(h.name);
            if (!state)
                return { host: h.name, releases: [], unreachable: lost.get(h.name) ?? 'not read' };
            const releases = state.records.map((r) => ({ ...r, current: r.id === state.current })).reverse();
            return { host: h.name, releases, lock: state.lock ? describeHolder(state.lock) : undefined };
        });
        const disagree = disagreement(read.states.map((st, i) => ({ host: read.sessions[i].host.name, current: st.current })));
        return { hosts, ...(disagree ? { disagree } : {}), ...(repair.repaired || repair.left ? { repair } : {}) };
    }
    finally {
        await closeSessions(reached);
    }
}
/**
 * Breaks the deploy lock on every host; returns who held it and how long ago it last showed life, per host
 * (undefined where none). A holder that is alive is left alone (an {@link InputError}) unless `evenIfAlive`.
 * Then repairs what an interrupted run left (reported as `repaired what an interrupted run left: \u2026`).
 */
async function unlock(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        const held = await onEach(sessions, async (s) => {
            const r = await runPhase(s, op.spec, op.reporter, 'unlock', breakLock(s, s.layout, options.evenIfAlive), { okCodes: [ALIVE] });
            const holder = r.data.holder?.[0];
            const seen = `last sign of life ${r.data.age?.[0] ?? '?'} s ago`;
            if (r.code === ALIVE)
                throw new InputError(`${s.host.name}: the lock is held by a live run: ${describeHolder(holder ?? '')} (${seen}). Breaking it would let two deploys run at once. Fix: wait for it to finish; if you know it is dead, run slipway unlock --force`);
            return holder ? `${describeHolder(holder)} (${seen})` : undefined;
        });
        // The lock is free now: what the run that held it left half-done is repaired (and said) before returning.
        await settleInterrupted(op, sessions, await readStates(op, sessions));
        return Object.fromEntries(sessions.map((s, i) => [s.host.name, held[i]]));
    }
    finally {
        await closeSessions(sessions);
    }
}
/** The histories of the hosts that answer (read without the lock), and the causes where one did not. */
async function readReachable(op, sessions) {
    const results = await settleLimited(sessions, op.spec.max_connections ?? sessions.length, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data));
    const ok = sessions.flatMap((s, i) => (results[i].status === 'fulfilled' ? [{ s, state: results[i].value }] : []));
    const unreachable = sessions.flatMap((s, i) => (results[i].status === 'rejected' ? [{ host: s.host.name, cause: causeOf(s.host.name, results[i].reason) }] : []));
    for (const u of unreachable)
        op.reporter.warn(`${u.host}: could not read its history, left out: ${u.cause}`);
    return { sessions: ok.map((o) => o.s), states: ok.map((o) => o.state), unreachable };
}
/** Every host's history, read without the lock. */
function readStates(op, sessions) {
    return onEach(sessions, async (s) => parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data));
}

export { listReleases, unlock };
