import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u as unlock, l as listReleases, f as formatReleases, r as rollback, p as planDeploy, d as deploy, b as preflight, c as cancelOnSignals } from './rollback.js';
import { parseArgs } from 'node:util';
import { h as specSchema, S as SlipwayError, I as InputError, j as consoleReporter, l as loadSpec, i as isReleaseId } from './run.js';
import 'node:child_process';
import './_commonjsHelpers.js';
import 'events';
import 'node:timers/promises';
import 'node:crypto';
import 'process';
import 'buffer';
import 'node:os';
import 'node:stream';
import 'assert';
import 'fs';
import 'path';
import 'util';
import 'net';
import 'stream';
import 'child_process';
import 'crypto';
import 'http';
import 'https';
import 'tls';
import 'dns';
import 'zlib';

/** Generates the JSON Schema (draft-07) of the deploy spec from the one schema in schema.ts. */
/** The JSON Schema for one field. */
function fieldSchema(field) {
    const doc = field.doc ? { description: field.doc } : {};
    switch (field.kind) {
        case 'string':
            return { type: 'string', ...doc, ...(field.enum ? { enum: field.enum } : {}), ...(field.pattern ? { pattern: field.pattern.source } : {}), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'integer':
            return { type: 'integer', ...doc, ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'boolean':
            return { type: 'boolean', ...doc, ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'list':
            return { type: 'array', ...doc, items: fieldSchema(field.of), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'map':
            return { type: 'object', ...doc, additionalProperties: fieldSchema(field.of) };
        case 'oneOf':
            return { ...doc, oneOf: field.options.map(fieldSchema) };
        case 'object':
            return {
                type: 'object',
                ...doc,
                properties: Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, fieldSchema(f)])),
                ...(field.required?.length ? { required: field.required } : {}),
                additionalProperties: false
            };
    }
}
/** The whole spec's JSON Schema, for editors (`# yaml-language-server: $schema=...`). */
function specJsonSchema() {
    return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Slipway deploy spec', ...fieldSchema(specSchema) };
}

/** The `slipway` command line: parses arguments, calls the library, maps errors to exit codes. */
const USAGE = `usage: slipway <command> [options]

commands:
  deploy     [--spec f] [--env e] [--dry-run]   build a new release on every host and switch to it
  rollback   [--spec f] [--env e] [--to id] [--migrations]
                                                activate an earlier release (default: newest healthy before current);
                                                --migrations also steps back the migrations of the releases rolled over
  releases   [--spec f] [--env e] [--json]      the release history of every host
  unlock     [--spec f] [--env e] [--force]     break a dead run's deploy lock (a live one needs --force)
  check      [paths…] [--base ref] [--format f] [--verify]   PR migration-safety check (slipway check --help)
  schema                                        print the spec's JSON Schema

exit codes: 0 ok, 1 the operation failed, 2 bad input (nothing was touched)`;
const options = {
    spec: { type: 'string', default: 'slipway.yml' },
    env: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    to: { type: 'string' },
    migrations: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
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
        parsed = parseArgs({ args: rest, options, allowPositionals: false, strict: true });
    }
    catch (error) {
        throw new InputError(`${error.message}\n${USAGE}`);
    }
    const v = parsed.values;
    checkTo(command, v.to);
    const reporter = consoleReporter(io.out, io.err, v.verbose);
    const load = () => loadSpec(resolvePath(io.cwd, v.spec), { env: v.env });
    const spec = checkedSpec(load, reporter);
    switch (command) {
        case 'deploy': {
            if (v['dry-run']) {
                for (const host of await planDeploy({ spec: await spec({ source: true }) })) {
                    io.out(`# host ${host.host}`);
                    for (const p of host.phases)
                        io.out(`## ${p.phase}\n${p.command}\n`);
                }
                return 0;
            }
            const c = io.cancel?.();
            const result = await deploy({ spec: load(), reporter, signal: c?.signal, force: c?.force }); // checks the source and credentials before connecting
            if (v.json)
                io.out(JSON.stringify(result));
            return 0;
        }
        case 'rollback': {
            const c = io.cancel?.();
            await rollback({ spec: await spec({ credentials: true }), reporter, to: v.to, migrations: v.migrations, signal: c?.signal, force: c?.force });
            return 0;
        }
        case 'releases': {
            const listing = await listReleases({ spec: await spec({ credentials: true }) });
            io.out(v.json ? JSON.stringify(listing, null, 2) : formatReleases(listing));
            return 0;
        }
        case 'unlock': {
            const held = await unlock({ spec: await spec({ credentials: true }), evenIfAlive: v.force });
            for (const [host, holder] of Object.entries(held))
                io.out(`${host}: ${holder ? `lock broken (was held by ${holder})` : 'not locked'}`);
            return 0;
        }
        case 'schema':
            io.out(JSON.stringify(specJsonSchema(), null, 2));
            return 0;
        default:
            throw new InputError(`unknown command "${command}"\n${USAGE}`);
    }
}
/** Prints the usage: exit 0 when asked for, 2 when no command was given. */
function usage(io, command) {
    io.out(USAGE);
    return command ? 0 : 2;
}
/** Refuses a `--to` that is not a release id (or is given to another command) before anything is read or connected. */
function checkTo(command, to) {
    if (to === undefined)
        return;
    if (command !== 'rollback')
        throw new InputError('--to is only for rollback. Fix: remove it');
    if (!isReleaseId(to))
        throw new InputError(`--to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current`);
}
/** The spec, with everything local checked (source tree and/or credentials) before anything connects. */
function checkedSpec(load, reporter) {
    return async (checks) => {
        const loaded = load();
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
    const config = picked.spec || existsSync(file) ? loadSpec(file, { env: picked.env }).check : undefined;
    return checkCommand(rest, io, config);
}
function resolvePath(cwd, file) {
    return file.startsWith('/') ? file : `${cwd}/${file}`;
}

/** Entry point of the `slipway` binary (bundled as dist/cli.js). */
/** The version in slipway's own package.json, found upward from this file (dist/cli.js or src/cli/main.ts). */
function version() {
    for (let dir = dirname(fileURLToPath(import.meta.url));; dir = dirname(dir)) {
        const file = join(dir, 'package.json');
        if (existsSync(file)) {
            const pkg = JSON.parse(readFileSync(file, 'utf8'));
            if (pkg.name === 'slipway' && pkg.version)
                return pkg.version;
        }
        if (dirname(dir) === dir)
            return 'unknown (no package.json of slipway above the CLI)';
    }
}
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version()}\n`);
}
else {
    process.exitCode = await run(argv, {
        out: (s) => process.stdout.write(s + '\n'),
        err: (s) => process.stderr.write(s + '\n'),
        cwd: process.cwd(),
        cancel: () => cancelOnSignals((m) => process.stderr.write(`slipway: ${m}\n`))
    });
}
