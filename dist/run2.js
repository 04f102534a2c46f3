import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { I as InputError, p as parseNames, i as isReleaseId, w as withEvents, S as SlipwayError, c as consoleReporter, b as silentReporter } from './select.js';
import { USAGE } from './usage.js';
import 'node:path';

/** The CLI's option checks: each refuses a bad value before anything is read or connected. */
/** Refuses a `--to` that is not a release id (or is given to another command). */
function checkTo(command, to) {
    if (to === undefined)
        return;
    if (command !== 'rollback')
        throw new InputError('--to is only for rollback. Fix: remove it');
    if (!isReleaseId(to))
        throw new InputError(`--to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current`);
}
/** `--lock-wait`: whole seconds, for deploy and rollback only. */
function lockWaitOf(command, value) {
    if (value === undefined)
        return undefined;
    if (command !== 'deploy' && command !== 'rollback')
        throw new InputError('--lock-wait is only for deploy and rollback. Fix: remove it');
    if (!/^\d{1,5}$/.test(value) || Number(value) > 86400)
        throw new InputError(`--lock-wait ${JSON.stringify(value)} is not a number of seconds. Fix: give whole seconds from 0 to 86400, e.g. --lock-wait 600`);
    return Number(value);
}
const SELECTING = ['deploy', 'rollback', 'releases', 'unlock'];
/** `--hosts a,b`, `--exclude c`, `--roles web`: for deploy, rollback, releases and unlock (names are checked against the spec later, still before connecting). */
function selectionOf(command, v) {
    const given = ['hosts', 'exclude', 'roles'].filter((k) => v[k] !== undefined);
    if (!given.length)
        return undefined;
    if (!SELECTING.includes(command))
        throw new InputError(`--${given[0]} is only for ${SELECTING.join(', ')}. Fix: remove it`);
    const empty = given.find((k) => !parseNames(v[k]));
    if (empty)
        throw new InputError(`--${empty} needs a comma-separated list of names, e.g. --${empty} ${empty === 'roles' ? 'web' : 'h01,h02'}`);
    return { hosts: parseNames(v.hosts), exclude: parseNames(v.exclude), roles: parseNames(v.roles) };
}
/** `--only-failed`: for deploy only. */
function checkOnlyFailed(command, value) {
    if (value && command !== 'deploy')
        throw new InputError('--only-failed is only for deploy. Fix: remove it');
}
/** --strategy (checked by the deploy, which knows the kinds) and the two-phase flags: for deploy only. */
async function deployArgs(command, v) {
    const given = ['strategy', 'phase', 'release', 'shard'].find((k) => v[k] !== undefined);
    if (command !== 'deploy') {
        if (given)
            throw new InputError(`--${given} is only for deploy. Fix: remove it`);
        return undefined;
    }
    return (await import('./phases.js')).twoPhase(v.phase, v.release, v.shard);
}

/**
 * Starts the connections, loads `load()` while they are under way, then runs `use` with the loaded module and a
 * connector that hands each host its connection; any connection `use` did not take is closed when it ends. With a
 * host selection, or more hosts than `max_connections`, nothing connects early: the operation picks and paces them.
 */
async function connectedFirst(spec, select, load, use) {
    const [{ sshConnector }, { sshLibrary }] = await Promise.all([import('./session.js').then(function (n) { return n.F; }), import('./ssh.js').then(function (n) { return n.s; })]);
    const early = !select && spec.hosts.length <= (spec.max_connections ?? spec.hosts.length);
    const pending = new Map(early ? spec.hosts.map((h) => [h, sshConnector(h, spec)]) : []);
    // A failed connection is reported by the operation when it takes it (openSessions), not as an unhandled rejection.
    for (const p of pending.values())
        p.catch(() => undefined);
    const connect = (host, s) => {
        const p = pending.get(host);
        pending.delete(host);
        return p ?? sshConnector(host, s);
    };
    try {
        // The library first: its handshake then runs while the operation's code compiles.
        if (spec.ssh !== 'openssh')
            await sshLibrary().catch(() => undefined);
        return await use(await load(), connect);
    }
    finally {
        await Promise.all([...pending.values()].map(async (p) => (await p.catch(() => undefined))?.close()));
    }
}

/** `--events <file>`: every message a command reports, also appended to a file as JSON lines. */
/** With a path: every message also appended to it as one JSON line (time, kind, group, host, text). */
function eventsTo(path, reporter) {
    if (path === undefined)
        return reporter;
    try {
        writeFileSync(path, '', { flag: 'a' });
    }
    catch (error) {
        throw new InputError(`--events ${path}: cannot write: ${error.message}. Fix: give a writable file path`);
    }
    return withEvents(reporter, (e) => appendFileSync(path, `${JSON.stringify(e)}\n`));
}

/** The `slipway` command line: parses arguments, calls the library, maps errors to exit codes. */
const options = {
    spec: { type: 'string', default: 'slipway.yml' },
    env: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    to: { type: 'string' },
    'lock-wait': { type: 'string' },
    strategy: { type: 'string' },
    phase: { type: 'string' },
    release: { type: 'string' },
    shard: { type: 'string' },
    migrations: { type: 'boolean', default: false },
    db: { type: 'string' },
    force: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    events: { type: 'string' },
    hosts: { type: 'string' },
    exclude: { type: 'string' },
    roles: { type: 'string' },
    'only-failed': { type: 'boolean', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
    help: { type: 'boolean', short: 'h', default: false }
};
/** Runs one CLI invocation and returns its exit code. */
async function run(argv, io) {
    let cancel;
    try {
        return await dispatch(argv, { ...io, cancel: io.cancel && (() => (cancel ??= io.cancel())) });
    }
    catch (error) {
        if (error instanceof SlipwayError) {
            io.err(`slipway: ${error.message}`);
            return cancel?.exitCode() ?? error.exitCode;
        }
        const verbose = argv.includes('--verbose') || argv.includes('-v');
        const detail = error instanceof Error ? (verbose ? error.stack ?? error.message : error.message) : String(error);
        io.err(`slipway: unexpected error: ${detail}${verbose ? '' : ' (run with --verbose for the stack trace)'}`);
        return 1;
    }
}
async function dispatch(argv, io) {
    const [command, ...rest] = argv;
    if (command === 'check')
        return check(rest, io);
    if (!command || command === 'help' || command === '--help' || command === '-h')
        return usage(io, command);
    let parsed;
    try {
        parsed = parseArgs({ args: rest, options, allowPositionals: command === 'db', strict: true });
    }
    catch (error) {
        throw new InputError(`${error.message}\n${USAGE}`);
    }
    const v = parsed.values;
    const { db, positionals } = await checkArgs(command, v, parsed.positionals);
    const reporter = eventsTo(v.events === undefined ? undefined : resolvePath(io.cwd, v.events), consoleReporter(io.out, io.err, v.verbose));
    const lockWait = lockWaitOf(command, v['lock-wait']);
    const select = selectionOf(command, v);
    checkOnlyFailed(command, v['only-failed']);
    const two = await deployArgs(command, v);
    if (two && v['only-failed'])
        throw new InputError('--only-failed reruns a one-phase deploy; it cannot be combined with --phase. Fix: remove one of them');
    const spec = checkedSpec(io.cwd, v.spec, v.env, reporter);
    if (command === 'db')
        return (await import('./db.js')).dbCommand(positionals, await spec({ credentials: true }), v.json, reporter, io);
    switch (command) {
        case 'deploy': {
            const [{ deploy, planDeploy, DeployError }, { withStrategy }] = await Promise.all([import('./deploy.js'), import('./batches.js')]);
            if (v['dry-run'] && v['only-failed'])
                throw new InputError('--only-failed cannot be combined with --dry-run (the rerun is decided on the hosts\' histories). Fix: run slipway releases to see which hosts lack the last release');
            if (v['dry-run']) {
                // Warnings (e.g. check.policy: forward-only) go to stderr; stdout carries only the scripts.
                for (const host of await planDeploy({ spec: withStrategy(await spec({ source: true }), v.strategy), select, reporter: { ...silentReporter, warn: reporter.warn }, two })) {
                    io.out(`# host ${host.host}`);
                    for (const p of host.phases)
                        io.out(`## ${p.phase}\n${p.command}\n`);
                }
                return 0;
            }
            const c = io.cancel?.();
            const result = await deploy({ spec: withStrategy(await loadFile(io.cwd, v.spec, v.env), v.strategy), reporter, signal: c?.signal, force: c?.force, late: c?.late, lockWait, select, onlyFailed: v['only-failed'], two }).catch(async (error) => {
                if (error instanceof DeployError && error.result.ledger.length > 1)
                    io.err((await import('./table.js')).formatLedger(error.result.ledger));
                throw error;
            }); // checks the source and credentials before connecting
            if (v.json)
                io.out(JSON.stringify(result));
            return 0;
        }
        case 'rollback': {
            const checked = await spec({ credentials: true });
            return connectedFirst(checked, select, () => import('./rollback.js').then(function (n) { return n.a; }), async ({ rollback }, connect) => {
                const c = io.cancel?.();
                await rollback({ spec: checked, reporter, to: v.to, db, signal: c?.signal, force: c?.force, late: c?.late, lockWait, select, connect });
                return 0;
            });
        }
        case 'releases': {
            const checked = await spec({ credentials: true });
            return connectedFirst(checked, select, () => Promise.all([import('./releases.js'), import('./table.js')]), (m, connect) => releases(checked, select, m, connect, v, io));
        }
        case 'unlock': {
            const checked = await spec({ credentials: true });
            const held = await connectedFirst(checked, select, () => import('./releases.js'), ({ unlock }, connect) => unlock({ spec: checked, evenIfAlive: v.force, reporter, select, connect }));
            for (const [host, holder] of Object.entries(held))
                io.out(`${host}: ${holder ? `lock broken (was held by ${holder})` : 'not locked'}`);
            return 0;
        }
        case 'schema': {
            const { specJsonSchema } = await import('./json-schema.js');
            io.out(JSON.stringify(specJsonSchema(), null, 2));
            return 0;
        }
        default:
            throw new InputError(`unknown command "${command}"\n${USAGE}`);
    }
}
/** `slipway releases`: the table (or JSON) on stdout; warnings on stderr. Exit 3 when a host could not be read (the rest are listed). */
async function releases(spec, select, [{ listReleases }, { formatReleases }], connect, { json, verbose }, io) {
    const listing = await listReleases({ spec, select, reporter: consoleReporter(() => undefined, io.err, verbose), repair: true, connect });
    io.out(json ? JSON.stringify(listing, null, 2) : formatReleases(listing));
    if (!json && listing.repair)
        io.out(listing.repair.repaired ? `\nrepaired what an interrupted run left: ${listing.repair.repaired}` : `\nnot repaired: ${listing.repair.left}`);
    const lost = listing.hosts.filter((h) => h.unreachable);
    if (lost.length)
        io.err(`slipway: ${lost.length} of ${listing.hosts.length} hosts could not be read: ${lost.map((h) => `${h.host} (${h.unreachable})`).join('; ')}`);
    return lost.length ? 3 : 0;
}
/** Prints the usage: exit 0 when asked for, 2 when no command was given. */
function usage(io, command) {
    io.out(USAGE);
    return command ? 0 : 2;
}
/** Checks --to, --db (--migrations is stepback) and db's arguments before anything is read or connected. */
async function checkArgs(command, v, positionals) {
    checkTo(command, v.to);
    if (v.db !== undefined && command !== 'rollback')
        throw new InputError('--db is only for rollback. Fix: remove it');
    if (command !== 'rollback' && command !== 'db')
        return { positionals };
    if (command === 'rollback')
        return { db: (await import('./db-mode.js')).dbMode(v), positionals };
    return { positionals: (await import('./db.js')).checkDb(command, positionals) };
}
/** Reads and validates the spec file (the YAML parser is loaded here, by the commands that read a spec). */
async function loadFile(cwd, file, env) {
    const { loadSpec } = await import('./load.js').then(function (n) { return n.a; });
    return loadSpec(resolvePath(cwd, file), { env });
}
/** The spec, with everything local checked (source tree and/or credentials) before anything connects. */
function checkedSpec(cwd, file, env, reporter) {
    return async (checks) => {
        const [loaded, { preflight }] = await Promise.all([loadFile(cwd, file, env), import('./preflight.js')]);
        await preflight(loaded, { ...checks, warn: (m) => reporter.warn(m) });
        return loaded;
    };
}
/** `slipway check`: the spec's `check:` section (when there is a spec) plus the check's own arguments. */
async function check(argv, io) {
    // Loaded on demand: the parsers are only needed here, and every other command starts faster without them.
    const { CHECK_USAGE, checkCommand } = await import('./command.js');
    if (argv.includes('--help') || argv.includes('-h')) {
        io.out(CHECK_USAGE);
        return 0;
    }
    const picked = {};
    const rest = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--spec' || argv[i] === '--env')
            picked[argv[i].slice(2)] = argv[++i] ?? '';
        else
            rest.push(argv[i]);
    }
    const file = resolvePath(io.cwd, picked.spec ?? 'slipway.yml');
    const spec = picked.spec || existsSync(file) ? await loadFile(io.cwd, file, picked.env) : undefined;
    const { rollbackChecks } = await import('./smoke.js');
    return checkCommand(rest, io, spec?.check, spec ? rollbackChecks(spec.smoke) : undefined);
}
function resolvePath(cwd, file) {
    return file.startsWith('/') ? file : `${cwd}/${file}`;
}

export { USAGE, run };
