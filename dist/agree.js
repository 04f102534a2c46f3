import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
/** Whether the hosts of a fleet serve the same release: the one judge `releases` (table and JSON) reports from. */
/**
 * Each host's current release (`none` where it has none) when the hosts read do not all serve the same one;
 * undefined when they agree (or fewer than two hosts were read).
 */
function disagreement(hosts) {
    const currents = new Set(hosts.map((h) => h.current ?? 'none'));
    if (currents.size < 2)
        return undefined;
    return Object.fromEntries(hosts.map((h) => [h.host, h.current ?? 'none']));
}
/** "A on h01, h03; B on h02": the releases served and by which hosts, oldest release first. */
function describeDisagreement(serving) {
    const by = new Map();
    for (const [host, current] of Object.entries(serving))
        by.set(current, [...(by.get(current) ?? []), host]);
    return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([release, hosts]) => `${release} on ${hosts.join(', ')}`).join('; ');
}

export { disagreement as a, describeDisagreement as d };
