import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { connect } from 'node:net';
import { I as InputError, S as SlipwayError, U as UntouchedError } from './select.js';
import { createHash, createHmac } from 'node:crypto';

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
let library;
/** The SSH library, loaded once: callers that have other code to load await it first, so the handshake starts before theirs. */
function sshLibrary() {
    return (library ??= import('./esm.js'));
}
/**
 * Starts the TCP connection at once and loads the SSH library (the largest part of the CLI) while it is under way;
 * resolves with both, or rejects with the socket's error (ECONNREFUSED, \u2026) if it fails before the library is ready.
 */
async function socketAndLibrary(target) {
    // TCP_NODELAY from the first byte: ssh2 writes each packet in pieces (length, payload, MAC), and with Nagle on, the
    // handshake's and the authentication's small writes each wait for a delayed ACK (~40 ms per round trip on Linux).
    const sock = connect({ host: target.host, port: target.port, noDelay: true });
    let failed;
    const early = (error) => { failed = error; };
    sock.on('error', early);
    try {
        const { NodeSSH } = await sshLibrary();
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
        ? { sock: forwarded, ssh: new (await sshLibrary()).NodeSSH() }
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
            throw new UntouchedError(`${target.name}: cannot connect: ${message} \u2014 sshd at ${target.host}:${target.port} closed the connection before the SSH handshake, usually its MaxStartups limit (too many connections opening at once). Fix: lower max_connections in the spec, or raise MaxStartups in the host's sshd_config`);
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
        // A jump host's forwarded channel is no socket; TCP_NODELAY is set on the jump connection's socket here too.
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

var ssh = /*#__PURE__*/Object.freeze({
    __proto__: null,
    connectSsh: connectSsh,
    sshLibrary: sshLibrary
});

export { connectSsh as c, lineCollector as l, parseJump as p, ssh as s, timeouts as t };
