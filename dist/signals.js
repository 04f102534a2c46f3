import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
/** Cancelling an operation from process signals, the way CI cancels a job (GitHub: SIGINT, then SIGTERM 7.5 s later). */
/** Seconds after the first signal when the run stops following its undo and leaves it to the host (GitHub's grace is 7.5 s). */
const LATE = 5;
/** Listens to SIGINT and SIGTERM for the rest of the process; `say` tells the user what the first one does. */
function cancelOnSignals(say) {
    const first = new AbortController();
    const second = new AbortController();
    const late = new AbortController();
    let code;
    for (const [name, exit] of [['SIGINT', 130], ['SIGTERM', 143]]) {
        process.on(name, () => {
            if (code !== undefined)
                return second.abort(name);
            code = exit;
            say(`${name}: finishing the step in flight, then undoing this run and releasing the lock (a second signal: release the lock and stop at once)`);
            first.abort(name);
            setTimeout(() => late.abort(name), LATE * 1000).unref();
        });
    }
    return { signal: first.signal, force: second.signal, late: late.signal, exitCode: () => code };
}

export { LATE, cancelOnSignals };
