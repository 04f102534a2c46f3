import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { I as InputError } from './select.js';
import 'node:path';

/** The database mode of a manual rollback, read from its options: a module of its own, so the CLI checks `--db` before loading the rollback. */
/** The mode from the options: `db`, or `migrations: true` (the older name of stepback); keep by default. */
function dbMode(options) {
    const db = options.db;
    if (db !== undefined && !['keep', 'stepback', 'restore'].includes(db))
        throw new InputError(`--db ${JSON.stringify(db)} is not a mode. Fix: use keep (the default), stepback or restore`);
    if (options.migrations && db !== undefined && db !== 'stepback')
        throw new InputError(`--migrations means --db stepback and contradicts --db ${db}. Fix: give only one of them`);
    return db ?? (options.migrations ? 'stepback' : 'keep');
}

export { dbMode };
