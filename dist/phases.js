import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { I as InputError, i as isReleaseId } from './select.js';
import 'node:path';

/**
 * Two-phase deploys across CI jobs: `--phase prepare --release <id> --shard i/n` in each shard of a matrix
 * (upload and build on that shard's hosts, the release left `prepared`), then one `--phase switch --release <id>`
 * over every host (checks each has it prepared, migrates once, rolls out per the strategy). Pure parts here.
 */
/** `i/n` (1 ≤ i ≤ n ≤ 1000). */
function parseShard(text) {
    const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
    const index = Number(m?.[1]);
    const count = Number(m?.[2]);
    if (!m || index < 1 || count > 1000 || index > count)
        throw new InputError(`--shard ${JSON.stringify(text)} is not i/n. Fix: give this job's shard and the number of shards, e.g. --shard 1/4 (1 ≤ i ≤ n)`);
    return { index, count };
}
/** Checks the flags of a two-phase deploy together (before anything is read or connected). */
function twoPhase(phase, release, shard) {
    if (phase === undefined) {
        if (release !== undefined || shard !== undefined)
            throw new InputError(`--${release !== undefined ? 'release' : 'shard'} is only for a two-phase deploy. Fix: add --phase prepare or --phase switch, or remove it`);
        return undefined;
    }
    if (phase !== 'prepare' && phase !== 'switch')
        throw new InputError(`--phase ${JSON.stringify(phase)} is not a phase. Fix: use --phase prepare (in each shard) or --phase switch (once, after every shard)`);
    if (!release || !isReleaseId(release))
        throw new InputError(`--phase ${phase} needs --release <id>, the same in every job: a release id (UTC YYYYMMDDHHMMSS, e.g. from date -u +%Y%m%d%H%M%S in the job before the shards)`);
    if (shard !== undefined && phase === 'switch')
        throw new InputError('--shard is only for --phase prepare: the switch phase checks and switches every host. Fix: remove --shard');
    return { phase, release, shard: shard === undefined ? undefined : parseShard(shard) };
}
/** The spec's hosts of one shard: every n-th host from the i-th, in spec order. */
function shardOf(spec, shard) {
    if (!shard)
        return spec;
    return { ...spec, hosts: spec.hosts.filter((_, k) => k % shard.count === shard.index - 1) };
}

export { parseShard, shardOf, twoPhase };
