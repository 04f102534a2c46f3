import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
/** True when a host with `has` takes something limited to `only` (unlimited when `only` is unset). */
function hasRole(has, only) {
    return !only || only.some((r) => has.includes(r));
}
/** The commands of `hooks` that run on a host with these roles, in order. */
function hooksFor(has, hooks) {
    return hooks.flatMap((h) => (typeof h === 'string' ? [h] : hasRole(has, h.roles) ? [h.run] : []));
}
/** A hook as a report shows it. */
function hookText(h) {
    return typeof h === 'string' ? h : `${h.run} (on ${h.roles.join(', ')})`;
}

export { hookText as a, hasRole as b, hooksFor as h };
