import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { r as releaseDir, g as pointBase, e as pointFile, d as recordFile } from './select.js';
import { k as stepMark, u as inDir, a as raw, w as when, B as dataPrefix, m as mkdirs, b as sh, d as dataMark, C as releaseIdFrom, t as readFirstLine, D as writeFile, E as appendLine, j as cmd, r as runPhase, i as render } from './session.js';
import { setTimeout } from 'node:timers/promises';
import { m as LOCKED, L as LockedError, d as describeHolder, n as acquire, C as Cancelled, c as releaseLocks, a as onEach } from './run.js';
import { posix } from 'node:path';

/** The provider a spec and driver give, or undefined when this deploy takes no restore points. */
function pointProvider(spec, driver) {
    if (spec.db.restore_points === 'off')
        return undefined;
    if (spec.db.snapshot && spec.db.restore)
        return { kind: 'command', snapshot: spec.db.snapshot, restore: spec.db.restore };
    return driver?.runTracked && driver.restorePoint ? { kind: 'builtin' } : undefined;
}
/** Fills {release}, {file} and {time} in a db command (literally, wherever they stand, quotes included). */
function fillPoint(command, values) {
    return command.replaceAll('{release}', values.release).replaceAll('{file}', values.file).replaceAll('{time}', values.time);
}
/**
 * db.snapshot in the deploy root, timed, reported as data `point`. {time} is the host's clock just before it
 * runs, filled in on the host (so a point-in-time restore gets the moment the point stands for).
 */
function snapshotByCommand(m, l, id, command) {
    const file = pointFile(l, id, 'command');
    const text = fillPoint(command, { release: id, file, time: '{time}' });
    return [
        stepMark(m, 'restore point'),
        mkdirs(l.points),
        raw('SLIPWAY_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ); export SLIPWAY_TIME; slipway_t0=$(date +%s%N)'),
        sh `slipway_cmd=${text}; slipway_cmd=\${slipway_cmd//'{time}'/$SLIPWAY_TIME}`,
        inDir(l.root, raw('eval "$slipway_cmd"')),
        sh `slipway_ms=$(( ($(date +%s%N) - slipway_t0) / 1000000 )); slipway_size=$(stat -c %s ${file} 2>/dev/null || echo 0)`,
        sh `point=$(printf '{"engine":"command","file":"%s","size":%s,"at":"%s","ms":%s}' ${file} "$slipway_size" "$SLIPWAY_TIME" "$slipway_ms")`,
        dataMark(m, 'point', raw('$point'))
    ];
}
/** The built-in provider's argument for the driver's tracked migrate run: where the point goes, and its data prefix. */
function builtinPoint(m, l, id) {
    return { base: pointBase(l, id), prefix: dataPrefix(m, 'point') };
}
/**
 * Restores `point` (taken before release `id`), then runs `onOk` (records) only when it worked; reports data
 * `restored` either way. The built-in provider runs in release `appRelease` (it boots the app to read its config).
 */
function restorePointCommands(m, l, id, point, provider, driver, appRelease, onOk) {
    const label = stepMark(m, `restore the database to the point taken before ${id} (${point.at})`);
    if (provider.kind === 'command') {
        const run = inDir(l.root, raw(fillPoint(provider.restore, { release: id, file: point.file, time: point.at })));
        const said = (ok) => [sh `restored=${JSON.stringify(ok ? { ok, engine: 'command' } : { ok, error: 'db.restore failed (its output is above)' })}`, dataMark(m, 'restored', raw('$restored'))];
        return [label, when(run, [...said(true), ...onOk], said(false))];
    }
    if (!driver?.restorePoint)
        throw new Error('the built-in restore needs the Laravel migration driver (migrate.preset: laravel)');
    const restore = driver.restorePoint(point.file, Object.keys(point.tables ?? {}), dataPrefix(m, 'restored'));
    return [label, when(inDir(releaseDir(l, appRelease), restore), onOk)];
}
/** Reads data `point`. */
function readPoint(line) {
    if (!line)
        return undefined;
    const p = JSON.parse(line);
    if (p.error)
        return { error: p.error };
    if (p.skipped)
        return { skipped: p.skipped };
    return { point: { engine: p.engine, file: p.file, size: Number(p.size ?? 0), at: p.at, ms: Number(p.ms ?? 0), ...(p.tables ? { tables: p.tables } : {}) } };
}
/** Reads data `restored` (the last line). */
function readRestore(lines) {
    const line = lines?.[lines.length - 1];
    return line ? JSON.parse(line) : undefined;
}

/** Release history on the host: one JSON record per release, plus an audit log. */
/** The states a release may move to from each state (staying is always allowed: a note or migrations change). */
const NEXT = {
    building: ['ready', 'failed'],
    ready: ['live', 'failed', 'prepared'],
    prepared: ['live', 'failed'],
    live: ['healthy', 'failed', 'rolled-back'],
    healthy: ['rolled-back', 'failed'],
    'rolled-back': [],
    failed: []
};
/** The record moved to `state` (with the given changes); throws on a transition the lifecycle does not allow. */
function advance(r, state, changes = {}) {
    if (state !== r.state && !NEXT[r.state].includes(state))
        throw new Error(`release ${r.id} cannot go from ${r.state} to ${state}`);
    return { ...r, ...changes, state };
}
/** Writes (or replaces) a release record atomically: the only writer of release records. */
function writeRecord(l, record) {
    return writeFile(recordFile(l, record.id), JSON.stringify(record));
}
/** Appends a line to the host's audit log. */
function audit(l, line) {
    return appendLine(l.audit, line);
}
/** Reports every release record, the `current` target and the lock owner as data lines. */
function readState(m, l) {
    return [
        // Shell builtins only (`read`, not `cat`): the one process this starts is `readlink`, where there is a current.
        sh `for f in ${l.records}/*.json; do [ -e "$f" ] || continue; IFS= read -r rec < "$f" || true; ${dataMark(m, 'record', raw('$rec'))}; done`,
        raw('live='),
        when(sh `[ -L ${l.current} ]`, [sh `live=$(readlink ${l.current})`, dataMark(m, 'current', raw('$live'))]),
        when(sh `[ -d ${l.lock} ]`, [readFirstLine('holder', `${l.lock}/owner.json`), dataMark(m, 'lock', raw('$holder'))]),
        sh `for f in ${l.journal}/*.log; do [ -e "$f" ] || continue; ${dataMark(m, 'journal', raw(`$(basename "$f" .log) $(grep -a -m1 -o 'data:before:.*' "$f" | cut -c13- | base64 -w0)`))}; done`
    ];
}
/** Parses the data lines of {@link readState}. */
function parseState(data) {
    const records = (data.record ?? []).map((line) => JSON.parse(line)).map((r) => ({ ...r, id: releaseIdFrom(r.id) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const target = data.current?.[0];
    const journals = Object.fromEntries((data.journal ?? []).map((line) => [releaseIdFrom(line.split(' ')[0]), Buffer.from(line.split(' ')[1] ?? '', 'base64').toString('utf8')]));
    return { records, current: target ? releaseIdFrom(target) : undefined, lock: data.lock?.[0], manifest: data.manifest ?? [], dirs: data.dir, journals };
}

/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
/** Name of the upload list inside the tar stream. */
const UPLOAD_LIST = '.slipway-upload.tsv';
/** Name of the new release's directory digests inside the tar stream (kept as {@link dirsFile}). */
const DIRS_LIST = '.slipway-dirs.tsv';
/** Where a release's manifest is kept. */
function manifestFile(l, id) {
    return posix.join(l.meta, 'manifests', `${id}.tsv`);
}
/** Where a release's directory digests are kept (`dir \t digest` per directory of its manifest). */
function dirsFile(l, id) {
    return posix.join(l.meta, 'manifests', `${id}.dirs`);
}
/**
 * Unchanged paths at or above this count are copied by two tar pipelines at once (by directory): creating files is
 * the copy's cost (open with O_CREAT, ~50 µs a file on ext4) and two processes create them on two cores. Below it
 * the second pipeline's processes would cost more than they save. The directories are made first, by one tar: a tar
 * that finds a directory it is to create already made by the other one (made on the way to a file) may remove it
 * again, under that file (seen as "Cannot open: No such file or directory" as a non-root user).
 */
const SPLIT_COPY = 2000;
/**
 * After unpacking: copy unchanged entries from `previous` (when given) and write this release's manifest. `split`
 * (decided by the runner, which knows how many paths stay the same: {@link SPLIT_COPY}) copies them in two halves,
 * after their directories; only for trees whose directories all let their owner write (a tar makes a directory
 * with its final mode at its end, and the other tars then write into it).
 */
function completeUpload(l, id, previous, split = false) {
    const dir = releaseDir(l, id);
    const list = posix.join(dir, UPLOAD_LIST);
    const keep = posix.join(dir, '.slipway-keep.tsv');
    const out = manifestFile(l, id);
    const tab = raw(`$'\\t'`);
    const dirs = cmd('mv', '-f', posix.join(dir, DIRS_LIST), dirsFile(l, id));
    if (!previous) {
        return [mkdirs(posix.dirname(out)), sh `awk -F'\\t' 'NF && $1 != "X"' ${list} > ${out}`, dirs, cmd('rm', '-f', list)];
    }
    const copy = (paths) => sh `(cd ${releaseDir(l, previous)} && tar -c -f - --no-recursion --verbatim-files-from -T ${paths}) | tar -x -f - -C ${dir} --no-same-owner`;
    // The live release's lines not in the upload list are kept (to a file), and their paths copied.
    // (File names go to awk through the environment: -v would read backslashes in them as escapes.)
    const kept = (print, env = '') => sh `K=${keep} ${raw(env)}awk -F'\\t' ${`NR==FNR { seen[$4] = 1; next } !($4 in seen) { print > ENVIRON["K"]; ${print} }`} ${list} ${manifestFile(l, previous)}`;
    const part = (name) => raw(`"$P"${name}`);
    const copies = split
        ? [
            sh `P=${posix.join(dir, '.slipway-copy')}; : > "$P"d; : > "$P"0; : > "$P"1`,
            // The directories to list d; the rest of a directory's paths all to one half (two tars never create files in
            // one directory): a directory seen for the first time goes to the half with fewer paths so far.
            kept('if ($1 == "D") { print $4 > (ENVIRON["P"] "d"); next } d = $4; if (!sub(/\\/[^\\/]*$/, "", d)) d = "."; if (!(d in h)) h[d] = (n[0] > n[1]); n[h[d]]++; print $4 > (ENVIRON["P"] h[d])', 'P="$P" '),
            copy(part('d')),
            sh `{ ${copy(part('0'))}; } & p0=$!; ${copy(part('1'))} && s1=0 || s1=$?; wait "$p0" && s0=0 || s0=$?; rm -f "$P"d "$P"0 "$P"1; [ "$s0$s1" = 00 ]`
        ]
        : [sh `${kept('print $4')} | ${copy(raw('-'))}`];
    return [
        mkdirs(posix.dirname(out)),
        ...copies,
        sh `: >> ${keep}`,
        sh `K=${keep} awk -F'\\t' 'FILENAME == ENVIRON["K"] || (NF && $1 != "X")' ${keep} ${list} | sort -t ${tab} -k4,4 > ${out}`,
        dirs,
        cmd('rm', '-f', list, keep)
    ];
}
/**
 * Reports what a delta needs of the live release's manifest. Without `digests` (or when the live release has no
 * digest file, written by an older version): every line, as data `manifest`. With the runner's own directory digests:
 * the live release's digests (data `dir`) and only the manifest lines of the directories whose digest differs from
 * the runner's, so a one-file change reads one directory's lines instead of the whole manifest.
 */
function readLiveManifest(m, l, digests) {
    const line = (key) => dataPrefix(m, key).replace(/[/&\\]/g, '\\$&');
    const all = sh `sed -e ${`s/^/${line('manifest')}/`} "$m"`;
    // The runner's digests on stdin, the host's (each printed as data), then the manifest: lines of directories whose digests differ.
    const some = [sh `printf '%s\\n' ${digests?.join('\n') ?? ''} | awk -F'\\t' -v p=${dataPrefix(m, 'manifest')} -v q=${dataPrefix(m, 'dir')} ${FILTER} - "$d" "$m"`];
    const read = digests ? [when(raw('[ -s "$d" ]'), some, [all])] : [all];
    return when(sh `[ -L ${l.current} ]`, [
        // `live` is the target readState has just read in this phase, when it has.
        sh `t=\${live:-$(readlink ${l.current})}; m=${posix.join(l.meta, 'manifests')}/"\${t##*/}".tsv; d="\${m%.tsv}.dirs"`,
        when(raw('[ -f "$m" ]'), read)
    ]);
}
/** awk: remember the runner's digests, print the host's and mark those that differ, print their directories' manifest lines. */
const FILTER = [
    'FNR == 1 { f++ }',
    'f == 1 { mine[$1] = $2; next }',
    'f == 2 { print q $0; if (mine[$1] != $2) changed[$1] = 1; next }',
    '{ dir = $4; if (!sub(/\\/[^\\/]*$/, "", dir)) dir = "."; if (dir in changed) print p $0 }'
].join(' ');

/** Step `lock`: take the deploy lock (an atomic mkdir) and read the history and the live manifest, in one round trip. */
/**
 * The lock step's commands on one host (the live manifest only where an upload follows: with the source's directory
 * digests, only the lines of the directories that differ).
 */
function lockCommands(s, owner, manifest = true, digests) {
    return [...acquire(s, s.layout, owner), ...readState(s, s.layout), ...(manifest ? [readLiveManifest(s, s.layout, digests)] : [])];
}
/** The history a lock round trip read; throws {@link LockedError} when the lock is held by another. */
function lockedState(op, s, r) {
    if (r.code === LOCKED)
        throw new LockedError(s.host.name, r.data.holder?.[0] ?? '');
    const taken = r.data.takeover?.[0];
    if (taken) {
        const [age, ...owner] = taken.split(' ');
        op.reporter.warn(`${s.host.name}: took over the deploy lock of a run that stopped without releasing it (no sign of life for ${age} s): ${describeHolder(owner.join(' '))}`);
    }
    return parseState(r.data);
}
const lock = {
    name: 'lock',
    where: 'each',
    onFailure: 'unlock',
    okCodes: [LOCKED],
    commands: (run, i) => lockCommands(run.sessions[i], run.owner, true, run.local?.digests),
    read: (run, i, r) => {
        // A host held by another run is waited for (or refused) by the next step, once every host has answered.
        run.holders[i] = r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined;
        if (r.code !== LOCKED)
            run.states[i] = lockedState(run.op, run.sessions[i], r);
    }
};

/**
 * Waiting for another run's lock (`--lock-wait <seconds>`): every few seconds each host's lock is tried again,
 * its holder named whenever it changes. Never hold-and-wait: while any host is held by another run, this run
 * holds none (so two multi-host runs cannot each hold a host the other waits for). A dead holder is taken over
 * by the same acquire as ever; a cancel stops the wait.
 */
/** Seconds between two tries while waiting (plus up to one second of jitter, so two waiters do not keep colliding). */
const LOCK_POLL = 2;
/** The host whose lock is taken first: the first by name. */
function primaryIndex(sessions) {
    return sessions.reduce((best, s, i) => (s.host.name < sessions[best].host.name ? i : best), 0);
}
/**
 * The fleet lock order: `attempt` runs on the primary host alone, and on the others (at once) only when it
 * returned true (the lock there is this run's). Two runs over the same hosts both start at the primary, so one
 * of them stops there having taken nothing: neither can hold part of the fleet that the other needs.
 */
async function inLockOrder(sessions, attempt) {
    if (sessions.length < 2) {
        await onEach(sessions, attempt);
        return;
    }
    const primary = primaryIndex(sessions);
    if (!(await attempt(sessions[primary], primary)))
        return;
    await onEach(sessions, (s, i) => (i === primary ? Promise.resolve(true) : attempt(s, i)));
}
/** Tries the lock on every host, the primary first; a host not tried has no result. */
async function tryAll(op, sessions, owner, manifest) {
    const results = sessions.map(() => undefined);
    await inLockOrder(sessions, async (s, i) => {
        const r = await runPhase(s, op.spec, op.reporter, 'lock', lockCommands(s, owner, manifest), { okCodes: [LOCKED] });
        results[i] = r;
        return r.code !== LOCKED;
    });
    return results;
}
/** Who holds each host's lock, from a lock round trip. */
function holdersOf(results) {
    return results.map((r) => (r === undefined ? null : r.code === LOCKED ? r.data.holder?.[0] ?? '' : undefined));
}
/** Takes the lock on every host and reads its history, waiting up to `op.lockWait` s for a live holder. */
async function lockHosts(op, sessions, owner, manifest = true) {
    const results = await tryAll(op, sessions, owner, manifest);
    const holders = holdersOf(results);
    if (holders.every((h) => h === undefined))
        return results.map((r, i) => lockedState(op, sessions[i], r));
    return waitForLocks(op, sessions, owner, holders, manifest);
}
/**
 * Given the holders a first try found, waits until every host's lock is this run's and returns the histories
 * read then. Throws {@link LockedError} naming the holder when `op.lockWait` runs out (at once when it is 0),
 * {@link Cancelled} when the operation is cancelled while waiting; the caller then releases what this run holds.
 */
async function waitForLocks(op, sessions, owner, first, manifest = true) {
    const started = Date.now();
    let holders = first;
    let told = [];
    for (;;) {
        const waited = Math.round((Date.now() - started) / 1000);
        const at = holders.findIndex((h) => typeof h === 'string');
        const left = started + op.lockWait * 1000 - Date.now();
        if (left <= 0)
            throw new LockedError(sessions[at].host.name, holders[at], op.lockWait ? waited : 0);
        if (op.signal?.aborted)
            throw new Cancelled(String(op.signal.reason ?? 'abort'));
        await releaseLocks(op, sessions, owner);
        holders.forEach((h, i) => {
            if (typeof h === 'string' && h !== told[i])
                op.reporter.info(`${sessions[i].host.name}: the deploy lock is held by ${describeHolder(h)}; waiting for it (up to ${op.lockWait} s, ${waited} s so far)`);
        });
        told = holders;
        await setTimeout(Math.min(LOCK_POLL * 1000 + Math.random() * 1000, left), undefined, { signal: op.signal }).catch(() => undefined);
        if (op.signal?.aborted)
            throw new Cancelled(String(op.signal.reason ?? 'abort'));
        const results = await tryAll(op, sessions, owner, manifest);
        holders = holdersOf(results);
        if (holders.every((h) => h === undefined)) {
            op.reporter.info(`took the deploy lock after waiting ${Math.round((Date.now() - started) / 1000)} s`);
            return results.map((r, i) => lockedState(op, sessions[i], r));
        }
    }
}

/**
 * A driver for any framework from three commands: `run`, `status` (prints one applied migration
 * name per line, oldest first) and `step_back` (with {count} and {migrations} filled in).
 */
/** Builds a driver from user commands. Without `status` nothing can be tracked, so nothing is stepped back. */
function customDriver(c) {
    return {
        name: 'custom',
        // The status lines travel base64-encoded on one line; without batches, every name is batch 0.
        state: () => (c.status ? sh `(${raw(c.status)}) | base64 -w0` : raw('true')),
        parse: (line) => ({ ran: Buffer.from(line ?? '', 'base64').toString('utf8').split('\n').map((n) => n.trim()).filter(Boolean).map((n) => [n, 0]), pending: [], undo: {} }),
        run: () => raw(c.run),
        hasPending: () => raw('true'),
        stepBack: (names) => raw((c.step_back ?? 'false').replaceAll('{count}', String(names.length)).replaceAll('{migrations}', render(cmd(...names))))
    };
}

/**
 * The PHP half of the schema snapshot, appended to the Laravel probe (laravel-php.ts): `slipway_schema($db, $count)`
 * reads the tables, columns (type, nullability, default), indexes and foreign keys of the app's own connection — from
 * sqlite_master and its pragmas on SQLite, information_schema and pg_catalog on PostgreSQL, information_schema on
 * MySQL/MariaDB — as {driver, tables: {name: {rows?, columns, indexes, foreign_keys}}} (the `Schema` type in
 * schema.ts). Rows are counted only in tables not named in `$count` (the tables a failed migration added), so a
 * snapshot never scans the live tables. A snapshot that cannot be read is {driver, error}. No decision is taken here:
 * the runner compares snapshots (schema.ts) and sends the statements to run (`slipway_exec`).
 */
const SCHEMA_PHP = String.raw `
function slipway_schema_sql($d) {
  if ($d === 'sqlite') { return [
    "select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%'",
    "select m.name as t, p.name as c, p.type as type, p.\"notnull\" = 0 as n, p.dflt_value as def from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, p.cid",
    "select m.name as t, l.name as i, l.\"unique\" as u, l.origin <> 'c' as k, f.name as c from sqlite_master m join pragma_index_list(m.name) l join pragma_index_info(l.name) f where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, l.name, f.seqno",
    "select m.name as t, '(' || group_concat(f.\"from\") || ') ' || f.\"table\" as i, group_concat(f.\"from\") as c, f.\"table\" as rt, group_concat(f.\"to\") as rc from sqlite_master m join pragma_foreign_key_list(m.name) f where m.type = 'table' and m.name not like 'sqlite_%' group by m.name, f.id order by m.name, f.id"]; }
  if ($d === 'pgsql') { return [
    "select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    "select c.table_name as t, c.column_name as c, c.data_type || coalesce('(' || c.character_maximum_length || ')', '') as type, c.is_nullable = 'YES' as n, c.column_default as def from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE' where c.table_schema = current_schema() order by c.table_name, c.ordinal_position",
    "select t.relname as t, i.relname as i, x.indisunique as u, exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = t.oid and k.contype in ('p', 'u', 'x')) as k, coalesce(a.attname, 'expression') as c from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace cross join lateral unnest(x.indkey::int2[]) with ordinality as u(num, ord) left join pg_attribute a on a.attrelid = t.oid and a.attnum = u.num where n.nspname = current_schema() order by t.relname, i.relname, u.ord",
    "select t.relname as t, k.conname as i, a.attname as c, r.relname as rt, ra.attname as rc from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_namespace n on n.oid = k.connamespace join pg_class r on r.oid = k.confrelid cross join lateral unnest(k.conkey, k.confkey) with ordinality as u(a1, a2, ord) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.a1 join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = u.a2 where k.contype = 'f' and n.nspname = current_schema() order by t.relname, k.conname, u.ord"]; }
  return [
    "select table_name as t from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'",
    "select table_name as t, column_name as c, column_type as type, is_nullable = 'YES' as n, column_default as def from information_schema.columns where table_schema = database() order by table_name, ordinal_position",
    "select table_name as t, index_name as i, non_unique = 0 as u, index_name = 'PRIMARY' as k, column_name as c from information_schema.statistics where table_schema = database() order by table_name, index_name, seq_in_index",
    "select table_name as t, constraint_name as i, column_name as c, referenced_table_name as rt, referenced_column_name as rc from information_schema.key_column_usage where table_schema = database() and referenced_table_name is not null order by table_name, constraint_name, ordinal_position"];
}
function slipway_quote($d, $name) { $q = in_array($d, ['mysql', 'mariadb'], true) ? '${'`'}' : '"'; return $q . str_replace($q, $q . $q, $name) . $q; }
function slipway_schema($db, $count = null) {
  $d = $db->getDriverName();
  try {
    $rows = [];
    foreach (slipway_schema_sql($d) as $sql) { $rows[] = array_map(function ($r) { return array_change_key_case((array) $r); }, $db->select($sql)); }
    [$tables, $columns, $indexes, $fks] = $rows;
    $s = [];
    foreach ($tables as $r) { $s[$r['t']] = ['columns' => new stdClass(), 'indexes' => new stdClass(), 'foreign_keys' => new stdClass()]; }
    foreach ($columns as $r) { if (isset($s[$r['t']])) { $s[$r['t']]['columns']->{$r['c']} = ['type' => (string) $r['type'], 'nullable' => (bool) $r['n'], 'default' => $r['def'] === null ? null : (string) $r['def']]; } }
    foreach ($indexes as $r) {
      if (!isset($s[$r['t']])) { continue; }
      $i = $s[$r['t']]['indexes']->{$r['i']} ?? ['columns' => [], 'unique' => (bool) $r['u'], 'constraint' => (bool) $r['k']];
      $i['columns'][] = (string) $r['c'];
      $s[$r['t']]['indexes']->{$r['i']} = $i;
    }
    foreach ($fks as $r) {
      if (!isset($s[$r['t']])) { continue; }
      $f = $s[$r['t']]['foreign_keys']->{$r['i']} ?? ['columns' => [], 'table' => $r['rt'], 'references' => []];
      foreach (explode(',', (string) $r['c']) as $c) { $f['columns'][] = $c; }
      foreach (explode(',', (string) $r['rc']) as $c) { $f['references'][] = $c; }
      $s[$r['t']]['foreign_keys']->{$r['i']} = $f;
    }
    if ($count !== null) {
      foreach (array_diff(array_keys($s), $count) as $t) { $s[$t]['rows'] = (int) $db->selectOne('select count(*) as n from ' . slipway_quote($d, $t))->n; }
    }
    ksort($s);
    return ['driver' => $d, 'tables' => (object) $s];
  } catch (Throwable $e) {
    return ['driver' => $d, 'error' => get_class($e) . ': ' . $e->getMessage()];
  }
}
function slipway_exec($db, $prefix, $statements) {
  foreach ($statements as $i => $sql) {
    try { $db->statement($sql); echo $prefix, "ok $i\n"; }
    catch (Throwable $e) { echo $prefix, "failed $i ", base64_encode($e->getMessage()), "\n"; }
  }
}
`;

/**
 * The PHP that Slipway runs in a Laravel release (php -r) to read the `migrations` table and inspect
 * migration classes. It boots the app with its own config, so it sees the same database artisan uses.
 *
 *   php -r CODE state            prints the state as one JSON line
 *   php -r CODE point-restore FILE TABLES PREFIX   restores a built-in restore point (point-php.ts)
 *   php -r CODE migrate BEFORE AFTER [POINT PREFIX]   with POINT (a path without extension), takes a restore point there
 *                                when something is pending, before migrating, and prints it after PREFIX; then prints BEFORE.state (BEFORE is the data-line prefix), runs Laravel's own `migrate --force`
 *                                in the same process (one framework boot, not three) when something is
 *                                pending, prints AFTER.state, and exits with migrate's code (prefixes from src/commands/protocol.ts);
 *                                with SCHEMA, a prefix too, it also prints the schema before migrating
 *                                (`SCHEMA before <json>`) and, when migrate fails, the schema as the failed
 *                                migration started (`start`) and as it left it (`after`)
 *   php -r CODE schema PREFIX LABEL    prints `PREFIX LABEL <json>`, the schema now (schema-php.ts)
 *   php -r CODE exec PREFIX SQL...     runs each statement, printing `PREFIX ok <i>` or `PREFIX failed <i> <base64 message>`
 *   php -r CODE rollback-batch B       steps back what of batch B is applied (B the newest, else exits 1; nothing when none is)
 *
 * Boots the Laravel 8-10 layout (bootstrap/app.php binds App\Console\Kernel) and the 11+ one
 * (Application::configure()->create(), no console Kernel class of the app's own) the same way: through the
 * Console Kernel contract. A release without vendor/autoload.php or bootstrap/app.php exits 3 with a
 * `slipway: vendor/autoload.php is missing in the release: run composer install in build (in <dir>)` line on stderr instead of a PHP fatal error.
 *
 * A state is {version, driver, ran: [[name, batch]...], pending: [names], undo: {name: "ok"|"none"|"empty"}}
 * where `undo` says, for each migration file in this release (applied or pending), whether its down() can undo it.
 */
const LARAVEL_PHP = String.raw `${SCHEMA_PHP}
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
foreach (['vendor/autoload.php' => 'run composer install in build', 'bootstrap/app.php' => 'check source.dir and source.exclude in the spec'] as $need => $fix) {
  if (!is_file(getcwd() . '/' . $need)) { fwrite(STDERR, "slipway: $need is missing in the release: $fix (in " . getcwd() . ")\n"); exit(3); }
}
require getcwd() . '/vendor/autoload.php';
$app = require getcwd() . '/bootstrap/app.php';
if (!$app instanceof Illuminate\Foundation\Application) { fwrite(STDERR, "slipway: bootstrap/app.php did not return the application (Laravel 8-10: return \$app; 11+: Application::configure(...)->create())\n"); exit(3); }
$kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
$kernel->bootstrap();
function slipway_class($name, $file) {
  static $seen = [];
  if (isset($seen[$name])) { return $seen[$name]; }
  if (preg_match('/return\s+new\s+class\b/', file_get_contents($file))) { return $seen[$name] = new ReflectionClass(require $file); }
  $class = Illuminate\Support\Str::studly(implode('_', array_slice(explode('_', $name), 4)));
  if (!class_exists($class, false)) { require_once $file; }
  return $seen[$name] = class_exists($class, false) ? new ReflectionClass($class) : null;
}
function slipway_undo(ReflectionClass $r) {
  if (!$r->hasMethod('down') || $r->getMethod('down')->getDeclaringClass()->getName() !== $r->getName()) { return 'none'; }
  $m = $r->getMethod('down');
  $src = implode('', array_slice(file($m->getFileName()), $m->getStartLine() - 1, $m->getEndLine() - $m->getStartLine() + 1));
  $body = substr($src, strpos($src, '{') + 1, strrpos($src, '}') - strpos($src, '{') - 1);
  $body = preg_replace('~//[^\n]*|#[^\n\[]*|/\*.*?\*/~s', '', $body);
  return trim($body) === '' ? 'empty' : 'ok';
}
function slipway_state($app) {
  $db = $app['db']->connection();
  $files = [];
  foreach (glob($app->databasePath('migrations') . '/*.php') as $f) { $files[basename($f, '.php')] = $f; }
  ksort($files);
  $ran = [];
  if ($db->getSchemaBuilder()->hasTable('migrations')) {
    foreach ($db->table('migrations')->orderBy('batch')->orderBy('migration')->get() as $row) { $ran[] = [$row->migration, (int) $row->batch]; }
  }
  $done = array_column($ran, 0);
  $undo = [];
  foreach ($files as $name => $file) {
    $r = slipway_class($name, $file);
    if ($r) { $undo[$name] = slipway_undo($r); }
  }
  return ['version' => $app->version(), 'driver' => $db->getDriverName(), 'ran' => $ran, 'pending' => array_values(array_diff(array_keys($files), $done)), 'undo' => $undo];
}
if (($argv[1] ?? '') === 'point-restore') { exit(slipway_restore($app, $argv)); }
if (($argv[1] ?? 'state') === 'state') { echo json_encode(slipway_state($app)), "\n"; exit(0); }
if ($argv[1] === 'schema') { echo $argv[2], $argv[3], ' ', json_encode(slipway_schema($app['db']->connection())), "\n"; exit(0); }
if ($argv[1] === 'exec') { slipway_exec($app['db']->connection(), $argv[2], array_slice($argv, 3)); exit(0); }
if ($argv[1] === 'rollback-batch') {
  $db = $app['db']->connection();
  $batch = (int) $argv[2];
  $newest = $db->getSchemaBuilder()->hasTable('migrations') ? (int) $db->table('migrations')->max('batch') : 0;
  if ($newest > $batch) { fwrite(STDERR, "slipway: batch $batch is not the newest ($newest): not stepped back\n"); exit(1); }
  $count = $newest === $batch ? $db->table('migrations')->where('batch', $batch)->count() : 0;
  if ($count === 0) { echo "nothing of batch $batch is applied\n"; exit(0); }
  exit($kernel->call('migrate:rollback', ['--step' => $count, '--force' => true], new Symfony\Component\Console\Output\ConsoleOutput()));
}
$before_prefix = $argv[2];
$after_prefix = $argv[3];
$schema_prefix = ($argv[4] ?? '') !== '' ? $argv[4] : null;
$before = slipway_state($app);
echo $before_prefix, json_encode($before), "\n";
$code = 0;
if ($before['pending'] && ($argv[5] ?? '') !== '') {
  try { echo $argv[6], json_encode(slipway_point($app['db']->connection(), $argv[5])), "\n"; }
  catch (Throwable $e) { echo $argv[6], json_encode(['error' => get_class($e) . ': ' . $e->getMessage()]), "\n"; echo $after_prefix, json_encode($before), "\n"; exit(4); }
}
if ($before['pending']) {
  $start = null;
  if ($schema_prefix !== null) {
    echo $schema_prefix, 'before ', json_encode(slipway_schema($app['db']->connection())), "\n";
    $app['events']->listen(Illuminate\Database\Events\MigrationStarted::class, function () use ($app, &$start) { $start = slipway_schema($app['db']->connection()); });
  }
  try {
    $code = $kernel->call('migrate', ['--force' => true], new Symfony\Component\Console\Output\ConsoleOutput());
  } catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    $code = 1;
  }
  $app['db']->purge();
  if ($code !== 0 && $start !== null) {
    echo $schema_prefix, 'start ', json_encode($start), "\n";
    echo $schema_prefix, 'after ', json_encode(slipway_schema($app['db']->connection(), isset($start['tables']) ? array_keys((array) $start['tables']) : null)), "\n";
  }
  echo $after_prefix, json_encode(slipway_state($app)), "\n";
} else {
  echo $after_prefix, json_encode($before), "\n";
}
exit($code);
`;

/**
 * The PHP of the built-in restore points, appended to the Laravel probe (LARAVEL_PHP; PHP binds these top-level
 * functions before the probe's code runs). It reads the connection from the app's own config (the default
 * connection, as artisan migrate uses it) and never needs a `sqlite3` binary:
 *
 *   SQLite      SQLite3::backup (the online backup API: consistent while the app writes); rows counted in the copy
 *   PostgreSQL  pg_dump -Fc --snapshot=<exported snapshot>: rows counted in that same snapshot
 *   MariaDB     mysqldump --single-transaction --quick (mariadb-dump where installed); rows counted in a consistent
 *               snapshot taken just before the dump's own
 *
 * Restoring drops the tables the point does not hold (created since), then loads the point: SQLite3::backup onto
 * the live file, pg_restore --clean --if-exists --single-transaction, the dump piped to mysql. Rows are counted per
 * table just before and just after, so what the restore discards is counted, not assumed.
 */
const POINT_PHP = String.raw `
function slipway_engine($driver) {
  return $driver === 'sqlite' ? 'sqlite' : ($driver === 'pgsql' ? 'pgsql' : (in_array($driver, ['mysql', 'mariadb'], true) ? 'mysql' : null));
}
function slipway_id($engine, $name) {
  $q = $engine === 'mysql' ? chr(96) : '"';
  return $q . str_replace($q, $q . $q, $name) . $q;
}
function slipway_counts(PDO $pdo, $engine) {
  $sql = $engine === 'sqlite' ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
    : ($engine === 'pgsql' ? 'select tablename from pg_tables where schemaname = current_schema() order by tablename'
    : "select table_name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by table_name");
  $out = [];
  foreach ($pdo->query($sql)->fetchAll(PDO::FETCH_COLUMN) as $t) { $out[$t] = (int) $pdo->query('select count(*) from ' . slipway_id($engine, $t))->fetchColumn(); }
  return $out;
}
function slipway_tool(array $names, $package) {
  foreach ($names as $n) { foreach (explode(':', getenv('PATH') ?: '/usr/bin:/bin') as $d) { if ($d !== '' && is_executable("$d/$n")) { return "$d/$n"; } } }
  throw new RuntimeException(implode(' or ', $names) . " is not installed on the host: install $package, or set db.restore_points: off in the spec");
}
function slipway_run_tool(array $cmd, array $env, $stdin = '/dev/null') {
  $p = proc_open($cmd, [0 => ['file', $stdin, 'r'], 1 => STDERR, 2 => STDERR], $pipes, null, array_merge(getenv(), $env));
  $code = proc_close($p);
  if ($code !== 0) { throw new RuntimeException(basename($cmd[0]) . " exited with $code"); }
}
function slipway_host(array $c, $default) { return is_array($c['host'] ?? null) ? $c['host'][0] : ($c['host'] ?? $default); }
function slipway_pg_env(array $c) {
  return ['PGHOST' => (string) slipway_host($c, '127.0.0.1'), 'PGPORT' => (string) ($c['port'] ?? 5432), 'PGUSER' => (string) ($c['username'] ?? ''), 'PGPASSWORD' => (string) ($c['password'] ?? ''), 'PGDATABASE' => (string) $c['database']];
}
function slipway_my_args(array $c) {
  $where = empty($c['unix_socket']) ? ['--host=' . slipway_host($c, '127.0.0.1'), '--port=' . ($c['port'] ?? 3306)] : ['--socket=' . $c['unix_socket']];
  return array_merge(['--user=' . ($c['username'] ?? 'root')], $where);
}
function slipway_sqlite_copy($from, $to, $fresh) {
  $src = new SQLite3($from, SQLITE3_OPEN_READONLY);
  $dst = new SQLite3($to);
  $src->busyTimeout(10000);
  $dst->busyTimeout(10000);
  if ($fresh) { $dst->exec('pragma journal_mode = off'); }
  if (!$src->backup($dst)) { throw new RuntimeException('SQLite3::backup failed: ' . $src->lastErrorMsg() . ' / ' . $dst->lastErrorMsg()); }
  $src->close();
  $dst->close();
}
function slipway_take($db, $engine, array $c, $file) {
  if ($engine === 'sqlite') { @unlink($file); slipway_sqlite_copy($c['database'], $file, true); return slipway_counts(new PDO('sqlite:' . $file), 'sqlite'); }
  $pdo = $db->getPdo();
  if ($engine === 'pgsql') {
    $pdo->exec('begin isolation level repeatable read');
    $snapshot = $pdo->query('select pg_export_snapshot()')->fetchColumn();
    try {
      $tables = slipway_counts($pdo, 'pgsql');
      slipway_run_tool([slipway_tool(['pg_dump'], 'postgresql-client'), '-Fc', '--no-owner', '--snapshot=' . $snapshot, '-f', $file], slipway_pg_env($c));
    } finally { $pdo->exec('commit'); }
    return $tables;
  }
  $pdo->exec('start transaction with consistent snapshot');
  $tables = slipway_counts($pdo, 'mysql');
  $pdo->exec('commit');
  $dump = slipway_tool(['mariadb-dump', 'mysqldump'], 'mariadb-client (or mysql-client)');
  slipway_run_tool(array_merge([$dump, '--single-transaction', '--quick', '--no-tablespaces', '--result-file=' . $file], slipway_my_args($c), [$c['database']]), ['MYSQL_PWD' => (string) ($c['password'] ?? '')]);
  return $tables;
}
function slipway_point($db, $base) {
  $engine = slipway_engine($db->getDriverName());
  if ($engine === null) { return ['skipped' => 'no built-in restore point for ' . $db->getDriverName() . ': set db.snapshot and db.restore in the spec']; }
  $c = $db->getConfig();
  $file = $base . '.' . ['sqlite' => 'sqlite', 'pgsql' => 'pgdump', 'mysql' => 'sql'][$engine];
  if (!is_dir(dirname($file)) && !mkdir(dirname($file), 0700, true)) { throw new RuntimeException('cannot create ' . dirname($file)); }
  $at = gmdate('Y-m-d\TH:i:s\Z');
  $t0 = microtime(true);
  $tables = slipway_take($db, $engine, $c, $file);
  clearstatcache();
  return ['engine' => $engine, 'file' => $file, 'size' => filesize($file), 'at' => $at, 'ms' => (int) round((microtime(true) - $t0) * 1000), 'tables' => (object) $tables];
}
function slipway_load($app, $engine, array $c, $file, array $keep, array $now) {
  if ($engine === 'sqlite') { $app['db']->purge(); slipway_sqlite_copy($file, $c['database'], false); return; }
  $pdo = $app['db']->connection()->getPdo();
  if ($engine === 'mysql') { $pdo->exec('set foreign_key_checks = 0'); }
  foreach (array_diff(array_keys($now), $keep) as $t) { $pdo->exec('drop table if exists ' . slipway_id($engine, $t) . ($engine === 'pgsql' ? ' cascade' : '')); }
  if ($engine === 'pgsql') { slipway_run_tool([slipway_tool(['pg_restore'], 'postgresql-client'), '--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '-d', $c['database'], $file], slipway_pg_env($c)); return; }
  $pdo->exec('set foreign_key_checks = 1');
  slipway_run_tool(array_merge([slipway_tool(['mariadb', 'mysql'], 'mariadb-client (or mysql-client)')], slipway_my_args($c), [$c['database']]), ['MYSQL_PWD' => (string) ($c['password'] ?? '')], $file);
}
function slipway_restore($app, $argv) {
  try {
    [$file, $keep, $prefix] = [$argv[2], json_decode($argv[3], true) ?: [], $argv[4]];
    $db = $app['db']->connection();
    $engine = slipway_engine($db->getDriverName());
    if ($engine === null) { throw new RuntimeException('no built-in restore for ' . $db->getDriverName()); }
    if (!is_file($file)) { throw new RuntimeException("the restore point $file is not on the host"); }
    $t0 = microtime(true);
    $before = slipway_counts($db->getPdo(), $engine);
    slipway_load($app, $engine, $db->getConfig(), $file, $keep, $before);
    $app['db']->purge();
    $after = slipway_counts($app['db']->connection()->getPdo(), $engine);
    echo $prefix, json_encode(['ok' => true, 'engine' => $engine, 'before' => (object) $before, 'after' => (object) $after, 'ms' => (int) round((microtime(true) - $t0) * 1000)]), "\n";
    return 0;
  } catch (Throwable $e) {
    echo $argv[4], json_encode(['ok' => false, 'error' => get_class($e) . ': ' . $e->getMessage()]), "\n";
    return 1;
  }
}
`;

/** Parses a JSON state line; throws with the text when it is not the expected JSON. */
function parseJsonState(line) {
    try {
        const s = JSON.parse(line ?? '');
        return { version: s.version, driver: s.driver, ran: s.ran ?? [], pending: s.pending ?? [], undo: s.undo ?? {} };
    }
    catch {
        throw new Error(`could not read the migration state (got: ${JSON.stringify((line ?? '').slice(0, 300))})`);
    }
}

/** The Laravel migration driver: artisan to run and step back, a PHP probe to read the migrations table. */
/** Laravel 10+ can roll back one batch by number; older versions count steps. */
function supportsBatchRollback(version) {
    return Number((version ?? '0').split('.')[0]) >= 10;
}
/** The artisan arguments that step back `names` (batch `batch`), and a sentence saying why, from the version read on the host. */
function stepBackArgs(names, batch, version) {
    const laravel = version ? `Laravel ${version}` : 'Laravel (version not read)';
    if (supportsBatchRollback(version)) {
        const args = ['migrate:rollback', `--batch=${batch}`, '--force', '--no-interaction'];
        return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (10+ rolls back one batch by its number)` };
    }
    const args = ['migrate:rollback', `--step=${names.length}`, '--force', '--no-interaction'];
    return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (no --batch before 10: the newest ${names.length}, checked to be exactly batch ${batch})` };
}
/** Builds the Laravel driver. */
function laravelDriver(options = {}) {
    const php = options.php ?? 'php';
    return {
        name: 'laravel',
        parse: parseJsonState,
        hasPending: (variable) => raw(`[[ "$${variable}" != *'"pending":[]'* ]]`),
        state: () => cmd(php, '-r', LARAVEL_PHP, 'state'),
        ...(options.run ? {} : { runTracked: (before, after, schema, point) => cmd(php, '-r', point ? LARAVEL_PHP + POINT_PHP : LARAVEL_PHP, 'migrate', before, after, schema ?? '', ...(point ? [point.base, point.prefix] : [])) }),
        snapshot: (prefix, label) => cmd(php, '-r', LARAVEL_PHP, 'schema', prefix, label),
        exec: (prefix, statements) => cmd(php, '-r', LARAVEL_PHP, 'exec', prefix, ...statements),
        restorePoint: (file, tables, prefix) => cmd(php, '-r', LARAVEL_PHP + POINT_PHP, 'point-restore', file, JSON.stringify(tables), prefix),
        run: () => (options.run ? raw(options.run) : cmd(php, 'artisan', 'migrate', '--force', '--no-interaction')),
        stepBack: (names, batch, state) => cmd(php, 'artisan', ...stepBackArgs(names, batch, state.version).args),
        stepBackBatch: (batch, version) => (supportsBatchRollback(version) ? cmd(php, 'artisan', ...stepBackArgs([], batch, version).args) : cmd(php, '-r', LARAVEL_PHP, 'rollback-batch', String(batch))),
        describeStepBack: (names, batch, state) => stepBackArgs(names, batch, state.version).how
    };
}

/** The spec's driver, or undefined when the spec has no migrate section. */
function driverFor(spec) {
    const m = spec.migrate;
    if (!m)
        return undefined;
    if (m.preset === 'laravel')
        return laravelDriver({ run: m.commands?.run });
    return m.commands ? customDriver(m.commands) : undefined;
}
/** Index of the host that runs migrations: migrate.on, else the first. */
function migrateHostIndex(spec) {
    const on = spec.migrate?.on;
    const i = on ? spec.hosts.findIndex((h) => h.name === on || h.host === on) : 0;
    return Math.max(0, i);
}

/** `<time> <operation> <release> by <who> [run <id>] [commit <sha>]: <outcome>` */
function auditLine(op, operation, release, commit, outcome) {
    return `${op.now().toISOString()} ${op.spec.app} ${operation} ${release} by ${op.by}${op.run ? ` run ${op.run}` : ''}${commit ? ` commit ${commit.slice(0, 12)}` : ''}: ${outcome}`;
}

export { DIRS_LIST as D, SPLIT_COPY as S, UPLOAD_LIST as U, auditLine as a, audit as b, advance as c, driverFor as d, waitForLocks as e, pointProvider as f, readPoint as g, manifestFile as h, inLockOrder as i, dirsFile as j, completeUpload as k, lockHosts as l, migrateHostIndex as m, lock as n, restorePointCommands as o, parseState as p, readRestore as q, readState as r, builtinPoint as s, snapshotByCommand as t, writeRecord as w };
