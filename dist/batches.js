import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { I as InputError } from './select.js';
import 'node:path';

/**
 * The rollout's batches, from `strategy:` (pure): which hosts switch together, in which order, and how many
 * failed hosts the rollout tolerates. all-at-once is one batch of every host.
 */
/** `share` of `total` hosts: a count as is, a percentage rounded up. */
function hostsIn(share, total) {
    if (typeof share === 'number')
        return share;
    return Math.ceil((total * Number(share.replace('%', ''))) / 100);
}
/** The hosts a canary names: the host of that name, or the hosts with that role. */
function canaryHosts(spec) {
    const name = spec.strategy.canary ?? spec.hosts[0]?.name;
    return spec.hosts.flatMap((h, i) => (h.name === name || (h.roles ?? []).includes(name ?? '') ? [i] : []));
}
/** Splits `hosts` into batches of the given sizes in turn, the last size repeating (at least one host each). */
function split(hosts, sizes, total) {
    const out = [];
    for (let at = 0, k = 0; at < hosts.length; k++) {
        const size = Math.max(1, hostsIn(sizes[Math.min(k, sizes.length - 1)], total));
        out.push(hosts.slice(at, at + size));
        at += size;
    }
    return out;
}
/** The batches of host indices, in switch order. */
function planBatches(spec) {
    const all = spec.hosts.map((_, i) => i);
    const { kind, batches } = spec.strategy;
    if (kind === 'all-at-once' || all.length === 0)
        return [all];
    const first = kind === 'canary' ? canaryHosts(spec) : [];
    const rest = all.filter((i) => !first.includes(i));
    const sizes = batches?.length ? batches : kind === 'rolling' ? [1] : ['100%'];
    return [first, ...split(rest, sizes, all.length)].filter((b) => b.length > 0);
}
/** How many hosts may fail before the rollout stops (the budget must be exceeded). */
function tolerated(spec) {
    return hostsIn(spec.strategy.max_failed ?? 0, spec.hosts.length);
}
/** A batch's hosts by name, for messages. */
function batchNames(spec, batch) {
    return batch.map((i) => spec.hosts[i].name).join(', ');
}
/** The strategies `--strategy` (CLI) and the Action's `strategy` input may choose. */
const KINDS = ['all-at-once', 'rolling', 'canary'];
/** The spec with its strategy's kind overridden (the rest of `strategy:` kept); undefined leaves it as is. */
function withStrategy(spec, kind, from = '--strategy') {
    if (kind === undefined || kind === '')
        return spec;
    if (!KINDS.includes(kind))
        throw new InputError(`${from} ${JSON.stringify(kind)} is not a strategy. Fix: use one of ${KINDS.join(', ')}`);
    return { ...spec, strategy: { ...spec.strategy, kind: kind } };
}

export { KINDS, batchNames, canaryHosts, hostsIn, planBatches, tolerated, withStrategy };
