import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { posix } from 'node:path';

/** Errors that carry the process exit code a user should see. */
/** A deploy, rollback or remote step failed: exit 1. */
class SlipwayError extends Error {
    exitCode = 1;
    constructor(message) {
        super(message);
        this.name = 'SlipwayError';
    }
}
/** Bad input (spec, arguments, host key, auth): nothing was touched on any host; exit 2. */
class InputError extends SlipwayError {
    exitCode = 2;
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}
/**
 * The operation stopped before it changed anything on any host: a host could not be reached, or another run
 * holds the lock (what this run had taken is released); exit 3.
 */
class UntouchedError extends SlipwayError {
    exitCode = 3;
    constructor(message) {
        super(message);
        this.name = 'UntouchedError';
    }
}

/** Where things live under the deploy root on a host. */
/** The layout for a deploy root: releases/, shared/, current, .slipway/{releases,lock,audit.log}; `points` (db.path) relative to it or absolute. */
function layout(root, points = '.slipway/points') {
    const r = root.replace(/\/+$/, '') || '/';
    const meta = posix.join(r, '.slipway');
    return {
        root: r,
        releases: posix.join(r, 'releases'),
        shared: posix.join(r, 'shared'),
        current: posix.join(r, 'current'),
        meta,
        records: posix.join(meta, 'releases'),
        lock: posix.join(meta, 'lock'),
        audit: posix.join(meta, 'audit.log'),
        journal: posix.join(meta, 'journal'),
        watchdog: posix.join(meta, 'watchdog'),
        jobs: posix.join(meta, 'jobs'),
        trash: posix.join(meta, 'trash'),
        points: posix.resolve(r, points)
    };
}
/** The directory of one release. */
function releaseDir(l, id) {
    return posix.join(l.releases, id);
}
/** The migrate journal of one release: the migrate run's output, whose `before` line says what was applied before it. */
function journalFile(l, id) {
    return posix.join(l.journal, `${id}.log`);
}
/** The restore point files a release may have, one per engine (the engine picks one when it takes the point). */
const POINT_EXTENSIONS = { sqlite: 'sqlite', pgsql: 'pgdump', mysql: 'sql', command: 'point' };
/** The restore point of one release without its extension (the built-in provider adds the engine's). */
function pointBase(l, id) {
    return posix.join(l.points, id);
}
/** The restore point file of one release for an engine. */
function pointFile(l, id, engine) {
    return `${pointBase(l, id)}.${POINT_EXTENSIONS[engine]}`;
}
/** The history record file of one release. */
function recordFile(l, id) {
    return posix.join(l.records, `${id}.json`);
}
/** A release id: UTC YYYYMMDDHHMMSS, with a .NN suffix when that second was taken. Anything else never names a release directory. */
function isReleaseId(value) {
    return /^\d{14}(\.\d{2,4})?$/.test(value);
}

/** True when a host with `has` takes something limited to `only` (unlimited when `only` is unset). */
function hasRole(has, only) {
    return !only || only.some((r) => has.includes(r));
}
/** The commands of `hooks` that run on a host with these roles, in order. */
function hooksFor(has, hooks) {
    return hooks.flatMap((h) => (typeof h === 'string' ? [h] : hasRole(has, h.roles) ? [h.run] : []));
}
/** A hook as a report shows it. */
function hookText(h) {
    return typeof h === 'string' ? h : `${h.run} (on ${h.roles.join(', ')})`;
}

/** How the engine tells the world what it does: the CLI prints, the Action writes log groups. */
/** A reporter that writes plain lines to two sinks (stdout-like and stderr-like). */
function consoleReporter(out = (s) => process.stdout.write(s + '\n'), err = (s) => process.stderr.write(s + '\n'), verbose = false) {
    return {
        info: (m) => out(m),
        warn: (m) => err(`warning: ${m}`),
        error: (m) => err(`error: ${m}`),
        debug: (m) => verbose && err(`debug: ${m}`),
        line: (host, text) => out(`  [${host}] ${text}`),
        group: async (title, fn) => {
            out(`==> ${title}`);
            return fn();
        }
    };
}
/** A reporter that drops everything (library default). */
const silentReporter = {
    info: () => { },
    warn: () => { },
    error: () => { },
    debug: () => { },
    line: () => { },
    group: (_title, fn) => fn()
};
/** A reporter that tells `inner` everything and also passes each message to `emit` as an event (debug excluded). */
function withEvents(inner, emit, now = () => new Date()) {
    let group;
    const event = (kind, text, more = {}) => emit({ time: now().toISOString(), kind, text, ...(group ? { group } : {}), ...more });
    return {
        info: (m) => { event('info', m); inner.info(m); },
        warn: (m) => { event('warn', m); inner.warn(m); },
        error: (m) => { event('error', m); inner.error(m); },
        debug: (m) => inner.debug(m),
        line: (host, text, stream) => { event('line', text, { host, stream }); inner.line(host, text, stream); },
        group: async (title, fn) => {
            const outer = group;
            event('group', title);
            group = title;
            try {
                return await inner.group(title, fn);
            }
            finally {
                group = outer;
            }
        }
    };
}

/**
 * Host selection (`--hosts`, `--exclude`, `--roles`; Action inputs `hosts`, `exclude`, `roles`; library option
 * `select`): the one place that narrows a spec's hosts, so an incident rollback can proceed on the hosts it can reach.
 */
/** A comma-separated list ("a, b,c") as names; empty parts dropped. */
function parseNames(text) {
    const names = (text ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    return names.length ? names : undefined;
}
/** True when the selection narrows nothing. */
function selectsAll(pick) {
    return !pick?.hosts?.length && !pick?.exclude?.length && !pick?.roles?.length;
}
/**
 * The spec with only the selected hosts (in the spec's order). Unknown host names or roles, and a selection that
 * leaves no host, are an {@link InputError} naming what is known, before anything connects.
 */
function selectHosts(spec, pick) {
    if (selectsAll(pick))
        return spec;
    const names = spec.hosts.map((h) => h.name);
    const roles = [...new Set(spec.hosts.flatMap((h) => h.roles))];
    refuseUnknown('host', '--hosts', pick?.hosts, names);
    refuseUnknown('host', '--exclude', pick?.exclude, names);
    refuseUnknown('role', '--roles', pick?.roles, roles);
    const hosts = spec.hosts.filter((h) => (!pick?.hosts?.length || pick.hosts.includes(h.name)) && !pick?.exclude?.includes(h.name) && (!pick?.roles?.length || hasRole(h.roles, pick.roles)));
    if (!hosts.length)
        throw new InputError(`the host selection (${describeSelection(pick)}) leaves no host. Fix: the spec's hosts are ${names.join(', ')}`);
    return { ...spec, hosts };
}
/** "--hosts a,b --exclude c --roles web", for messages. */
function describeSelection(pick) {
    const parts = [['--hosts', pick?.hosts], ['--exclude', pick?.exclude], ['--roles', pick?.roles]];
    return parts.filter(([, v]) => v?.length).map(([flag, v]) => `${flag} ${v.join(',')}`).join(' ');
}
function refuseUnknown(what, flag, given, known) {
    const unknown = (given ?? []).filter((n) => !known.includes(n));
    if (!unknown.length)
        return;
    const list = known.length ? known.join(', ') : '(none)';
    throw new InputError(`${flag}: unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Fix: the spec's ${what}s are ${list}`);
}

export { InputError as I, POINT_EXTENSIONS as P, SlipwayError as S, UntouchedError as U, selectsAll as a, silentReporter as b, consoleReporter as c, recordFile as d, pointFile as e, hookText as f, pointBase as g, hooksFor as h, isReleaseId as i, journalFile as j, describeSelection as k, hasRole as l, layout as m, parseNames as p, releaseDir as r, selectHosts as s, withEvents as w };
