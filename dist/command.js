import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkMigrations, formatGithub, formatSarif, formatJson, formatText, CheckInputError } from './check.js';
import 'node:fs';
import 'node:module';
import 'node:child_process';
import 'node:util';
import 'node:crypto';
import 'node:os';
import 'node:net';
import 'node:timers/promises';

const FORMATS = { text: formatText, json: formatJson, sarif: formatSarif, github: formatGithub };
/** Usage of `slipway check`. */
const CHECK_USAGE = `usage: slipway check [paths\u2026] [--base <git ref>] [--format text|json|sarif|github]
                     [--verify] [--verify-rollback] [--database DSN] [--app DIR] [--output FILE]
  paths       migration files or directories (default: database/migrations, *.sql under migrations/)
  --base      check only migrations added or changed since this ref (a changed merged migration is a finding)
  --format    text (default), json, sarif (GitHub code scanning), github (workflow annotations)
  --verify    run the Laravel migrations up \u2192 down \u2192 up on a scratch database
  --verify-rollback
              migrate a scratch database to HEAD, boot the --base revision (git worktree) on it and run
              the spec's smoke checks; a failure is a finding on the migration that causes it
  --database  DSN for --verify(-rollback): sqlite (default), pgsql://user@host:port/db, mysql://user@host:port
  --app       the Laravel app that --verify copies (default: the current directory)
  --output    write the report to FILE (the text report still goes to stdout)
exit: 0 no errors, 1 errors found, 2 bad input`;
function parseArgs(argv, cwd) {
    const options = { cwd, paths: [] };
    let format = 'text';
    let output;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const eq = a.startsWith('--') ? a.indexOf('=') : -1;
        const flag = eq > 0 ? a.slice(0, eq) : a;
        const value = () => {
            const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
            if (v === undefined || v === '')
                throw new CheckInputError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case '--base':
                options.base = value();
                break;
            case '--format':
                format = value();
                if (!FORMATS[format])
                    throw new CheckInputError(`--format ${format}: expected text, json, sarif or github`);
                break;
            case '--verify':
                options.verify = true;
                break;
            case '--verify-rollback':
                options.verifyRollback = true;
                break;
            case '--database':
                options.database = value();
                break;
            case '--app':
                options.app = value();
                break;
            case '--output':
                output = value();
                break;
            case '--':
                options.paths?.push(...argv.slice(i + 1));
                i = argv.length;
                break;
            default:
                if (a.startsWith('-'))
                    throw new CheckInputError(`unknown option ${a}`);
                options.paths?.push(a);
        }
    }
    return output === undefined ? { options, format } : { options, format, output };
}
/**
 * `slipway check [paths\u2026] [--base ref] [--format text|json|sarif|github] [--verify] [--verify-rollback] [--database DSN] [--output FILE] [--app DIR]`:
 * prints the report and returns the exit code: 0 nothing at error level, 1 errors, 2 bad input.
 * `config` is the deploy spec's `check:` section, when there is one; `smoke` its smoke checks (for --verify-rollback).
 */
async function checkCommand(argv, io, config, smoke) {
    if (argv.includes('--help') || argv.includes('-h')) {
        io.out(`${CHECK_USAGE}\n`);
        return 0;
    }
    try {
        const { options, format, output } = parseArgs(argv, io.cwd);
        if (config)
            options.config = config;
        if (smoke)
            options.smoke = smoke;
        const result = await checkMigrations(options);
        const report = FORMATS[format](result);
        if (output) {
            await writeFile(resolve(io.cwd, output), report);
            io.out(formatText(result));
        }
        else {
            io.out(report);
        }
        return result.exitCode;
    }
    catch (e) {
        if (e instanceof CheckInputError) {
            io.err(`slipway check: ${e.message}\n${CHECK_USAGE}\n`);
            return 2;
        }
        throw e;
    }
}

export { CHECK_USAGE, checkCommand };
