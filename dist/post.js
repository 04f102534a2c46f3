import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { i as isEntry, e as actionLog, k as readPostState, n as removePaths, j as debug, l as loadActionSpec } from './log.js';
import { o as operation, a as onEach, r as readOwner, b as release, d as describeHolder } from './run.js';
import { o as openSessions, s as sshConnector, r as runPhase, c as closeSessions } from './session.js';
import 'node:fs';
import './load.js';
import 'node:path';
import 'process';
import 'buffer';
import './select.js';
import './schema.js';
import 'node:os';
import 'node:url';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import './_commonjsHelpers.js';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import 'child_process';
import 'timers';
import 'node:crypto';
import './protocol.js';
import 'node:child_process';

/**
 * Releasing a deploy lock that an interrupted operation left behind, from outside that operation
 * (the Action's post step after the main step was cancelled or killed). Only a lock whose owner
 * matches is removed; anyone else's lock is left alone.
 */
/** True when a lock owner record is the one described by `held`. */
function ownedBy(owner, held) {
    if (held.token !== undefined && owner.token !== held.token)
        return false;
    return owner.app === held.app && owner.by === held.by && owner.run === held.run && owner.operation === held.operation && owner.since >= held.notBefore;
}
/** Reads the lock owner on every host and releases the lock where it is `held`'s; never touches another owner's lock. */
async function releaseHeldLock(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        return await onEach(sessions, async (s) => {
            const text = (await runPhase(s, op.spec, op.reporter, 'read lock', [readOwner(s, s.layout, 'owner')])).data.owner?.[0];
            if (!text)
                return { host: s.host.name, outcome: 'not locked' };
            const owner = parseOwner(text);
            if (!owner || !ownedBy(owner, options.held))
                return { host: s.host.name, outcome: 'held by another', holder: text };
            // `release` removes the lock only if owner.json still holds exactly this owner.
            await runPhase(s, op.spec, op.reporter, 'unlock', [release(s.layout, owner)]);
            return { host: s.host.name, outcome: 'released' };
        });
    }
    finally {
        await closeSessions(sessions);
    }
}
function parseOwner(text) {
    try {
        const o = JSON.parse(text);
        return typeof o === 'object' && o !== null && typeof o.token === 'string' ? o : undefined;
    }
    catch {
        return undefined;
    }
}

/**
 * The Action's post step (runs even when the job failed or was cancelled): releases a deploy lock the main
 * step still holds (it was killed mid-operation), removes the temporary key, closes connections.
 * Nothing here fails the job: every problem is a warning.
 */
async function releaseLeftLock(lock, log) {
    const spec = loadActionSpec(lock.spec, lock.environment, lock.keyFile, lock.knownHosts);
    const results = await log.group('Release the deploy lock left by this run', () => releaseHeldLock({ spec, reporter: log, held: lock.held }));
    for (const r of results) {
        log.info(r.outcome === 'held by another' ? `${r.host}: lock held by another operation, left alone: ${describeHolder(r.holder)}` : `${r.host}: ${r.outcome}`);
    }
}
/** Runs the post step once (the runner starts this file; `@github/local-action --post` imports it and calls `run()`). */
async function run() {
    const log = actionLog();
    const state = readPostState();
    try {
        if (state.lock)
            await releaseLeftLock(state.lock, log);
    }
    catch (error) {
        log.warn(`post step: could not release the deploy lock: ${error.message}. If a host stays locked, run: slipway unlock`);
    }
    for (const problem of removePaths(state.paths))
        log.warn(`post step: ${problem}`);
    log.resume();
    debug(`post step: removed ${state.paths.length} temporary path(s)`);
}
if (isEntry(import.meta.url))
    await run();

export { run };
