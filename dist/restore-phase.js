import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { e as holding, i as lockAge, h as heartbeat, u as unlessAborted, b as release } from './run.js';
import { posix } from 'node:path';
import { w as when, b as sh, q as printLine, a as raw, j as cmd, e as seq, n as nap, g as NAPPER, m as mkdirs, i as render, t as readFirstLine, k as stepMark, u as inDir, v as and, d as dataMark, x as statMark, r as runPhase, S as StepError } from './session.js';
import { r as releaseDir, S as SlipwayError, i as isReleaseId, I as InputError, U as UntouchedError, h as hooksFor } from './select.js';
import { c as advance, w as writeRecord, b as audit } from './audit.js';

/**
 * A claim between two sides that may both want to act on the same thing (the run and a detached watcher on the
 * host): an atomic rename of one file, so exactly one of them acts. The watcher fires (`<file>.fired`); the run
 * claims (`<file>.claimed`, then removed).
 */
/** Claims `file`; when the watcher has fired it first, prints `said` on stderr and exits `code`. A file never armed is claimed as is. */
function claim(file, said, code) {
    const late = [sh `${printLine(said)} >&2`, raw(`exit ${code}`)];
    return when(sh `[ -e ${file} ] && mv -T ${file} ${`${file}.claimed`} 2>/dev/null`, [cmd('rm', '-f', `${file}.claimed`)], [when(sh `[ -e ${`${file}.fired`} ]`, late)]);
}
/** The watcher's side: runs `act` unless the run has claimed `file` first. */
function fire(file, act) {
    return when(sh `mv -T ${file} ${`${file}.fired`} 2>/dev/null`, act);
}

/**
 * Host jobs: commands the host runs to the end on its own, detached from the SSH session (`setsid`: a session of its own, no terminal to hang up; output
 * to a log on the host, the exit status to a file), keeping the run's lock alive while they run. The phase that
 * starts a job then follows its log, so the runner reads the job's step and data lines as if they ran inline; a
 * dropped connection or a dead runner stops only the following, never the job. Following again (after a
 * reconnect) replays the log from its start.
 */
/** Exit code of a follower that finds no such job on the host (it was never started). */
const NO_JOB = 78;
/** Exit code of a follower (or a claim) when the job's guard has already undone what the job did. */
const GUARDED = 74;
/** A job's files. `name` is chosen in code (a release id or a token plus a fixed word), never a user's value. */
function jobFiles(l, name) {
    if (!/^[A-Za-z0-9._-]+$/.test(name))
        throw new Error(`not a job name: ${name}`);
    const base = posix.join(l.jobs, name);
    return { script: `${base}.sh`, log: `${base}.log`, err: `${base}.err`, status: `${base}.status` };
}
/**
 * The job's own script: `beat` every second in the background while `commands` run under strict mode in a
 * subshell; then their exit status is written (atomically) for the follower.
 */
function jobScript(l, name, commands, beat) {
    const f = jobFiles(l, name);
    return [
        `( ${render(NAPPER)}; while :; do ${render(beat)} || true; ${render(nap(1))}; done ) </dev/null >/dev/null 2>&1 &`,
        'beat=$!',
        '(',
        'set -euo pipefail',
        ...commands.map(render),
        ')',
        'rc=$?',
        'kill "$beat" 2>/dev/null || true',
        render(sh `printf '%s\\n' "$rc" > ${`${f.status}.tmp`} && mv -f ${`${f.status}.tmp`} ${f.status}`),
        // Housekeeping after the status, so that nobody following the job waits for it: job files older than a day.
        render(sh `find ${l.jobs} -type f -mmin +1440 -delete 2>/dev/null || true`),
        ''
    ].join('\n');
}
/** Starts job `name` and follows it to its end, in one phase: the phase exits with the job's status. */
function runJob(l, name, commands, beat, guard) {
    return [...startJob(l, name, commands, beat, guard), ...followJob(l, name)];
}
/**
 * Starts job `name`, only while `guard` holds (a host script that outlived its run must not start what that run
 * no longer owns), and returns at once. `first` runs inline on the same condition, before the job starts.
 */
function startJob(l, name, commands, beat, guard, first = []) {
    const f = jobFiles(l, name);
    const refused = [sh `${printLine(`job ${name} not started: this run no longer holds the deploy lock`)} >&2`, raw('exit 1')];
    return [
        when(sh `! ${guard}`, refused),
        ...first,
        // Tests before processes: a job's start is on the path of every deploy and rollback.
        mkdirs(l.jobs),
        sh `${printLine(jobScript(l, name, commands, beat))} > ${f.script}`,
        sh `[ ! -e ${f.status} ] || rm -f ${f.status}`,
        sh `: > ${f.log}`,
        sh `: > ${f.err}`,
        // stdout and stderr to files of their own: in one file a stderr write (a PHP deprecation notice) can land in the
        // middle of a long data line, which the runner would then misread.
        sh `setsid bash ${f.script} </dev/null >${f.log} 2>${f.err} &`
    ];
}
/**
 * Prints job `name`'s log (and its stderr, to stderr) from its start as they grow, until its status is written and both are read to their end;
 * exits with the job's status ({@link NO_JOB} when there is no such job).
 */
function followJob(l, name) {
    const f = jobFiles(l, name);
    return [
        when(sh `[ ! -e ${f.log} ]`, [sh `${printLine(`no job ${name} on this host`)} >&2`, raw(`exit ${NO_JOB}`)]),
        sh `[ -e ${f.err} ] || : > ${f.err}`,
        sh `exec 3< ${f.log} 4< ${f.err}`,
        NAPPER,
        // Turns of 10 ms for the first second (most jobs of a rollback end within it), then of 50 ms.
        raw('part= epart= turn=0'),
        sh `while :; do fin=0; [ ! -e ${f.status} ] || fin=1; while IFS= read -r l <&3 || { part+=$l; false; }; do printf '%s\\n' "$part$l"; part=; done; while IFS= read -r l <&4 || { epart+=$l; false; }; do printf '%s\\n' "$epart$l" >&2; epart=; done; [ "$fin" = 0 ] || break; t=0.05; [ $((++turn)) -gt 100 ] || t=0.01; ${nap('"$t"')}; done`,
        raw(`[ -z "$part" ] || printf '%s\\n' "$part"`),
        raw(`[ -z "$epart" ] || printf '%s\\n' "$epart" >&2`),
        // The job's outcome is read: its guard, if it has one, stands down (or has already undone the job).
        claimGuard(l, name),
        readFirstLine('rc', f.status),
        raw('exit "$rc"')
    ];
}
/** Waits until job `name` has ended (its status written), when it was started at all. */
function awaitJob(l, name) {
    const f = jobFiles(l, name);
    return seq(NAPPER, sh `while [ -e ${f.log} ] && [ ! -e ${f.status} ]; do ${nap(0.2)}; done`);
}
const guardFile = (l, name) => posix.join(l.watchdog, `${name}.guard`);
/**
 * Guards job `name`: when nobody has read the job's outcome (its follower claims the guard as it ends) and the run
 * has stopped — the lock no longer beats for `grace` seconds while `owner` holds it (a job beats while it runs, the
 * runner every few seconds) — the guard claims itself and runs `undo` as host job `<name>.guard`. A claim is an
 * atomic rename, so exactly one side acts.
 */
function armGuard(l, name, grace, undo, owner) {
    const file = guardFile(l, name);
    const job = jobFiles(l, `${name}.guard`);
    const wait = seq(NAPPER, sh `while :; do [ -e ${file} ] || exit 0; ${holding(l, owner)} || exit 0; ${lockAge(l)}; [ "$age" -le ${String(grace)} ] || break; ${nap(1)}; done`);
    const run = fire(file, [sh `bash ${job.script} >${job.log} 2>${job.err}`]);
    return [
        mkdirs(l.watchdog, l.jobs),
        sh `${printLine(jobScript(l, `${name}.guard`, undo, heartbeat(l, owner)))} > ${job.script}`,
        sh `: > ${file}`,
        sh `setsid ${cmd('bash', '-c', render(seq(wait, run)))} </dev/null >/dev/null 2>&1 &`
    ];
}
/** Claims job `name`'s guard; exits {@link GUARDED} when the guard has already fired. A job never guarded is claimed as is. */
function claimGuard(l, name) {
    return claim(guardFile(l, name), `the host's guard of job ${name} had already undone it: the run had sent no heartbeat for too long`, GUARDED);
}

/** Building a release on the host: directory, upload, shared links, writable dirs, build steps. */
/** Exit code of the shared-files check when one is missing. */
const MISSING_SHARED = 3;
/** Removes what an earlier attempt of this release left in its directory (a rerun, `deploy --only-failed`, builds it afresh). */
function clearRelease(l, id) {
    return cmd('rm', '-rf', '--', releaseDir(l, id));
}
/** The command that unpacks a tar stream (on stdin) into a fresh release directory. */
function unpack(l, id) {
    const dir = releaseDir(l, id);
    return and(cmd('mkdir', '-p', dir), cmd('tar', '-x', '-f', '-', '-C', dir, '--no-same-owner', '-m'));
}
/** A relative link target from `from` (a path inside the release) to `to` (under shared/). */
function relativeTarget(linkPath, target) {
    return posix.relative(posix.dirname(linkPath), target);
}
/**
 * Fails (exit {@link MISSING_SHARED}) before anything else when a shared file is missing,
 * with the command that creates it.
 */
function checkSharedFiles(l, files, ssh) {
    return files.map((f) => {
        const path = posix.join(l.shared, f);
        const create = render(sh `${raw(ssh)} ${render(and(cmd('mkdir', '-p', posix.dirname(path)), sh `cat > ${path}`))} < ${posix.basename(f)}`);
        const help = `shared file ${path} is missing on the host. Create it once before deploying, e.g.: ${create}`;
        return when(sh `[ ! -f ${path} ]`, [sh `${printLine(help)} >&2`, raw(`exit ${MISSING_SHARED}`)]);
    });
}
/** Links shared files and directories into the release (dirs are created, seeded from the release the first time). */
function linkShared(l, id, shared) {
    const dir = releaseDir(l, id);
    const out = [];
    for (const d of shared.dirs) {
        const inShared = posix.join(l.shared, d);
        const inRelease = posix.join(dir, d);
        const seed = when(sh `[ -d ${inRelease} ] && [ ! -L ${inRelease} ]`, [cmd('cp', '-a', '--', inRelease, inShared)], [cmd('mkdir', '-p', '--', inShared)]);
        out.push(when(sh `[ ! -d ${inShared} ]`, [cmd('mkdir', '-p', '--', posix.dirname(inShared)), seed]));
        out.push(link(inRelease, inShared));
    }
    for (const f of shared.files)
        out.push(link(posix.join(dir, f), posix.join(l.shared, f)));
    return out;
}
function link(inRelease, inShared) {
    return and(cmd('rm', '-rf', '--', inRelease), cmd('mkdir', '-p', '--', posix.dirname(inRelease)), cmd('ln', '-s', '--', relativeTarget(inRelease, inShared), inRelease));
}
/** Exit code when a path of the spec leads through a symlink or out of the release on the host. */
const UNSAFE_PATH = 4;
/**
 * Before anything is written, deleted or chmod'ed: each spec path's parent in the release must resolve to itself
 * under the resolved release dir — no symlinked component, nothing outside the release — or the step exits
 * {@link UNSAFE_PATH}, naming the path.
 */
function guardPaths(l, id, paths) {
    const dir = releaseDir(l, id);
    const parents = [...new Set(paths.map((p) => posix.dirname(posix.normalize(p))).filter((d) => d !== '.'))];
    return parents.map((d) => {
        const why = `refusing to touch ${d}/… in the release: ${d} is a symlink or leads outside the release on the host; nothing was written. Fix: make ${d} a plain directory in the source`;
        return when(sh `[ "$(realpath -m -- ${posix.join(dir, d)})" != "$(realpath -m -- ${dir})"/${d} ]`, [sh `${printLine(why)} >&2`, raw(`exit ${UNSAFE_PATH}`)]);
    });
}
/** Creates the writable directories and makes them group-writable. */
function makeWritable(l, id, dirs) {
    return dirs.map((d) => {
        const path = posix.join(releaseDir(l, id), d);
        return and(cmd('mkdir', '-p', '--', path), cmd('chmod', '-R', 'ug+rwX', '--', path));
    });
}
/** Copies directories from the live release into the new one (a copy, so the old release never changes). */
function copyFromPrevious(l, id, previous, dirs) {
    if (!previous)
        return [];
    return dirs.map((d) => {
        const from = posix.join(releaseDir(l, previous), d);
        const to = posix.join(releaseDir(l, id), d);
        return when(sh `[ -d ${from} ] && [ ! -e ${to} ]`, [and(cmd('mkdir', '-p', '--', posix.dirname(to)), cmd('cp', '-a', '--', from, to))]);
    });
}
/** User commands run in a directory, each announced as a step `<phase> N: <command>`. */
function hooks(m, phase, dir, commands) {
    return commands.flatMap((c, i) => [stepMark(m, `${phase} ${i + 1}: ${c}`), inDir(dir, raw(c))]);
}
/** Reports the KiB free for this user on the deploy root's filesystem (data `free`). */
function freeSpace(m, l) {
    return dataMark(m, 'free', sh `$(df -P -k ${l.root} | awk 'NR == 2 { print $4 }')`);
}
/** Reports each shared file's modification time as data `shared`: `<epoch seconds> <index in files>` (missing files say nothing). */
function sharedTimes(m, l, files) {
    return files.map((f, i) => {
        const path = posix.join(l.shared, f);
        return when(sh `[ -e ${path} ]`, [statMark(m, 'shared', `%Y ${i}`, path)]);
    });
}

/**
 * Phases that start a host job (`src/commands/detach.ts`): when the connection is lost while the job runs, the
 * host finishes it anyway; the runner connects again (a few tries, 1 + 2 + 4 s apart) and follows the job's log
 * from its start to its end, so the phase's result is the job's, as if nothing had happened.
 */
const RETRIES = [1, 2, 4];
/** Runs a phase whose commands start host job `job`; a lost connection is made again and the job followed to its end. */
async function runJobPhase(s, spec, reporter, phase, commands, job, extra = {}) {
    try {
        return await runPhase(s, spec, reporter, phase, commands, extra);
    }
    catch (error) {
        if (!(error instanceof StepError) || !error.lost || !s.reopen)
            throw error;
        return followAgain(s, spec, reporter, phase, job, error, extra.okCodes);
    }
}
/** The run stopped following a host job (the cancel's time limit): the host finishes it, and it releases the lock. */
class LeftToHost extends SlipwayError {
    host;
    job;
    constructor(host, job) {
        super(`${host}: stopped following the host job ${job} to exit within CI's grace; the host finishes it on its own and it releases the lock (its log: .slipway/jobs/${job}.log)`);
        this.host = host;
        this.job = job;
        this.name = 'LeftToHost';
    }
}
/**
 * An undo as a host job: `first` and the job's start in one phase, then the job followed to its end — unless
 * `late` aborts first (a cancel's time limit): then {@link LeftToHost} is thrown and the host finishes alone.
 */
async function undoOnHost(s, spec, reporter, phase, first, start, job, late) {
    await runJobPhase(s, spec, reporter, phase, [...first, ...start], job);
    const follow = runJobPhase(s, spec, reporter, phase, followJob(s.layout, job), job);
    return late ? unlessAborted(follow, late, () => new LeftToHost(s.host.name, job)) : follow;
}
/**
 * Connects again (the session goes on over the new connection) and follows job `job`; throws `lost` when the host
 * has no such job (it never started), when no try connects, or when the session is closed meanwhile.
 */
async function followAgain(s, spec, reporter, phase, job, lost, okCodes) {
    for (const wait of RETRIES) {
        if (!s.reopen)
            break;
        reporter.warn(`${s.host.name}: the connection was lost during "${phase}"; the host finishes its job ${job} on its own; connecting again in ${wait} s to follow it`);
        await new Promise((r) => setTimeout(r, wait * 1000));
        if (!s.reopen || !(await reconnect(s, reporter)))
            continue;
        try {
            return await runPhase(s, spec, reporter, `${phase} (followed again)`, followJob(s.layout, job), { okCodes });
        }
        catch (error) {
            if (!(error instanceof StepError))
                throw error;
            if (error.code === NO_JOB)
                throw lost;
            if (!error.lost)
                throw error;
        }
    }
    throw lost;
}
/** A new connection for the session, unless it was closed meanwhile (then the new one is closed too). */
async function reconnect(s, reporter) {
    const remote = await s.reopen().catch((e) => {
        reporter.warn(`${s.host.name}: cannot connect again: ${e.message}`);
        return undefined;
    });
    if (!remote)
        return false;
    if (!s.reopen) {
        await remote.close().catch(() => undefined);
        return false;
    }
    await s.channel?.close().catch(() => undefined);
    await s.remote.close().catch(() => undefined);
    s.remote = remote;
    s.channel = undefined;
    return true;
}

/**
 * The one rollback brain: which release to go back to, which records change, and which releases are
 * rolled over. Manual rollbacks (one host or many), automatic ones and dry-runs all decide here, in
 * TypeScript, on the history read from the host; the host only executes what it is sent.
 */
/** Picks the rollback target from one host's history, or explains why there is none. */
function pickTarget(state, to) {
    const current = state.current;
    if (to !== undefined) {
        const found = state.records.find((r) => r.id === to);
        if (!found)
            throw new InputError(`release ${to} is not in the history. Fix: pick one of: ${state.records.map((r) => r.id).join(', ') || '(none)'} (slipway releases)`);
        if (found.id === current)
            throw new InputError(`release ${to} is already current`);
        if (found.state === 'failed')
            throw new InputError(`release ${to} is marked failed (${found.note ?? 'no note'}); rollback skips failed releases. Fix: choose a healthy release (slipway releases)`);
        return found;
    }
    if (!current)
        throw new InputError('there is no current release to roll back from');
    const target = state.records.filter((r) => r.id < current && r.state === 'healthy').pop();
    if (!target)
        throw new InputError(`no healthy release older than ${current} to roll back to. Fix: deploy a fixed release instead`);
    return target;
}
/** Plans a rollback on one host's history. */
function planRollback(state, request) {
    const left = state.records.find((r) => r.id === state.current);
    if ('automatic' in request) {
        const updates = left ? [advance(left, 'failed', { note: request.note, updated_at: request.stamp })] : [];
        return { target: request.previous, from: state.current, updates, over: [] };
    }
    if (request.to !== undefined && !isReleaseId(request.to))
        throw new InputError(`"${request.to}" is not a release id (UTC YYYYMMDDHHMMSS, optionally .NN). Fix: pick one from slipway releases`);
    const target = pickTarget(state, request.to).id;
    const note = `rolled back to ${target} by ${request.by}`;
    const updates = left ? [advance(left, left.state === 'failed' ? 'failed' : 'rolled-back', { note, updated_at: request.stamp })] : [];
    const from = state.current;
    const over = from ? rolledOver(state, target, from) : [];
    return { target, from, updates, over };
}
/** The releases between the target and the one left, newest first, whose migrations are still applied. */
function rolledOver(state, target, from) {
    return state.records.filter((r) => r.id > target && r.id <= from && r.state !== 'failed' && r.migrations?.ran.length && !r.migrations.stepped_back?.length).reverse();
}
/**
 * The target every host can go to, and the plan of each. With `to`: that release, on every host that does not
 * serve it yet. Without: the newest release healthy on every host that is no newer than any host's current and
 * older than the newest current — when the hosts agree, the release before theirs; when they disagree (a split
 * fleet), where the hosts behind already are, so those stay and only the others move. None: refused with the
 * per-host table ({@link UntouchedError}); a healthy host is never moved further back because another differs.
 */
function planFleetRollback(states, hosts, request) {
    if (request.to !== undefined && !isReleaseId(request.to))
        throw new InputError(`"${request.to}" is not a release id (UTC YYYYMMDDHHMMSS, optionally .NN). Fix: pick one from slipway releases`);
    const target = request.to ?? commonTarget(states, hosts);
    if (states.every((st) => st.current === target))
        throw new InputError(`release ${target} is already current${hosts.length > 1 ? ' on every host' : ''}`);
    const plans = states.map((st, i) => {
        if (st.current === target)
            return undefined;
        try {
            return planRollback(st, { ...request, to: target });
        }
        catch (error) {
            throw hosts.length > 1 && error instanceof InputError ? new InputError(`${hosts[i]}: ${error.message}`) : error;
        }
    });
    return { target, plans };
}
/** The newest release healthy on every host, at or below every current and below the newest; or a refusal. */
function commonTarget(states, hosts) {
    if (states.length === 1)
        return pickTarget(states[0], undefined).id;
    const currents = states.map((st) => st.current);
    if (currents.some((c) => !c))
        throw new UntouchedError(`${hosts[currents.indexOf(undefined)]} has no current release, so there is no release to go back to on every host. Nothing was changed.\n${fleetTable(states, hosts)}\nFix: leave it out (--exclude ${hosts[currents.indexOf(undefined)]}), or deploy a fixed release`);
    const sorted = currents.slice().sort();
    const [low, high] = [sorted[0], sorted[sorted.length - 1]];
    const healthyEverywhere = states[0].records.filter((r) => r.state === 'healthy' && r.id <= low && r.id < high && states.every((st) => st.records.some((o) => o.id === r.id && o.state === 'healthy')));
    const target = healthyEverywhere.map((r) => r.id).sort().pop();
    if (!target)
        throw new UntouchedError(`no release to roll back to that every host has healthy (at or below each host's current). Nothing was changed.\n${fleetTable(states, hosts)}\nFix: roll back the hosts that share a release (--hosts or --exclude), or pick one with --to`);
    return target;
}
/** Per host: its current release and its healthy ones (newest first), for a refusal. */
function fleetTable(states, hosts) {
    const width = Math.max(...hosts.map((h) => h.length));
    return states.map((st, i) => {
        const healthy = st.records.filter((r) => r.state === 'healthy').map((r) => r.id).reverse();
        return `  ${hosts[i].padEnd(width)}  current ${st.current ?? '(none)'}  healthy: ${healthy.join(', ') || '(none)'}`;
    }).join('\n');
}

/**
 * Atomically points `current` at releases/<id> (relative link, `mv -T` rename); `id` may be shell text such as `"$target"`.
 * The temporary link is made with `ln -sfT` (it replaces a leftover `current.next`, refuses a directory there), so the
 * switch starts two processes; `current` itself is only ever replaced by the rename.
 */
function activate(l, id) {
    const tmp = `${l.current}.next`;
    const target = typeof id === 'string' ? `releases/${id}` : raw(`releases/${id.raw}`);
    return and(cmd('ln', '-sfT', target, tmp), cmd('mv', '-T', '-f', tmp, l.current));
}

/** The host side of any rollback, automatic or manual: switch back, records, step-back, audit, hooks, unlock. */
/** `current` to `target` (atomic), or removed when there was no live release before. */
function switchTo(l, target) {
    return target ? activate(l, target) : cmd('rm', '-f', l.current);
}
/**
 * Switches `current` back to `target` (or removes it when there was no live release; not at all
 * with `switchBack` false, for a deploy that failed before its switch), records
 * the new states, steps back migrations (commands that write their own records), audits, runs the rollback hooks in the restored release, and unlocks.
 */
function restorePhase(m, l, spec, target, updates, auditLine, owner, stepBack = [], switchBack = true) {
    return [
        ...(switchBack ? [stepMark(m, 'switch back'), switchTo(l, target)] : []),
        ...updates.map((r) => writeRecord(l, r)),
        ...stepBack,
        audit(l, auditLine),
        ...(switchBack && target ? hooks(m, 'rollback hook', releaseDir(l, target), hooksFor(m.host.roles, spec.rollback_hooks)) : []),
        release(l, owner)
    ];
}

export { GUARDED as G, LeftToHost as L, freeSpace as a, planRollback as b, claim as c, awaitJob as d, claimGuard as e, fire as f, startJob as g, armGuard as h, runJobPhase as i, hooks as j, runJob as k, guardPaths as l, checkSharedFiles as m, linkShared as n, makeWritable as o, planFleetRollback as p, copyFromPrevious as q, restorePhase as r, switchTo as s, activate as t, undoOnHost as u, clearRelease as v, unpack as w, sharedTimes as x, pickTarget as y };
