import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
/**
 * The deploy spec's schema, written once: the validator walks it, `slipway.schema.json`
 * is generated from it, and its `doc` strings are the reference documentation.
 */
const relPath = /^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/;
const str = (doc, extra) => ({ kind: 'string', doc, ...extra });
const int = (doc, extra) => ({ kind: 'integer', doc, ...extra });
const bool = (doc, value) => ({ kind: 'boolean', doc, default: value });
const strings = (doc, pattern) => ({ kind: 'list', doc, of: { kind: 'string', doc: pattern ? 'A path relative to the release, without "..".' : doc, pattern }, default: [] });
const obj = (doc, fields, required, optional) => ({ kind: 'object', doc, fields, required: required ?? [], optional: optional ?? false });
const list = (doc, of, defaults) => ({ kind: 'list', doc, of, ...(defaults ? { default: defaults } : {}) });
const map = (doc, of) => ({ kind: 'map', doc, of });
const oneOf = (doc, options) => ({ kind: 'oneOf', doc, options });
const host = obj('One SSH target.', {
    host: str('Host name or address.'),
    port: int('SSH port.', { default: 22, min: 1, max: 65535 }),
    user: str('Login user on the host.'),
    identity: str('Path to a private key file (ed25519, RSA or ECDSA). Without it, the key text in env SLIPWAY_SSH_KEY is used; a passphrase comes from env SLIPWAY_SSH_PASSPHRASE.'),
    host_key: str('Expected host key fingerprint, "SHA256:..." as printed by ssh-keygen -lf; an alternative to known_hosts.', { pattern: /^SHA256:[A-Za-z0-9+/]{43}=?$/ }),
    name: str('Label for logs (default: user@host:port).'),
    path: str('This host\'s deploy root, when it differs from the top-level path (absolute).'),
    roles: list('This host\'s roles (web, worker, cron, any name): hooks and smoke checks given roles: run only on hosts that have one of them.', str(''), []),
    proxy_jump: str('A jump host (bastion), [user@]host[:port], reached with the same key and host key trust (user defaults to this host\'s, port to 22).', { pattern: /^(?:[^@\s]+@)?[^@\s:]+(?::\d+)?$/ })
}, ['host', 'user']);
/** Limits a hook or a host-side smoke check to the hosts that have one of the roles. */
const roles = list('Only on hosts that have one of these roles (hosts[].roles).', str(''));
/** A hook: a shell command for every host, or `{ run, roles }` for some. */
const hook = oneOf('A shell command, or { run, roles }.', [str('Shell command, run on every host.'), obj('A command for the hosts with some roles.', { run: str('Shell command.'), roles }, ['run', 'roles'])]);
const hooks = (doc) => list(doc, hook, []);
const httpCheck = obj('An HTTP check.', {
    name: str('Label in the report.'),
    roles,
    http: str('URL to request.'),
    from: str('Where the request is made from.', { enum: ['runner', 'host'], default: 'runner' }),
    method: str('HTTP method.', { default: 'GET' }),
    status: int('Expected status code.', { default: 200, min: 100, max: 599 }),
    contains: str('A substring the body must contain.'),
    header: str('A header that must be present, "Name: value" (value optional).'),
    timeout: int('Per-request timeout, seconds.', { default: 5, min: 1, max: 3600 }),
    retries: int('Attempts after the first, with a growing wait.', { default: 3, min: 0, max: 100 }),
    deadline: int('Overall deadline for the check, seconds.', { default: 60, min: 1, max: 86400 })
}, ['http']);
const runCheck = obj('A command run on the host in the new current release; exit 0 passes.', {
    name: str('Label in the report.'),
    roles,
    run: str('Shell command.'),
    timeout: int('Timeout, seconds.', { default: 60, min: 1, max: 86400 })
}, ['run']);
const share = oneOf('A number of hosts, or a percentage of all hosts ("25%", rounded up).', [int('Hosts.', { min: 0 }), str('Percent of the hosts.', { pattern: /^(100|[1-9]?[0-9])%$/ })]);
const strategy = obj('How the switch rolls out once every host is prepared and the migrations ran (once, on one host).', {
    kind: str('all-at-once: every host switches together. rolling: in batches, each gated by the smoke checks (and the bake). canary: the canary hosts first, gated the same way, then the rest. A stop switches back every host already switched and steps back the migrations.', { enum: ['all-at-once', 'rolling', 'canary'], default: 'all-at-once' }),
    batches: list('The size of each batch in turn; the last size repeats until every host is switched (e.g. [1, "10%", "50%"]). Default: one host at a time (rolling); the rest at once after the canary.', share),
    canary: str('canary: the host (hosts[].name) or role switched first (default: the first host).'),
    pause: int('Seconds to wait between two batches.', { default: 0, min: 0, max: 86400 }),
    max_failed: oneOf('Hosts that may fail (switch, hooks, smoke checks) without stopping the rollout: a count or a percentage, which must be exceeded to stop. A failed host is switched back alone and reported. Default 0: any failure stops the rollout.', share.options)
});
const smokeChecks = list('Checks run after the switch; a failure rolls back.', oneOf('An http or run check.', [httpCheck, runCheck]), []);
/** Top-level keys that an `environments:` entry may override. */
const specFields = {
    app: str('Application name, used in logs, audit lines and the lock owner.', { pattern: /^[A-Za-z0-9._-]+$/ }),
    path: str('Deploy root on each host (absolute): releases/, shared/, current and .slipway/ live here.', { pattern: /^\/.*/ }),
    keep_releases: int('How many releases to keep on each host; current and the last healthy one are never deleted.', { default: 5, min: 1, max: 1000 }),
    hosts: list('The hosts to deploy to; all get the same release.', host),
    known_hosts: str('OpenSSH known_hosts: a file path, or the text itself. Required unless every host has host_key.'),
    max_connections: int('How many hosts an operation connects to, or sends the upload to, at once (the rest wait their turn; other round trips on open connections are not limited). Keep it at or under the hosts\' sshd MaxStartups start (OpenSSH default 10:30:100: beyond 10 connections still authenticating, new ones are dropped at random); a dropped connect is retried twice.', { default: 10, min: 1, max: 1000 }),
    ssh: str('SSH transport: node (built in, ssh2: no ssh binary needed, host_key pins) or openssh (the system ssh: your ssh_config, OpenSSH certificates and @cert-authority host CAs, one ControlMaster connection per host; known_hosts then defaults to your own known_hosts files).', { enum: ['node', 'openssh'], default: 'node' }),
    insecure_skip_host_key_check: bool('Accept any host key. Unsafe: a man in the middle gets your deploy key session. Never use for production.', false),
    source: obj('What is uploaded as the new release.', {
        dir: str('Local directory uploaded as the release.', { default: '.' }),
        exclude: list('Paths or globs (*, **) left out of the upload.', str(''), ['.git', 'node_modules']),
        allow_external_symlinks: bool('Upload symlinks whose target is outside the source dir (absolute, or escaping with ..). Off by default: such a link in a release can make a shared or writable path, or a build step, write outside the deploy root.', false)
    }),
    shared: obj('Items kept across releases in <path>/shared and linked into each release.', {
        files: strings('Shared files (relative paths), e.g. .env. They must exist on the host before the first deploy.', relPath),
        dirs: strings('Shared directories (relative paths), e.g. storage. Created on first deploy, seeded from the release.', relPath)
    }),
    writable: strings('Directories in the release made writable (created if missing).', relPath),
    copy_from_previous: strings('Directories copied from the live release before the build (e.g. vendor, node_modules) so installs have little to do.', relPath),
    build: hooks('Shell commands run on the host in the new release directory, before the switch.'),
    activate: hooks('Shell commands run on the host in the new release after the switch.'),
    strategy,
    rollback_hooks: hooks('Shell commands run on the host in the restored release after any rollback.'),
    smoke: oneOf('Checks run after the switch; a failure rolls back: a list of checks, or a mapping with checks and bake.', [
        smokeChecks,
        obj('Smoke checks and a bake.', {
            checks: smokeChecks,
            bake: int('Seconds to keep polling the checks after they first pass; the release is marked healthy, old releases pruned and the watchdog confirmed only after the bake. A failure during the bake rolls back like any smoke failure.', { default: 0, min: 0, max: 86400 })
        }, ['checks'])
    ]),
    preset: str('Framework defaults to start from; every key you set overrides the preset.', { enum: ['laravel'] }),
    php_fpm_reload: str('Laravel preset: a command that reloads PHP-FPM (e.g. "sudo systemctl reload php8.2-fpm"), run after activate and after a rollback so opcache sees the new release. Set process_control_timeout above 0 in php-fpm.conf, or a reload kills requests in flight.'),
    migrate: obj('Database migrations: run on one host in the new release before the switch; what each deploy ran is recorded so a rollback can step back exactly that.', {
        preset: str('Migration driver.', { enum: ['laravel'] }),
        commands: obj('For other frameworks: the commands, run in the release directory.', {
            run: str('Applies pending migrations.'),
            status: str('Prints the applied migration names, one per line, oldest first.'),
            step_back: str('Steps back the newest migrations; {count} and {migrations} are filled in.')
        }, ['run']),
        step_back: str('What to do with this deploy\'s migrations when it is rolled back automatically.', { enum: ['auto', 'never'], default: 'auto' }),
        backup: str('A command run in the deploy root before every migrate run; {release} is the new release id. Kept for existing specs: it is not a restore point (nothing lists or restores it); use db.snapshot and db.restore instead, or the built-in restore point.'),
        on: str('The host (hosts[].name or host) that runs migrations when there are several (default: the first).')
    }, [], true),
    db: obj('Restore points: one per deploy, taken just before migrating and only when migrations are pending; `slipway db points` lists them, `slipway db restore <release>` and `slipway rollback --db restore` restore one. Kept while its release is kept (keep_releases).', {
        restore_points: str('auto: built in for the Laravel preset on SQLite (SQLite3::backup), PostgreSQL (pg_dump -Fc) and MariaDB/MySQL (mysqldump --single-transaction), with the connection read from the app\'s own config; db.snapshot/db.restore commands when set. off: none.', { enum: ['auto', 'off'], default: 'auto' }),
        path: str('Where restore points are stored: a path relative to the deploy root, or absolute.', { default: '.slipway/points', pattern: /^[A-Za-z0-9._/-]+$/ }),
        snapshot: str('A command that takes a restore point, run in the deploy root instead of the built-in one: {release} (the release about to migrate), {file} (a file it may write), {time} (UTC time just before it ran, ISO 8601) are filled in; see the README for Neon.'),
        restore: str('A command that restores the point db.snapshot took, run in the deploy root: {release}, {file} and {time} are the point\'s.')
    }),
    check: obj('The PR migration-safety check (slipway check).', {
        paths: strings('Files or directories to check when none are given (default: database/migrations and *.sql under migrations/).'),
        ignore: list('Suppressions, each with a reason.', obj('One suppression.', { rule: str('Rule id, or *.'), path: str('Glob of files it covers (default: all).'), reason: str('Why this is safe here.') }, ['rule', 'reason']), []),
        rules: map('Per-rule severity: error, warning, notice or off.', str('', { enum: ['error', 'warning', 'notice', 'off'] })),
        laravel: int('Laravel major version, for rules that differ by version.', { min: 5 }),
        database: str('Production database engine, for engine-specific rules (default: DB_CONNECTION in .env.example, else config/database.php).', { enum: ['pgsql', 'mysql', 'mariadb', 'sqlite', 'sqlsrv'] }),
        policy: str('forward-only: migrations without down() are expected; missing-down/empty-down become notices and the deploy says up front that step-back is impossible.', { enum: ['forward-only'] }),
        verify: obj('Defaults for --verify and --verify-rollback.', { database: str('DSN: sqlite (default), pgsql://user@host:port/db, mysql://user@host:port'), app: str('The Laravel app directory.'), serve: str('--verify-rollback: the command that serves the base revision for HTTP smoke checks; {port} is filled in (default: php artisan serve --host=127.0.0.1 --port={port}).') })
    }, [], true),
    rollback: obj('Automatic rollback.', {
        on_smoke_failure: bool('Switch back to the previous release when a smoke check fails.', true),
        confirm_within: int('Confirm or revert: when the spec has smoke checks, each host arms a watchdog at the switch; unless the run confirms the release (all checks passed) within this many seconds, the host itself switches back, marks the release failed, steps back its migrations (step_back: auto) and releases the lock. Default: the smoke checks\' deadlines and timeouts added up, plus 120. With smoke.bake, the host waits this plus the bake plus the checks\' limits once more (the round in flight when the bake ends).', { min: 5, max: 86400 })
    }),
    timeouts: obj('Time limits, seconds.', {
        connect: int('SSH connect timeout (a refused or timed-out connect is retried twice).', { default: 20, min: 1, max: 3600 }),
        command: int('Total time a remote step may take.', { default: 1800, min: 1, max: 86400 }),
        idle: int('Time a remote step may go without output.', { default: 600, min: 1, max: 86400 }),
        keepalive: int('Seconds between SSH keepalives; a host that answers none of 3 in a row (frozen, or its network gone) counts as lost, and the run goes on with the others per the failure policy.', { default: 15, min: 1, max: 3600 })
    })
};
/** The whole spec: the overridable keys plus `environments`. */
const specSchema = {
    kind: 'object',
    doc: 'Slipway deploy spec (v1).',
    fields: {
        ...specFields,
        environments: { kind: 'map', doc: 'Named overrides chosen with --env; each may set any top-level key.', of: { kind: 'object', doc: 'Overrides.', fields: specFields } }
    },
    required: ['app', 'path', 'hosts']
};

export { specSchema as s };
