import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { I as InputError, S as SlipwayError, U as UntouchedError, m as layout } from './select.js';
import { PassThrough } from 'node:stream';
import { n as parseLine, a as render, o as endMark, c as cmd, q as newMarker } from './protocol.js';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createHash, createHmac } from 'node:crypto';

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
 * The text of one phase: the commands in a strict-mode subshell (stdin closed unless it reads the upload),
 * then the end line. The outer braces make bash read the whole phase before running it, so an upload's
 * bytes that follow are read by the phase, never as script.
 */
function phaseText(m, commands, readsStdin = false) {
    return ['{ (', 'set -euo pipefail', ...commands.map(render), `)${readsStdin ? '' : ' </dev/null'}`, render(endMark(m)), '}', ''].join('\n');
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
                // input cleanly, so its script ends and nothing waits on it, and the phase fails with the cause.
                const relay = new PassThrough();
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

/** Jump hosts (proxy_jump), shared by both SSH transports. */
/** `[user@]host[:port]` of a jump host; the user defaults to the target's, the port to 22. */
function parseJump(text, user) {
    const m = /^(?:([^@\s]+)@)?([^@\s:]+)(?::(\d+))?$/.exec(text);
    if (!m)
        throw new InputError(`proxy_jump "${text}" is not [user@]host[:port]`);
    return { user: m[1] ?? user, host: m[2], port: m[3] ? Number(m[3]) : 22 };
}

/** Arms the limits of `options`; `touch` on output re-arms the idle one, `clear` when the command ends. */
function timeouts(options, expire) {
    let idle;
    // Unref'd: a limit watches a command, it must not keep the process alive once nothing else does (a channel
    // that a closed connection will never open, after a forced stop).
    const total = options.timeoutMs ? setTimeout(() => expire(`timed out after ${options.timeoutMs / 1000}s`), options.timeoutMs).unref() : undefined;
    const touch = () => {
        if (!options.idleMs)
            return;
        clearTimeout(idle);
        idle = setTimeout(() => expire(`no output for ${options.idleMs / 1000}s (idle timeout)`), options.idleMs).unref();
    };
    touch();
    return { touch, clear: () => { clearTimeout(total); clearTimeout(idle); } };
}

/** Turns output chunks into complete lines per stream, keeping the full text too. */
/** Collects stdout and stderr, calling `onLine` for each complete line; `flush` ends partial lines. */
function lineCollector(onLine) {
    const text = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    return {
        text,
        take: (stream) => (data) => {
            const chunk = data.toString('utf8');
            text[stream] += chunk;
            if (!onLine)
                return;
            const lines = (partial[stream] + chunk).split('\n');
            partial[stream] = lines.pop() ?? '';
            for (const line of lines)
                onLine(line, stream);
        },
        flush: () => {
            for (const stream of ['stdout', 'stderr'])
                if (partial[stream] && onLine)
                    onLine(partial[stream], stream);
        }
    };
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
const RETRYABLE$1 = /Connection refused|Connection timed out|Connection reset|Connection closed by|kex_exchange_identification|No route to host/;
/** Starts the master connection (checking the host key before any credential is sent) and returns the Remote. */
async function connectOpenSsh(target) {
    const remote = new OpenSshRemote(target);
    const attempts = 1 + (target.retries ?? 2);
    for (let attempt = 1;; attempt++) {
        const r = await spawnExec('ssh', [...remote.args(['-o', 'ControlMaster=yes', '-o', 'ControlPersist=60']), 'true'], { timeoutMs: target.connectTimeoutMs + 5000 });
        if (r.code === 0)
            return remote.connected();
        const reason = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `ssh exited with ${r.code}`;
        if (attempt < attempts && RETRYABLE$1.test(r.stderr)) {
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

/** Host key verification against OpenSSH known_hosts text or a pinned SHA256 fingerprint. */
/** The SHA256 fingerprint of a raw host key blob, as `ssh-keygen -lf` prints it. */
function fingerprint(blob) {
    return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
/** The key type named inside a raw host key blob (e.g. ssh-ed25519). */
function keyType(blob) {
    if (blob.length < 4)
        return 'unknown';
    const len = blob.readUInt32BE(0);
    return blob.subarray(4, 4 + len).toString('latin1');
}
/** The host pattern OpenSSH writes for a host and port. */
function hostPattern(host, port) {
    return port === 22 ? host : `[${host}]:${port}`;
}
function matches(pattern, name) {
    if (pattern.startsWith('|1|')) {
        const [, , salt, hash] = pattern.split('|');
        return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
    }
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    return re.test(name);
}
/** Checks a key against known_hosts text (OpenSSH format) for host:port. */
function verifyKnownHosts(text, host, port, blob) {
    const name = hostPattern(host, port);
    const offered = blob.toString('base64');
    let seen = false;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            continue;
        const parts = line.split(/\s+/);
        const marker = parts[0].startsWith('@') ? parts.shift() : undefined;
        const [hosts, , key] = parts;
        if (!hosts || !key)
            continue;
        const patterns = hosts.split(',');
        const negated = patterns.some((p) => p.startsWith('!') && matches(p.slice(1), name));
        if (negated || !patterns.some((p) => !p.startsWith('!') && matches(p, name)))
            continue;
        if (marker === '@revoked') {
            if (key === offered)
                return refuse('revoked', blob);
            continue;
        }
        if (marker)
            continue;
        seen = true;
        if (key === offered)
            return { ok: true };
    }
    return refuse(seen ? 'changed' : 'unknown', blob);
}
/** Checks a key against a pinned `SHA256:...` fingerprint. */
function verifyPinned(pinned, blob) {
    return fingerprint(blob) === pinned.replace(/=+$/, '') ? { ok: true } : refuse('changed', blob);
}
function refuse(reason, blob) {
    return { ok: false, reason, type: keyType(blob), fingerprint: fingerprint(blob) };
}

/** Runs a command on an open ssh2 client. Resolves with the exit code (124 after a timeout, with the reason as the last stderr line); rejects only on channel errors. */
function exec(client, command, options) {
    return new Promise((resolve, reject) => {
        // The clock runs from the request: a host that never answers it (frozen) times out like a silent command.
        let expired;
        const early = timeouts(options, (message) => {
            expired = message;
            options.onLine?.(`${message} (the host did not open the command channel)`, 'stderr');
            resolve({ code: 124, stdout: '', stderr: `${message} (the host did not open the command channel)\n` });
        });
        client.exec(command, (err, channel) => {
            early.clear();
            if (expired)
                return channel?.close();
            if (err)
                return reject(new SlipwayError(`cannot open a command channel: ${err.message}`));
            run(channel, options, resolve, reject);
        });
    });
}
/** Streams one opened channel: output lines, stdin, time limits, exit code. */
function run(channel, options, resolve, reject) {
    const lines = lineCollector(options.onLine);
    const out = lines.text;
    let code = null;
    let finished = false;
    const fail = (message, timedOut = false) => {
        if (finished)
            return;
        finished = true;
        clock.clear();
        channel.signal('TERM');
        channel.close();
        if (!timedOut)
            return reject(new SlipwayError(message));
        options.onLine?.(message, 'stderr');
        resolve({ code: 124, stdout: out.stdout, stderr: `${out.stderr}${message}\n` });
    };
    const clock = timeouts(options, (message) => fail(message, true));
    const take = (stream) => {
        const collect = lines.take(stream);
        return (data) => {
            if (finished)
                return; // output after a timeout must not re-arm the idle timer and keep the process alive
            clock.touch();
            collect(data);
        };
    };
    channel.on('data', take('stdout'));
    channel.stderr.on('data', take('stderr'));
    channel.on('exit', (exitCode, signal) => {
        code = exitCode ?? (signal ? 128 + 15 : 255);
    });
    channel.on('close', () => {
        if (finished)
            return;
        finished = true;
        clock.clear();
        lines.flush();
        resolve({ code: code ?? 255, ...out });
    });
    if (options.stdin === undefined)
        channel.end();
    else if (typeof options.stdin === 'string')
        channel.end(options.stdin);
    else {
        options.stdin.on('error', (e) => fail(`upload stream failed: ${e.message}`));
        options.stdin.pipe(channel);
    }
}

/** SshRemote: the Remote interface on node-ssh (ssh2), with host key checks, retries and timeouts. */
const RETRYABLE = /ECONNREFUSED|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|Timed out while waiting for handshake|Connection lost before handshake/;
/** Opens an SSH connection, verifying the host key before any credential is sent. */
async function connectSsh(target) {
    const attempts = 1 + (target.retries ?? 2);
    for (let attempt = 1;; attempt++) {
        try {
            return await connectOnce(target);
        }
        catch (error) {
            if (attempt >= attempts || error instanceof InputError || !RETRYABLE.test(String(error)))
                throw error;
            await new Promise((r) => setTimeout(r, 500 * attempt));
        }
    }
}
/**
 * Starts the TCP connection at once and loads the SSH library (the largest part of the CLI) while it is under way;
 * resolves with both, or rejects with the socket's error (ECONNREFUSED, …) if it fails before the library is ready.
 */
async function socketAndLibrary(target) {
    const sock = connect({ host: target.host, port: target.port });
    let failed;
    const early = (error) => { failed = error; };
    sock.on('error', early);
    try {
        const { NodeSSH } = await import('./esm.js');
        if (failed)
            throw failed;
        return { sock, ssh: new NodeSSH() };
    }
    catch (error) {
        sock.destroy();
        throw error;
    }
    finally {
        sock.off('error', early);
    }
}
async function connectOnce(target) {
    if (!target.proxyJump)
        return new SshRemote(target.name, await open(target));
    const j = parseJump(target.proxyJump, target.user);
    const jump = await open({ ...target, name: `${target.name} (jump host ${target.proxyJump})`, ...j });
    try {
        const sock = await new Promise((resolve, reject) => jump.connection.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => err ? reject(new SlipwayError(`${target.name}: jump host ${target.proxyJump} refused to forward to ${target.host}:${target.port}: ${err.message}`)) : resolve(stream)));
        return new SshRemote(target.name, await open(target, sock), jump);
    }
    catch (error) {
        jump.dispose();
        throw error;
    }
}
/** One authenticated ssh2 connection: over a new TCP connection, or over `forwarded` (a jump host's channel). */
async function open(target, forwarded) {
    const { sock, ssh } = forwarded
        ? { sock: forwarded, ssh: new (await import('./esm.js')).NodeSSH() }
        : await socketAndLibrary(target).catch((error) => {
            throw new SlipwayError(`${target.name}: cannot connect: ${error.message}`);
        });
    let verdict = { ok: true };
    const hostVerifier = (key) => {
        if (target.insecure)
            return true;
        verdict = target.hostKey ? verifyPinned(target.hostKey, key) : verifyKnownHosts(target.knownHosts ?? '', target.host, target.port, key);
        return verdict.ok;
    };
    try {
        await ssh.connect({
            sock,
            username: target.user,
            privateKey: target.privateKey,
            passphrase: target.passphrase,
            readyTimeout: target.connectTimeoutMs,
            hostVerifier,
            // Straight to the key: the "none" method ssh2 tries first costs a round trip and never succeeds on a deploy host.
            authHandler: ['publickey'],
            keepaliveInterval: target.keepaliveMs ?? 15000,
            keepaliveCountMax: 3
        });
    }
    catch (error) {
        ssh.dispose();
        if (!verdict.ok)
            throw hostKeyError(target, verdict);
        const message = error instanceof Error ? error.message : String(error);
        if (/authentication methods failed/i.test(message)) {
            throw new InputError(`${target.name}: authentication failed for user "${target.user}". Fix: add the deploy key's public half to ~${target.user}/.ssh/authorized_keys on the host, or check identity/SLIPWAY_SSH_KEY`);
        }
        if (/passphrase|encrypted|Unsupported key format|Cannot parse privateKey/i.test(message)) {
            throw new InputError(`${target.name}: cannot use the private key: ${message}. Fix: give an unencrypted OpenSSH/PEM key, or its passphrase in SLIPWAY_SSH_PASSPHRASE`);
        }
        if (/Connection lost before handshake/.test(message)) {
            throw new UntouchedError(`${target.name}: cannot connect: ${message} — sshd at ${target.host}:${target.port} closed the connection before the SSH handshake, usually its MaxStartups limit (too many connections opening at once). Fix: lower max_connections in the spec, or raise MaxStartups in the host's sshd_config`);
        }
        throw new UntouchedError(`${target.name}: cannot connect: ${message}`);
    }
    return ssh;
}
function hostKeyError(target, v) {
    const where = hostPattern(target.host, target.port);
    const scan = `ssh-keyscan -p ${target.port} ${target.host}`;
    if (v.reason === 'revoked')
        return new InputError(`${target.name}: REVOKED host key for ${where}: the host offered ${v.type} ${v.fingerprint}, which known_hosts marks @revoked. Fix: do not deploy to this host until its owner has replaced the key; then put the new key in known_hosts (checked by hand)`);
    if (v.reason === 'changed') {
        return new InputError(`${target.name}: HOST KEY CHANGED for ${where}: the host offered ${v.type} ${v.fingerprint}, which does not match the trusted key. This could be a man-in-the-middle attack, or the host was rebuilt. Fix: confirm the new fingerprint with the host's owner, then update known_hosts / host_key`);
    }
    return new InputError(`${target.name}: unknown host key for ${where}: the host offered ${v.type} ${v.fingerprint}. Fix: verify that fingerprint out of band, then add the host to known_hosts (${scan}) or set host_key: "${v.fingerprint}"`);
}
/** A live SSH connection. */
class SshRemote {
    name;
    ssh;
    jump;
    /** Why the connection broke (a reset, a keepalive timeout), once it has. */
    broken;
    constructor(name, ssh, jump) {
        this.name = name;
        this.ssh = ssh;
        this.jump = jump;
        // Scripts go over stdin in small writes after the exec request: without TCP_NODELAY each waits on a delayed ACK.
        ssh.connection?.setNoDelay(true);
        // Without a listener, an error on a live connection (ECONNRESET, keepalive timeout) would crash the process;
        // the command in flight then ends without its exit status, and later ones are refused with the reason.
        ssh.connection?.on('error', (error) => { this.broken ??= error; });
        ssh.connection?.on('close', () => { this.broken ??= new Error('the connection closed'); });
    }
    get lost() {
        return this.broken?.message;
    }
    exec(command, options = {}) {
        const client = this.ssh.connection;
        if (!client || this.broken)
            return Promise.reject(new SlipwayError(`${this.name}: connection lost: ${this.broken?.message ?? 'closed'}`));
        return exec(client, command, options);
    }
    async close() {
        this.ssh.dispose();
        this.jump?.dispose();
    }
}

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

export { StepError as S, revive as a, openReachable as b, closeSessions as c, settleLimited as d, causeOf as e, firstPhase as f, holdChannels as h, openSessions as o, runPhase as r, sshConnector as s };
