import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { existsSync, readFileSync } from 'node:fs';
import module$1 from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Entry point of the `slipway` binary (bundled as dist/cli.js). It loads nothing but Node's own modules:
 * `--version` and `--help` answer from here, and every other command loads what it needs (`run.ts`).
 */
/** The version in slipway's own package.json, found upward from this file (dist/cli.js or src/cli/main.ts). */
function version() {
    for (let dir = dirname(fileURLToPath(import.meta.url));; dir = dirname(dir)) {
        const file = join(dir, 'package.json');
        if (existsSync(file)) {
            const pkg = JSON.parse(readFileSync(file, 'utf8'));
            if (pkg.name === 'slipway' && pkg.version)
                return pkg.version;
        }
        if (dirname(dir) === dir)
            return 'unknown (no package.json of slipway above the CLI)';
    }
}
/** V8's code cache for the bundle on disk (Node 22.1+; older versions have no such function and start without it). */
function cacheCompiledCode() {
    const enable = module$1.enableCompileCache;
    try {
        enable?.();
    }
    catch {
        // a cache directory that cannot be written only costs speed
    }
}
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version()}\n`);
}
else if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
    const { USAGE } = await import('./usage.js');
    process.stdout.write(`${USAGE}\n`);
}
else {
    cacheCompiledCode();
    const [{ run }, { cancelOnSignals }] = await Promise.all([import('./run2.js'), import('./signals.js')]);
    process.exitCode = await run(argv, {
        out: (s) => process.stdout.write(s + '\n'),
        err: (s) => process.stderr.write(s + '\n'),
        cwd: process.cwd(),
        cancel: () => cancelOnSignals((m) => process.stderr.write(`slipway: ${m}\n`))
    });
    // The result is known and the locks are released: exit once stdout and stderr are flushed, without waiting for
    // the hosts to close their end of the connections.
    process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
