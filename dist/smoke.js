import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { setTimeout } from 'node:timers/promises';
import { v as and, j as cmd, b as sh, d as dataMark, a as raw, r as runPhase, k as stepMark, S as StepError } from './session.js';
import { l as hasRole } from './select.js';
import 'node:fs';
import 'node:path';
import 'node:stream';
import 'node:crypto';
import 'node:os';
import './ssh.js';
import 'node:net';
import 'node:child_process';

/** Smoke checks that run on a host: an HTTP request with curl, or a command in the live release. */
/** Requests a URL from the host; reports `<curl exit> <base64 of headers+body>` as data `http`. */
function httpFromHost(m, url, method, timeout) {
    return [
        sh `out=$(${cmd('curl', '-sS', '-i', '--max-time', String(timeout), '-X', method, url)} 2>&1) && rc=0 || rc=$?`,
        dataMark(m, 'http', raw('$rc $(printf %s "$out" | tail -c 65536 | base64 -w0)'))
    ];
}
/** Runs a command in a directory with a time limit; reports `<exit> <base64 of output tail>` as data `run`. */
function runInRelease(m, dir, command, timeout) {
    return [
        sh `out=$(${and(cmd('cd', dir), cmd('timeout', String(timeout), 'bash', '-c', command))} 2>&1) && rc=0 || rc=$?`,
        dataMark(m, 'run', raw('$rc $(printf %s "$out" | tail -n 20 | base64 -w0)'))
    ];
}
/** Splits a data value `<code> <base64>` from the commands above. */
function parseCoded(value) {
    const [code, b64] = (value ?? '255 ').split(' ');
    return { code: Number(code), text: Buffer.from(b64 ?? '', 'base64').toString('utf8') };
}

/** Smoke checks after the switch: HTTP from the runner or the host, and commands on the host. */
/** Why a response fails a check, or undefined when it passes. */
function judgeHttp(check, r) {
    if (r.status !== check.status)
        return `expected status ${check.status}, got ${r.status}`;
    if (check.contains !== undefined && !r.body.includes(check.contains))
        return `body does not contain ${JSON.stringify(check.contains)}`;
    if (check.header) {
        const [name, ...rest] = check.header.split(':');
        const want = rest.join(':').trim();
        const got = r.headers[name.trim().toLowerCase()];
        if (got === undefined)
            return `header ${name.trim()} is missing`;
        if (want && !got.includes(want))
            return `header ${name.trim()} is "${got}", expected "${want}"`;
    }
    return undefined;
}
/** Parses `curl -i` output into a response. */
function parseCurl(text) {
    const split = text.search(/\r?\n\r?\n/);
    const head = split < 0 ? text : text.slice(0, split);
    const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
    const [statusLine, ...lines] = head.split(/\r?\n/);
    const headers = {};
    for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0)
            headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body };
}
/** The last lines of some output after `label`, or `none` when there was no output (no dangling `: `). */
const tail = (label, text, none) => (text.trim() ? `${label}${text.trimEnd().split('\n').slice(-10).join('\n').slice(-1500)}` : none);
/** Retries `attempt` with a growing wait (1s, 2s, 4s…) until it passes, retries run out, or the deadline. */
async function withRetries(check, attempt, signal) {
    const deadline = Date.now() + check.deadline * 1000;
    let failure;
    let n = 0;
    for (;;) {
        n++;
        failure = await attempt();
        if (!failure || n > check.retries)
            break;
        const wait = Math.min(1000 * 2 ** (n - 1), deadline - Date.now());
        if (wait <= 0 || signal?.aborted)
            break;
        await setTimeout(wait, undefined, { signal }).catch(() => undefined);
    }
    return { failure, attempts: n };
}
async function fromRunner(check, signal) {
    const { failure, attempts } = await withRetries(check, async () => {
        try {
            const res = await fetch(check.http, { method: check.method, signal: AbortSignal.timeout(check.timeout * 1000), redirect: 'manual' });
            const r = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
            const why = judgeHttp(check, r);
            return why && `${why}${tail('; response: ', r.body, '; empty response')}`;
        }
        catch (error) {
            return `request failed: ${error.message}`;
        }
    }, signal);
    return { name: check.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` };
}
async function fromHost(op, s, check) {
    const { failure, attempts } = await withRetries(check, async () => {
        const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check)).catch((e) => unreached(e));
        if ('failed' in r)
            return r.failed;
        const { code, text } = parseCoded(r.data.http?.[0]);
        if (code !== 0)
            return `curl on the host failed (exit ${code})${tail(': ', text, ', no output')}`;
        const res = parseCurl(text);
        const why = judgeHttp(check, res);
        return why && `${why}${tail('; response: ', res.body, '; empty response')}`;
    }, op.signal);
    return { name: check.name, host: s.host.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` };
}
async function onHost(op, s, check) {
    const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check)).catch((e) => unreached(e));
    if ('failed' in r)
        return { name: check.name, host: s.host.name, ok: false, attempts: 1, detail: r.failed };
    const { code, text } = parseCoded(r.data.run?.[0]);
    return { name: check.name, host: s.host.name, ok: code === 0, attempts: 1, detail: code === 0 ? 'exit 0' : `exit ${code}${code === 124 ? ' (timed out)' : ''}${tail(': ', text, ', no output')}` };
}
/** A check whose host could not run it (the connection was lost, or the phase timed out): a failed check, not a crash. */
function unreached(error) {
    if (error instanceof StepError)
        return { failed: `the host did not answer: ${error.summary}` };
    throw error;
}
/** The commands of a check that runs on a host. */
function hostCheck(s, check) {
    const commands = 'run' in check ? runInRelease(s, s.layout.current, check.run, check.timeout) : httpFromHost(s, check.http, check.method, check.timeout);
    return [stepMark(s, `smoke ${check.name}`), ...commands];
}
/** A dry run: host checks are sent once (to the recorder), runner checks only described; nothing is judged. */
async function dryCheck(op, sessions, check) {
    if (!('run' in check) && check.from !== 'host')
        return [{ name: check.name, ok: true, attempts: 0, detail: `from the runner: ${check.method} ${check.http}, expect ${check.status}` }];
    return Promise.all(sessions.map(async (s) => {
        await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check));
        return { name: check.name, host: s.host.name, ok: true, attempts: 0, detail: 'not judged (dry run)' };
    }));
}
/** Runs every smoke check; host-side checks on every host. Never throws for a failing check. */
async function runSmoke(op, sessions, checks, dry = false) {
    const results = [];
    for (const check of checks) {
        const on = sessions.filter((s) => hasRole(s.host.roles, check.roles));
        const batch = dry ? await dryCheck(op, on, check) : 'run' in check
            ? await Promise.all(on.map((s) => onHost(op, s, check)))
            : check.from === 'host' ? await Promise.all(on.map((s) => fromHost(op, s, check))) : [await fromRunner(check, op.signal)];
        for (const r of batch)
            op.reporter[r.ok ? 'info' : 'error'](`smoke ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.host ? ` on ${r.host}` : ''}: ${r.detail}`);
        results.push(...batch);
    }
    return results;
}
/** The spec's smoke checks as `slipway check --verify-rollback` runs them, judged by the same rules as after a deploy. */
function rollbackChecks(checks) {
    return checks.map((c) => ('http' in c
        ? { name: c.name, http: c.http, method: c.method, timeout: c.timeout, judge: (r) => judgeHttp(c, r) }
        : { name: c.name, run: c.run, timeout: c.timeout }));
}

export { judgeHttp, parseCurl, rollbackChecks, runSmoke };
