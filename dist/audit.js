import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { setTimeout } from 'node:timers/promises';
import { j as LOCKED, L as LockedError, d as describeHolder, m as acquire, C as Cancelled, c as releaseLocks, a as onEach } from './run.js';
import { r as runPhase } from './session.js';
import { p as parseState, r as readState } from './driver.js';
import { posix } from 'node:path';
import { r as releaseDir } from './select.js';
import { c as cmd, s as sh, h as dataPrefix, w as when, r as raw } from './protocol.js';

/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
/** Name of the upload list inside the tar stream. */
const UPLOAD_LIST = '.slipway-upload.tsv';
/** Name of the new release's directory digests inside the tar stream (kept as {@link dirsFile}). */
const DIRS_LIST = '.slipway-dirs.tsv';
/** Where a release's manifest is kept. */
function manifestFile(l, id) {
    return posix.join(l.meta, 'manifests', `${id}.tsv`);
}
/** Where a release's directory digests are kept (`dir \t digest` per directory of its manifest). */
function dirsFile(l, id) {
    return posix.join(l.meta, 'manifests', `${id}.dirs`);
}
/** After unpacking: copy unchanged entries from `previous` (when given) and write this release's manifest. */
function completeUpload(l, id, previous) {
    const dir = releaseDir(l, id);
    const list = posix.join(dir, UPLOAD_LIST);
    const keep = posix.join(dir, '.slipway-keep.tsv');
    const out = manifestFile(l, id);
    const tab = raw(`$'\\t'`);
    const dirs = cmd('mv', '-f', posix.join(dir, DIRS_LIST), dirsFile(l, id));
    if (!previous) {
        return [cmd('mkdir', '-p', posix.dirname(out)), sh `awk -F'\\t' 'NF && $1 != "X"' ${list} > ${out}`, dirs, cmd('rm', '-f', list)];
    }
    const prevDir = releaseDir(l, previous);
    return [
        cmd('mkdir', '-p', posix.dirname(out)),
        sh `awk -F'\\t' 'NR==FNR { seen[$4] = 1; next } !($4 in seen)' ${list} ${manifestFile(l, previous)} > ${keep}`,
        sh `cut -f4 ${keep} | (cd ${prevDir} && tar -c -f - --no-recursion --verbatim-files-from -T -) | tar -x -f - -C ${dir} --no-same-owner`,
        sh `{ cat ${keep}; awk -F'\\t' 'NF && $1 != "X"' ${list}; } | sort -t ${tab} -k4,4 > ${out}`,
        dirs,
        cmd('rm', '-f', list, keep)
    ];
}
/**
 * Reports what a delta needs of the live release's manifest. Without `digests` (or when the live release has no
 * digest file, written by an older version): every line, as data `manifest`. With the runner's own directory digests:
 * the live release's digests (data `dir`) and only the manifest lines of the directories whose digest differs from
 * the runner's, so a one-file change reads one directory's lines instead of the whole manifest.
 */
function readLiveManifest(m, l, digests) {
    const line = (key) => dataPrefix(m, key).replace(/[/&\\]/g, '\\$&');
    const all = sh `sed -e ${`s/^/${line('manifest')}/`} "$m"`;
    const some = [
        sh `sed -e ${`s/^/${line('dir')}/`} "$d"`,
        // The runner's digests on stdin, the host's, then the manifest: lines of directories whose digests differ.
        sh `printf '%s\\n' ${digests?.join('\n') ?? ''} | awk -F'\\t' -v p=${dataPrefix(m, 'manifest')} ${FILTER} - "$d" "$m"`
    ];
    const read = digests ? [when(raw('[ -s "$d" ]'), some, [all])] : [all];
    return when(sh `[ -L ${l.current} ]`, [
        sh `t=$(readlink ${l.current}); m=${posix.join(l.meta, 'manifests')}/"\${t##*/}".tsv; d="\${m%.tsv}.dirs"`,
        when(raw('[ -f "$m" ]'), read)
    ]);
}
/** awk: remember the runner's digests, mark the host's directories whose digest differs, print their manifest lines. */
const FILTER = [
    'FNR == 1 { f++ }',
    'f == 1 { mine[$1] = $2; next }',
    'f == 2 { if (mine[$1] != $2) changed[$1] = 1; next }',
    '{ dir = $4; if (!sub(/\\/[^\\/]*$/, "", dir)) dir = "."; if (dir in changed) print p $0 }'
].join(' ');

/** Step `lock`: take the deploy lock (an atomic mkdir) and read the history and the live manifest, in one round trip. */
/**
 * The lock step's commands on one host (the live manifest only where an upload follows: with the source's directory
 * digests, only the lines of the directories that differ).
 */
function lockCommands(s, owner, manifest = true, digests) {
    return [...acquire(s, s.layout, owner), ...readState(s, s.layout), ...(manifest ? [readLiveManifest(s, s.layout, digests)] : [])];
}
/** The history a lock round trip read; throws {@link LockedError} when the lock is held by another. */
function lockedState(op, s, r) {
    if (r.code === LOCKED)
        throw new LockedError(s.host.name, r.data.holder?.[0] ?? '');
    const taken = r.data.takeover?.[0];
    if (taken) {
        const [age, ...owner] = taken.split(' ');
        op.reporter.warn(`${s.host.name}: took over the deploy lock of a run that stopped without releasing it (no sign of life for ${age} s): ${describeHolder(owner.join(' '))}`);
    }
    return parseState(r.data);
}
const lock = {
    name: 'lock',
    where: 'each',
    onFailure: 'unlock',
    okCodes: [LOCKED],
    commands: (run, i) => lockCommands(run.sessions[i], run.owner, true, run.local?.digests),
    read: (run, i, r) => {
        // A host held by another run is waited for (or refused) by the next step, once every host has answered.
        run.holders[i] = r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined;
        if (r.code !== LOCKED)
            run.states[i] = lockedState(run.op, run.sessions[i], r);
    }
};

/**
 * Waiting for another run's lock (`--lock-wait <seconds>`): every few seconds each host's lock is tried again,
 * its holder named whenever it changes. Never hold-and-wait: while any host is held by another run, this run
 * holds none (so two multi-host runs cannot each hold a host the other waits for). A dead holder is taken over
 * by the same acquire as ever; a cancel stops the wait.
 */
/** Seconds between two tries while waiting (plus up to one second of jitter, so two waiters do not keep colliding). */
const LOCK_POLL = 2;
/** The host whose lock is taken first: the first by name. */
function primaryIndex(sessions) {
    return sessions.reduce((best, s, i) => (s.host.name < sessions[best].host.name ? i : best), 0);
}
/**
 * The fleet lock order: `attempt` runs on the primary host alone, and on the others (at once) only when it
 * returned true (the lock there is this run's). Two runs over the same hosts both start at the primary, so one
 * of them stops there having taken nothing: neither can hold part of the fleet that the other needs.
 */
async function inLockOrder(sessions, attempt) {
    if (sessions.length < 2) {
        await onEach(sessions, attempt);
        return;
    }
    const primary = primaryIndex(sessions);
    if (!(await attempt(sessions[primary], primary)))
        return;
    await onEach(sessions, (s, i) => (i === primary ? Promise.resolve(true) : attempt(s, i)));
}
/** Tries the lock on every host, the primary first; a host not tried has no result. */
async function tryAll(op, sessions, owner, manifest) {
    const results = sessions.map(() => undefined);
    await inLockOrder(sessions, async (s, i) => {
        const r = await runPhase(s, op.spec, op.reporter, 'lock', lockCommands(s, owner, manifest), { okCodes: [LOCKED] });
        results[i] = r;
        return r.code !== LOCKED;
    });
    return results;
}
/** Who holds each host's lock, from a lock round trip. */
function holdersOf(results) {
    return results.map((r) => (r === undefined ? null : r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined));
}
/** Takes the lock on every host and reads its history, waiting up to `op.lockWait` s for a live holder. */
async function lockHosts(op, sessions, owner, manifest = true) {
    const results = await tryAll(op, sessions, owner, manifest);
    const holders = holdersOf(results);
    if (holders.every((h) => h === undefined))
        return results.map((r, i) => lockedState(op, sessions[i], r));
    return waitForLocks(op, sessions, owner, holders, manifest);
}
/**
 * Given the holders a first try found, waits until every host's lock is this run's and returns the histories
 * read then. Throws {@link LockedError} naming the holder when `op.lockWait` runs out (at once when it is 0),
 * {@link Cancelled} when the operation is cancelled while waiting; the caller then releases what this run holds.
 */
async function waitForLocks(op, sessions, owner, first, manifest = true) {
    const started = Date.now();
    let holders = first;
    let told = [];
    for (;;) {
        const waited = Math.round((Date.now() - started) / 1000);
        const at = holders.findIndex((h) => typeof h === 'string');
        const left = started + op.lockWait * 1000 - Date.now();
        if (left <= 0)
            throw new LockedError(sessions[at].host.name, holders[at], op.lockWait ? waited : 0);
        if (op.signal?.aborted)
            throw new Cancelled(String(op.signal.reason ?? 'abort'));
        await releaseLocks(op, sessions, owner);
        holders.forEach((h, i) => {
            if (typeof h === 'string' && h !== told[i])
                op.reporter.info(`${sessions[i].host.name}: the deploy lock is held by ${describeHolder(h)}; waiting for it (up to ${op.lockWait} s, ${waited} s so far)`);
        });
        told = holders;
        await setTimeout(Math.min(LOCK_POLL * 1000 + Math.random() * 1000, left), undefined, { signal: op.signal }).catch(() => undefined);
        if (op.signal?.aborted)
            throw new Cancelled(String(op.signal.reason ?? 'abort'));
        const results = await tryAll(op, sessions, owner, manifest);
        holders = holdersOf(results);
        if (holders.every((h) => h === undefined)) {
            op.reporter.info(`took the deploy lock after waiting ${Math.round((Date.now() - started) / 1000)} s`);
            return results.map((r, i) => lockedState(op, sessions[i], r));
        }
    }
}

/** `<time> <operation> <release> by <who> [run <id>] [commit <sha>]: <outcome>` */
function auditLine(op, operation, release, commit, outcome) {
    return `${op.now().toISOString()} ${op.spec.app} ${operation} ${release} by ${op.by}${op.run ? ` run ${op.run}` : ''}${commit ? ` commit ${commit.slice(0, 12)}` : ''}: ${outcome}`;
}

export { DIRS_LIST as D, UPLOAD_LIST as U, auditLine as a, lock as b, completeUpload as c, dirsFile as d, inLockOrder as i, lockHosts as l, manifestFile as m, waitForLocks as w };
