import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { i as isReleaseId, I as InputError, S as SlipwayError, m as layout } from './select.js';
import { PassThrough, Transform } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { l as lineCollector, t as timeouts, p as parseJump, c as connectSsh } from './ssh.js';
import { spawn } from 'node:child_process';

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
/** Creates directories (and their parents) unless they exist: the test is a builtin, `mkdir` a process. */
function mkdirs(...paths) {
    return sh `${raw(paths.map((p) => `[ -d ${quote(p)} ]`).join(' && '))} || ${cmd('mkdir', '-p', ...paths)}`;
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
 * Waiting and telling time without starting a process (a host's loops turn every second while a run lasts, and a
 * process start costs milliseconds of CPU on a busy host). `NAPPER` opens fd 5 on a pipe that nobody writes to, so
 * `nap(s)` — a `read` with a time limit on it — just waits (`s`: seconds, or `"$t"` for a time the script chose). `NOW` is the time in seconds (bash 5's clock, else `date`).
 */
const NAPPER = raw('exec 5<> <(:)');
function nap(seconds) {
    return raw(`read -rt ${seconds} -u 5 _ || :`);
}
const NOW = raw('${EPOCHSECONDS:-$(date +%s)}');

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
/** A data line that `stat` prints itself (`format`: its `%` fields of `path`), with no subshell to capture its output. */
function statMark(m, key, format, path) {
    return cmd('stat', '-c', `${dataPrefix(m, key)}${format}`, path);
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

/**
 * Scripts go to the host over stdin: one `bash -s` per channel reads each phase as a subshell, runs it
 * under strict mode, and closes it with an end line carrying its exit code. A channel can carry several
 * phases (the engine decides between them on what the last one reported); an upload phase sends its tar
 * right after its script and ends the channel. Nothing is quoted twice and no script shows in `ps`.
 */
/** The command line that starts a channel on the host. */
const SHELL = 'bash -s';
const TAIL = 20;
/**
 * A phase's session has no terminal. Console tools (Symfony's, so every `php artisan`) ask `stty` for its size
 * unless COLUMNS and LINES say it: three processes per command, a quarter of those a Laravel deploy starts.
 * These are the sizes they fall back to without a terminal; a value the session already has is kept.
 */
const NO_TERMINAL = 'export COLUMNS="${COLUMNS:-80}" LINES="${LINES:-50}"';
/**
 * The text of one phase: the commands in a strict-mode subshell (stdin closed unless it reads the upload),
 * then the end line. The outer braces make bash read the whole phase before running it, so an upload's
 * bytes that follow are read by the phase, never as script. Host jobs started by the phase inherit its environment.
 */
function phaseText(m, commands, readsStdin = false) {
    return ['{ (', 'set -euo pipefail', NO_TERMINAL, ...commands.map(render), `)${readsStdin ? '' : ' </dev/null'}`, render(endMark(m)), '}', ''].join('\n');
}
const PHASE_END = /printf '%s%s\\n' '?(\S+?)end:'? "\$\?"\n\}\n/;
/** The first complete phase at the start of `text` (as {@link phaseText} wrote it), its marker, and whether it reads stdin. */
function firstPhase(text) {
    const m = PHASE_END.exec(text);
    if (!m)
        return undefined;
    const script = text.slice(0, m.index + m[0].length);
    return { script, marker: m[1], readsStdin: !/\) <\/dev\/null\n[^\n]*\n\}\n$/.test(script) };
}
/** Opens a channel on a connected host. */
function openChannel(remote, options) {
    const input = new PassThrough();
    let phase;
    let ended = false;
    const onLine = (line, stream) => {
        const p = parseLine(options, line);
        const result = phase?.result;
        if (p?.kind === 'end') {
            const current = phase;
            phase = undefined;
            if (current)
                current.done({ ...current.result, code: p.code });
        }
        else if (p?.kind === 'step') {
            if (result)
                result.step = p.label;
            options.onStep?.(p.label);
        }
        else if (p?.kind === 'data') {
            if (result)
                (result.data[p.key] ??= []).push(p.value);
        }
        else {
            if (result) {
                result.tail.push(line);
                if (result.tail.length > TAIL)
                    result.tail.shift();
            }
            options.onLine?.(line, stream);
        }
    };
    const closed = remote.exec(SHELL, { stdin: input, onLine, timeoutMs: options.timeoutMs, idleMs: options.idleMs });
    closed.then(({ code }) => phase?.done({ ...phase.result, code: code === 0 ? 255 : code }), (error) => phase?.fail(error));
    return {
        run(commands, stdin) {
            if (ended)
                return Promise.reject(new Error('this channel has ended'));
            if (phase)
                return Promise.reject(new Error('a phase is still running on this channel'));
            return new Promise((done, fail) => {
                phase = { result: { code: 0, data: {}, tail: [] }, done, fail };
                input.write(phaseText(options, commands, stdin !== undefined));
                if (!stdin)
                    return;
                ended = true;
                // The upload goes through a relay: a failing upload (a tar stream destroys what it pipes into) ends the host's
                // input cleanly, so its script ends and nothing waits on it, and the phase fails with the cause. The relay
                // also joins a tar's small pieces (header, file, padding: three per file) into large writes.
                const relay = coalescer();
                relay.on('error', () => undefined);
                relay.pipe(input);
                stdin.on('error', (e) => {
                    input.end();
                    const current = phase;
                    phase = undefined;
                    current?.fail(new Error(`the upload stream failed: ${e.message}`));
                });
                stdin.pipe(relay);
            });
        },
        async close() {
            if (!ended)
                input.end();
            ended = true;
            await closed.catch(() => undefined);
        }
    };
}
/** Joins the chunks written into it into pieces of about 64 KiB (the rest at the end): one SSH packet per piece, not per chunk. */
function coalescer(size = 64 * 1024) {
    let held = [];
    let bytes = 0;
    const flush = (t) => {
        if (bytes)
            t.push(held.length === 1 ? held[0] : Buffer.concat(held, bytes));
        held = [];
        bytes = 0;
    };
    return new Transform({
        transform(chunk, _encoding, done) {
            held.push(chunk);
            bytes += chunk.length;
            if (bytes >= size)
                flush(this);
            done();
        },
        flush(done) {
            flush(this);
            done();
        }
    });
}
/** Runs one phase on its own channel. */
async function runScript(remote, commands, options) {
    const channel = openChannel(remote, options);
    try {
        return await channel.run(commands, options.stdin);
    }
    finally {
        await channel.close();
    }
}

/** One command as a local child process (bash for LocalRemote, ssh for the OpenSSH transport): lines, stdin, time limits. */
/** Runs `file args`; resolves with its exit code (124 after a time limit, with the reason as the last stderr line). */
function spawnExec(file, args, options = {}, env) {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
        const lines = lineCollector(options.onLine);
        let expired = '';
        const clock = timeouts(options, (message) => { expired = message; child.kill('SIGTERM'); });
        const take = (stream) => {
            const collect = lines.take(stream);
            return (data) => { clock.touch(); collect(data); };
        };
        child.stdout.on('data', take('stdout'));
        child.stderr.on('data', take('stderr'));
        child.on('error', (error) => { clock.clear(); reject(error); });
        child.on('close', (code, signal) => {
            clock.clear();
            lines.flush();
            if (expired)
                options.onLine?.(expired, 'stderr');
            const text = expired ? { ...lines.text, stderr: `${lines.text.stderr}${expired}\n` } : lines.text;
            resolve({ code: expired ? 124 : code ?? (signal ? 128 + 15 : 255), ...text });
        });
        child.stdin.on('error', () => undefined);
        const stdin = options.stdin;
        if (stdin === undefined)
            child.stdin.end();
        else if (typeof stdin === 'string')
            child.stdin.end(stdin);
        else
            stdin.pipe(child.stdin);
    });
}

/**
 * OpenSshRemote: the Remote interface on the system `ssh` (transport `ssh: openssh`). One ControlMaster
 * connection per host carries every command, and OpenSSH brings what ssh2 lacks: the user's ssh_config,
 * certificates (user certificates and @cert-authority host CAs) and ProxyJump chains.
 */
const RETRYABLE = /Connection refused|Connection timed out|Connection reset|Connection closed by|kex_exchange_identification|No route to host/;
/** Starts the master connection (checking the host key before any credential is sent) and returns the Remote. */
async function connectOpenSsh(target) {
    const remote = new OpenSshRemote(target);
    const attempts = 1 + (target.retries ?? 2);
    for (let attempt = 1;; attempt++) {
        const r = await spawnExec('ssh', [...remote.args(['-o', 'ControlMaster=yes', '-o', 'ControlPersist=60']), 'true'], { timeoutMs: target.connectTimeoutMs + 5000 });
        if (r.code === 0)
            return remote.connected();
        const reason = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `ssh exited with ${r.code}`;
        if (attempt < attempts && RETRYABLE.test(r.stderr)) {
            await new Promise((done) => setTimeout(done, 500 * attempt));
            continue;
        }
        await remote.close();
        throw connectError(target, r.stderr, reason);
    }
}
function connectError(target, stderr, reason) {
    const via = target.proxyJump ? ` (via ${target.proxyJump})` : '';
    if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/i.test(stderr)) {
        return new InputError(`${target.name}: host key not trusted${via}: ${reason}. Fix: put the host's key (or its @cert-authority line) in known_hosts, checked by hand`);
    }
    if (/Permission denied/.test(stderr)) {
        return new InputError(`${target.name}: authentication failed for user "${target.user}"${via}: ${reason}. Fix: authorise the deploy key (or its certificate's CA) on the host, or check identity/SLIPWAY_SSH_KEY`);
    }
    return new SlipwayError(`${target.name}: cannot connect${via}: ${reason}`);
}
/** A host reached through one OpenSSH ControlMaster connection. */
class OpenSshRemote {
    target;
    name;
    dir = mkdtempSync(join(tmpdir(), 'slipway-ssh-'));
    base;
    constructor(target) {
        this.target = target;
        this.name = target.name;
        this.base = this.options();
    }
    /** ssh's arguments up to the destination; `extra` goes before the fixed options. */
    args(extra = []) {
        return [...extra, ...this.base, '-p', String(this.target.port), '-l', this.target.user, '--', this.target.host];
    }
    /** The master is up and authenticated: the key (and certificate) copies are not needed again, so they go now. */
    connected() {
        for (const name of ['id', 'id-cert.pub'])
            rmSync(join(this.dir, name), { force: true });
        return this;
    }
    exec(command, options = {}) {
        return spawnExec('ssh', [...this.args(), command], options);
    }
    async close() {
        await spawnExec('ssh', [...this.args(['-O', 'exit'])], { timeoutMs: 5000 }).catch(() => undefined);
        rmSync(this.dir, { recursive: true, force: true });
    }
    options() {
        const t = this.target;
        const trust = this.trust();
        const args = [...o(`ControlPath=${join(this.dir, 'master')}`), ...o(`ServerAliveInterval=${Math.ceil((t.keepaliveMs ?? 15000) / 1000)}`), ...o('ServerAliveCountMax=3'), ...trust];
        if (!t.proxyJump)
            return args;
        const jump = parseJump(t.proxyJump, t.user);
        const proxy = cmd('ssh', ...trust, '-W', '%h:%p', '-p', String(jump.port), '-l', jump.user, '--', jump.host);
        return [...args, ...o(`ProxyCommand=${render(proxy)}`)];
    }
    /** Options shared by the host and its jump host: batch mode, timeouts, host key trust, key and certificate. */
    trust() {
        const t = this.target;
        const args = [...o('BatchMode=yes'), ...o(`ConnectTimeout=${Math.ceil(t.connectTimeoutMs / 1000)}`)];
        if (t.insecure)
            args.push(...o('StrictHostKeyChecking=no'), ...o('UserKnownHostsFile=/dev/null'));
        else
            args.push(...o('StrictHostKeyChecking=yes'));
        if (!t.insecure && t.knownHosts !== undefined)
            args.push(...o(`UserKnownHostsFile=${this.file('known_hosts', t.knownHosts)}`));
        const key = t.identityFile ?? (t.privateKey ? this.file('id', t.privateKey.endsWith('\n') ? t.privateKey : `${t.privateKey}\n`) : undefined);
        if (key)
            args.push('-i', key, ...o('IdentitiesOnly=yes'));
        if (key && t.certificate)
            args.push(...o(`CertificateFile=${this.file('id-cert.pub', t.certificate)}`));
        return args;
    }
    /** Writes a private file in this connection's temp dir. */
    file(name, text) {
        const path = join(this.dir, name);
        writeFileSync(path, text, { mode: 0o600 });
        chmodSync(path, 0o600);
        return path;
    }
}
const o = (option) => ['-o', option];

/** Bounded concurrency: `max_connections` hosts at a time, for connecting and for per-host round trips. */
/**
 * Runs `fn` on every item with at most `limit` calls in flight (each starts as soon as one finishes, in the items'
 * order) and settles like `Promise.allSettled`: every call runs, whatever the others do.
 */
async function settleLimited(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            try {
                results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
            }
            catch (reason) {
                results[i] = { status: 'rejected', reason };
            }
        }
    };
    const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
    await Promise.all(Array.from({ length: width }, worker));
    return results;
}

/** One connected host for one operation: its layout, markers, and phases run as single scripts. */
/** A remote step failed: names host, step, exit code and the output tail. */
class StepError extends SlipwayError {
    host;
    step;
    code;
    tail;
    data;
    lost;
    unsent;
    /** `unsent`: the connection was already lost, so nothing of the step reached the host. */
    constructor(host, step, code, tail, data = {}, lost, unsent = false) {
        super(lost ? `${host}: connection lost (${lost}) ${unsent ? 'before' : 'during'} step "${step}"` : `${host}: step "${step}" failed with exit code ${code}${tail.length ? `\n--- last output ---\n${tail.join('\n')}` : ''}`);
        this.host = host;
        this.step = step;
        this.code = code;
        this.tail = tail;
        this.data = data;
        this.lost = lost;
        this.unsent = unsent;
        this.name = 'StepError';
    }
    /** The cause in a few words, for a host's line in the ledger. */
    get summary() {
        if (this.lost)
            return `connection lost (${this.lost}) ${this.unsent ? 'before' : 'during'} ${this.step}`;
        const timeout = this.code === 124 ? this.tail.find((l) => /timed out|no output|no answer/.test(l)) : undefined;
        return `${this.step} failed with exit code ${this.code}${timeout ? ` (${timeout})` : ''}`;
    }
}
/** Reads the deploy key: the host's identity file, else env SLIPWAY_SSH_KEY. */
function privateKeyFor(host, spec, env = process.env) {
    if (host.identity) {
        const file = resolve(spec.baseDir, host.identity);
        try {
            return readFileSync(file, 'utf8');
        }
        catch {
            throw new InputError(`${host.name}: cannot read identity file ${file}. Fix: point hosts[].identity at a private key, or put the key text in env SLIPWAY_SSH_KEY`);
        }
    }
    if (env.SLIPWAY_SSH_KEY)
        return env.SLIPWAY_SSH_KEY;
    throw new InputError(`${host.name}: no SSH key. Fix: set hosts[].identity to a private key file, or env SLIPWAY_SSH_KEY to the key text`);
}
/** known_hosts from the spec: a path (relative to the spec) if such a file exists, else the text itself. */
function knownHostsText(spec) {
    const value = spec.known_hosts;
    if (!value)
        return undefined;
    if (value.includes('\n') || /\s(ssh-|ecdsa-|sk-)/.test(value))
        return value;
    try {
        return readFileSync(resolve(spec.baseDir, value), 'utf8');
    }
    catch {
        throw new InputError(`${spec.file}: known_hosts file ${resolve(spec.baseDir, value)} cannot be read. Fix: create it (ssh-keyscan -p PORT HOST > known_hosts) or paste the lines inline`);
    }
}
/** The default connector: the spec's transport (node or openssh) with its keys, known_hosts and timeouts. */
const sshConnector = async (host, spec) => {
    const common = { name: host.name, host: host.host, port: host.port, user: host.user, knownHosts: knownHostsText(spec), insecure: spec.insecure_skip_host_key_check, connectTimeoutMs: spec.timeouts.connect * 1000, keepaliveMs: spec.timeouts.keepalive * 1000, proxyJump: host.proxy_jump };
    if (spec.ssh === 'openssh') {
        const identityFile = host.identity ? resolve(spec.baseDir, host.identity) : undefined;
        return connectOpenSsh({ ...common, identityFile, privateKey: identityFile ? undefined : process.env.SLIPWAY_SSH_KEY, certificate: process.env.SLIPWAY_SSH_CERT });
    }
    return connectSsh({ ...common, privateKey: privateKeyFor(host, spec), passphrase: process.env.SLIPWAY_SSH_PASSPHRASE, hostKey: host.host_key });
};
/** Connects to every host, `max_connections` at a time; on any failure closes the others and throws the first error. */
async function openSessions(spec, connect, reporter) {
    const { sessions, failures } = await connectAll(spec, connect, reporter);
    if (failures.length) {
        await closeSessions(sessions);
        const first = failures[0].reason;
        const names = failures.map((f) => f.host).join(',');
        if (spec.hosts.length > 1 && first instanceof Error)
            first.message += `\n${failures.length} of ${spec.hosts.length} hosts unreachable (${names}); to go on with the others: --exclude ${names}`;
        throw first;
    }
    return sessions;
}
/**
 * Connects to every host it can (read-only and incident commands): the sessions of the hosts reached, and each
 * host that could not be, with the cause. Never throws for a host's connection.
 */
async function openReachable(spec, connect, reporter) {
    const { sessions, failures } = await connectAll(spec, connect, reporter);
    const unreachable = failures.map((f) => ({ host: f.host, cause: causeOf(f.host, f.reason) }));
    for (const u of unreachable)
        reporter.warn(`${u.host}: unreachable, left out: ${u.cause}`);
    return { sessions, unreachable };
}
/** The message of an error, without the host's name it may start with. */
function causeOf(host, error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message;
}
async function connectAll(spec, connect, reporter) {
    if (spec.insecure_skip_host_key_check)
        reporter.warn('insecure_skip_host_key_check is on: host keys are NOT verified; anyone between you and the host can impersonate it');
    const marker = newMarker();
    const limit = spec.max_connections ?? spec.hosts.length;
    const results = await settleLimited(spec.hosts, limit, (host) => connect(host, spec));
    const sessions = [];
    const failures = [];
    results.forEach((r, i) => {
        const host = spec.hosts[i];
        if (r.status === 'rejected')
            failures.push({ host: host.name, reason: r.reason });
        else
            sessions.push({ host, remote: r.value, layout: layout(host.path ?? spec.path, spec.db?.path), marker, limit, reopen: () => connect(host, spec) });
    });
    return { sessions, failures };
}
/**
 * A session whose connection was lost gets one new connection (a reset is often momentary), so what is left
 * to undo or release there can still be sent; a host that stays unreachable keeps its lost connection.
 * Returns a note for the ledger when it reconnected.
 */
async function revive(s) {
    const lost = s.remote.lost;
    if (!lost || !s.reopen)
        return undefined;
    const old = s.remote;
    const reopen = s.reopen;
    s.reopen = undefined; // one new connection per session and run, not one per phase left to send
    try {
        s.remote = await reopen();
        s.reopen = reopen;
        s.channel = undefined;
        await old.close().catch(() => undefined);
        return `connection lost (${lost}), reconnected`;
    }
    catch {
        return undefined; // still unreachable: later phases fail with the original cause
    }
}
/** Closes every session; never throws. */
async function closeSessions(sessions) {
    await Promise.all(sessions.map(async (s) => {
        s.reopen = undefined; // for good: work abandoned by a forced stop must not connect again
        await s.channel?.close();
        await s.remote.close().catch(() => undefined);
    }));
}
function channelOptions(s, spec, reporter) {
    return {
        marker: s.marker,
        timeoutMs: spec.timeouts.command * 1000,
        idleMs: spec.timeouts.idle * 1000,
        onLine: (line, stream) => reporter.line(s.host.name, line, stream),
        onStep: (label) => reporter.debug(`${s.host.name}: step ${label}`)
    };
}
/** Keeps one channel open on each session, so the operation's phases share it (one connection, one channel). */
function holdChannels(sessions, spec, reporter) {
    for (const s of sessions)
        s.channel = openChannel(s.remote, channelOptions(s, spec, reporter));
}
/** Runs one phase on one host as a single script; throws {@link StepError} on a non-zero exit. */
async function runPhase(s, spec, reporter, phase, commands, extra = {}) {
    reporter.debug(`${s.host.name}: ${phase}: ${commands.length} commands`);
    if (s.remote.lost)
        throw new StepError(s.host.name, phase, 255, [], {}, s.remote.lost, true);
    const options = channelOptions(s, spec, reporter);
    const sent = s.channel ? s.channel.run(commands, extra.stdin) : runScript(s.remote, commands, { ...options, stdin: extra.stdin });
    const result = await sent.catch((error) => {
        throw new StepError(s.host.name, phase, 124, [error.message], {}, s.remote.lost);
    });
    if (result.code !== 0 && s.remote.lost)
        throw new StepError(s.host.name, result.step ?? phase, result.code, result.tail, result.data, s.remote.lost);
    if (result.code !== 0 && !(extra.okCodes ?? []).includes(result.code))
        throw new StepError(s.host.name, result.step ?? phase, result.code, result.tail, result.data);
    return result;
}

var session = /*#__PURE__*/Object.freeze({
    __proto__: null,
    StepError: StepError,
    causeOf: causeOf,
    closeSessions: closeSessions,
    holdChannels: holdChannels,
    knownHostsText: knownHostsText,
    openReachable: openReachable,
    openSessions: openSessions,
    privateKeyFor: privateKeyFor,
    revive: revive,
    runPhase: runPhase,
    sshConnector: sshConnector
});

export { causeOf as A, dataPrefix as B, releaseIdFrom as C, writeFile as D, appendLine as E, session as F, NOW as N, StepError as S, raw as a, sh as b, closeSessions as c, dataMark as d, seq as e, firstPhase as f, NAPPER as g, holdChannels as h, render as i, cmd as j, stepMark as k, revive as l, mkdirs as m, nap as n, openSessions as o, stepLabels as p, printLine as q, runPhase as r, sshConnector as s, readFirstLine as t, inDir as u, and as v, when as w, statMark as x, openReachable as y, settleLimited as z };
