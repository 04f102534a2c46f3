import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { randomBytes } from 'node:crypto';
import { i as isReleaseId } from './select.js';

/**
 * Shell commands as data. A command is a small tree — argv, `&&`/`||`/`|` chains, `if`, shell text with
 * quoted holes (`sh`), and raw text — that {@link render} alone turns into shell text; render is the only
 * caller of {@link quote}. User-written hook commands are the only raw shell text, marked with {@link raw}.
 */
/** Marks shell text that must not be quoted. */
function raw(text) {
    return { raw: text };
}
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Quotes one value for a POSIX shell: single quotes, with embedded quotes closed and escaped. */
function quote(value) {
    if (value.includes('\0'))
        throw new Error('a shell value cannot contain a NUL byte');
    if (value !== '' && SAFE.test(value))
        return value;
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
/** Shell text with holes: a string hole is a value (quoted when rendered), a command hole is rendered in place. */
function sh(strings, ...holes) {
    return { strings: [...strings], holes };
}
/** One command from argv: every string is a value, {@link Raw} parts pass through. */
function cmd(...argv) {
    return { argv };
}
/** `a && b && c` */
function and(...parts) {
    return { join: '&&', parts };
}
/** `a; b; c` (in a `{ …; }` group or a subshell, for a pipe) */
function seq(...parts) {
    return { join: ';', parts };
}
/** `if test; then a; b; [else c;] fi` */
function when(test, then, otherwise) {
    return { test, then, else: otherwise };
}
/** The shell text of a command: the one place values are quoted. */
function render(c) {
    if ('raw' in c)
        return c.raw;
    if ('argv' in c)
        return c.argv.map((part) => (typeof part === 'string' ? quote(part) : part.raw)).join(' ');
    if ('join' in c)
        return c.parts.map(render).join(c.join === ';' ? '; ' : ` ${c.join} `);
    if ('test' in c)
        return `if ${render(c.test)}; then ${c.then.map(render).join('; ')};${c.else ? ` else ${c.else.map(render).join('; ')};` : ''} fi`;
    return c.strings.map((s, i) => s + (i < c.holes.length ? hole(c.holes[i]) : '')).join('');
}
function hole(h) {
    return typeof h === 'string' ? quote(h) : render(h);
}
/** Runs a command in a directory (a value, or shell text such as `"$dir"`), in a subshell so the caller's directory is unchanged. */
function inDir(dir, command) {
    return sh `(cd ${dir} && ${command})`;
}
/** `printf '%s\n' <text>`: prints one value and a newline, the format kept on one line. */
function printLine(text) {
    return cmd('printf', raw(`'%s\\n'`), text);
}
/**
 * Sets shell variable `name` to the first line of a file (empty when the file is missing), with bash's `read`
 * builtin: no process is started, unlike `$(cat file)`. `name` is a fixed identifier chosen in code, never a value.
 */
function readFirstLine(name, path) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`not a shell variable name: ${name}`);
    return sh `${raw(`${name}=`)}; { IFS= read -r ${raw(name)} < ${path}; } 2>/dev/null || true`;
}
/** Writes text to a file atomically: a temporary file in the same directory renamed over it. */
function writeFile(path, text) {
    const tmp = `${path}.tmp`;
    return and(sh `${printLine(text)} > ${tmp}`, cmd('mv', '-f', tmp, path));
}
/** Appends one line to a file. */
function appendLine(path, line) {
    return sh `${printLine(line)} >> ${path}`;
}

/**
 * The host protocol: what a script prints besides its users' output. Every such line starts with a
 * per-run marker: `<marker>step:<label>` announces a step, `<marker>data:<key>:<value>` reports a value,
 * `<marker>end:<code>` closes one phase of a channel. This module is the only one that knows the format.
 */
/** A fresh marker for one run's protocol lines: `@@slipway-<12 hex>@@`. */
function newMarker() {
    return `@@slipway-${randomBytes(6).toString('hex')}@@`;
}
/** The labels of the step lines in a script's text (a recorded phase), in order. */
function stepLabels(script) {
    return [...script.matchAll(/@@slipway-[0-9a-f]+@@step:([^'\n]*)/g)].map((m) => m[1]);
}
/** The prefix of a data line for `key` (for programs that print data lines themselves, such as the PHP probe). */
function dataPrefix(m, key) {
    return `${m.marker}data:${key}:`;
}
/** A command that announces the step about to run. */
function stepMark(m, label) {
    return printLine(`${m.marker}step:${label}`);
}
/** A command that reports a value computed on the host (evaluated there, inside double quotes). */
function dataMark(m, key, value) {
    return sh `printf '%s%s\\n' ${dataPrefix(m, key)} "${value}"`;
}
/** The command that closes a phase, reporting its exit status `$?`. */
function endMark(m) {
    return sh `printf '%s%s\\n' ${`${m.marker}end:`} "$?"`;
}
/** Parses a line of output: a protocol line, or undefined for user output. */
function parseLine(m, line) {
    if (!line.startsWith(m.marker))
        return undefined;
    const rest = line.slice(m.marker.length);
    if (rest.startsWith('step:'))
        return { kind: 'step', label: rest.slice(5) };
    if (rest.startsWith('end:'))
        return { kind: 'end', code: Number(rest.slice(4)) };
    if (!rest.startsWith('data:'))
        return undefined;
    const body = rest.slice(5);
    const colon = body.indexOf(':');
    return colon < 0 ? undefined : { kind: 'data', key: body.slice(0, colon), value: body.slice(colon + 1) };
}
/** A release id as the host reports it; anything else is refused (it would reach paths and shells). */
function releaseIdFrom(text) {
    const id = text.replace(/\/+$/, '').split('/').pop() ?? '';
    if (!isReleaseId(id))
        throw new Error(`the host reported a release id that is not one: ${JSON.stringify(text.slice(0, 100))}`);
    return id;
}

export { render as a, seq as b, cmd as c, dataMark as d, stepMark as e, stepLabels as f, and as g, dataPrefix as h, inDir as i, readFirstLine as j, releaseIdFrom as k, writeFile as l, appendLine as m, parseLine as n, endMark as o, printLine as p, newMarker as q, raw as r, sh as s, when as w };
