import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { statSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { S as SpecError } from './load.js';
import 'process';
import 'buffer';
import './select.js';
import './schema.js';

/**
 * Everything about a deploy that can be checked on the runner before connecting: the source tree, the key and
 * known_hosts files. A problem is an exit-2 {@link SpecError} naming file:line:col, key and fix; nothing is touched.
 */
/** Throws a {@link SpecError} listing every local problem; else returns the source listing it checked (with `source`). */
async function preflight(spec, options = {}) {
    const problems = [];
    if (options.credentials)
        problems.push(...credentialProblems(spec, options.warn ?? (() => undefined), options.env ?? process.env));
    // The tree's checks (and the tar reader they load) only for a deploy: a rollback starts faster without them.
    const tree = options.source ? await (await import('./tree.js')).treeProblems(spec) : undefined;
    problems.push(...(tree?.problems ?? []));
    if (problems.length)
        throw new SpecError(spec.file, problems);
    return tree?.entries;
}
const PUBLIC = /^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/;
/** Problems with identity files, the env key and the known_hosts file; warns about keys readable by others. */
function credentialProblems(spec, warn, env) {
    const problems = [];
    const at = (path) => spec.where?.(path) ?? { line: 1, col: 1 };
    const checked = new Set();
    spec.hosts.forEach((h, i) => {
        const key = `hosts[${i}].identity`;
        if (!h.identity) {
            if (!env.SLIPWAY_SSH_KEY)
                problems.push({ ...at(`hosts[${i}]`), path: key, message: `no SSH key for ${h.name}: no identity and env SLIPWAY_SSH_KEY is empty`, fix: 'set hosts[].identity to a private key file, or env SLIPWAY_SSH_KEY to the key text' });
            return;
        }
        const file = resolve(spec.baseDir, h.identity);
        if (checked.has(file))
            return;
        checked.add(file);
        const problem = identityProblem(file, warn);
        if (problem)
            problems.push({ ...at(key), path: key, ...problem });
    });
    const kh = spec.known_hosts;
    if (kh && !kh.includes('\n') && !/\s(ssh-|ecdsa-|sk-)/.test(kh)) {
        const file = resolve(spec.baseDir, kh);
        const text = readable(file);
        if (typeof text !== 'string')
            problems.push({ ...at('known_hosts'), path: 'known_hosts', message: `known_hosts file ${file} cannot be read (${text.code})`, fix: 'create it (ssh-keyscan -p PORT HOST > known_hosts, checked by hand) or paste the lines inline' });
        else if (!text.split('\n').some((l) => l.trim() && !l.trim().startsWith('#')))
            problems.push({ ...at('known_hosts'), path: 'known_hosts', message: `known_hosts file ${file} has no host key lines`, fix: 'fill it with the output of ssh-keyscan -p PORT HOST, checked by hand' });
    }
    return problems;
}
function readable(file) {
    try {
        if (!statSync(file).isFile())
            return { code: 'not a file' };
        return readFileSync(file, 'utf8');
    }
    catch (error) {
        return { code: error.code ?? String(error) };
    }
}
function identityProblem(file, warn) {
    const text = readable(file);
    if (typeof text !== 'string')
        return { message: `identity file ${file} cannot be read (${text.code})`, fix: 'point hosts[].identity at the private key file, or put the key text in env SLIPWAY_SSH_KEY' };
    if (PUBLIC.test(text.trim()) || (file.endsWith('.pub') && !text.includes('PRIVATE KEY'))) {
        const priv = file.replace(/\.pub$/, '');
        return { message: `identity file ${file} is a public key; SSH logs in with the private half`, fix: `use the private key file${priv !== file ? ` (${priv})` : ''}; the .pub line belongs in ~/.ssh/authorized_keys on the host` };
    }
    if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text))
        return { message: `identity file ${file} is not a private key (no BEGIN ... PRIVATE KEY line)`, fix: 'point hosts[].identity at an OpenSSH or PEM private key file' };
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
        warn(`identity file ${file} is readable by ${mode & 0o007 ? 'others' : 'group'} (mode ${mode.toString(8).padStart(4, '0')}); OpenSSH would refuse it. Fix: chmod 600 ${file}`);
    return undefined;
}

export { credentialProblems, preflight };
