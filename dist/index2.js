import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { stat, readdir, mkdtemp, cp, symlink, mkdir, writeFile, rm, copyFile, readFile } from 'node:fs/promises';
import { resolve, join, relative, sep, basename, dirname } from 'node:path';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';

/** Bad input to the check (unknown path, bad git ref, bad config): the command exits 2 with this message. */
class CheckInputError extends Error {
    name = 'CheckInputError';
}

const SKIP$1 = new Set(['node_modules', 'vendor', '.git']);
const MIGRATION = /\.(php|sql)$/;
/** Turns an absolute path into the `/`-separated path relative to cwd that findings carry. */
function relativePath(cwd, file) {
    return relative(cwd, file).split(sep).join('/');
}
/**
 * The migration files to check, absolute and sorted: every `.php`/`.sql` file under the given paths, or by default
 * `database/migrations` and the `.sql` files under any `migrations` directory. A path that does not exist is bad input.
 */
async function collectFiles(cwd, paths) {
    const found = new Set();
    if (paths && paths.length > 0) {
        for (const p of paths) {
            const abs = resolve(cwd, p);
            const info = await stat(abs).catch(() => undefined);
            if (!info)
                throw new CheckInputError(`${p}: no such file or directory`);
            if (info.isDirectory())
                for (const f of await walk$1(abs, () => true))
                    found.add(f);
            else if (MIGRATION.test(abs))
                found.add(abs);
            else
                throw new CheckInputError(`${p}: not a .php or .sql migration`);
        }
    }
    else {
        const laravel = join(cwd, 'database', 'migrations');
        if ((await stat(laravel).catch(() => undefined))?.isDirectory())
            for (const f of await walk$1(laravel, () => true))
                found.add(f);
        for (const f of await walk$1(cwd, (dir) => dir.split(sep).includes('migrations'), '.sql'))
            found.add(f);
    }
    return [...found].sort();
}
/** The directories given on the command line (or the defaults), for matching deleted files under --base. */
function roots(cwd, paths) {
    return paths && paths.length > 0 ? paths.map((p) => relativePath(cwd, resolve(cwd, p))) : ['database/migrations', '**/migrations'];
}
async function walk$1(dir, keep, ext) {
    const out = [];
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
        const abs = join(dir, e.name);
        if (e.isDirectory()) {
            if (!SKIP$1.has(e.name))
                out.push(...await walk$1(abs, keep, ext));
        }
        else if (e.isFile() && MIGRATION.test(e.name) &&
            (!ext || e.name.endsWith(ext)) && keep(dir))
            out.push(abs);
    }
    return out;
}

let engine;
function getEngine() {
    if (!engine) {
        const Ctor = createRequire(import.meta.url)('php-parser');
        engine = new Ctor({ parser: { extractDoc: true, version: '8.3' }, ast: { withPositions: true }, lexer: { short_tags: false } });
    }
    return engine;
}
/** Parses PHP source with php-parser (positions on); a syntax error is returned, not thrown. */
function parsePhp(code, file) {
    try {
        const ast = getEngine().parseCode(code, file);
        const comments = nodes(ast, 'comments').map((c) => ({
            value: String(c.value), line: c.loc?.start.line ?? 1, column: c.loc?.start.column ?? 0, endLine: c.loc?.end.line ?? 1
        }));
        return { ok: true, ast, comments };
    }
    catch (e) {
        const err = e;
        return { ok: false, message: String(err.message ?? e), line: err.lineNumber ?? 1, column: err.columnNumber ?? 0 };
    }
}
/** `node[key]` when it is a node. */
function node(n, key) {
    const v = n?.[key];
    return isNode(v) ? v : undefined;
}
/** `node[key]` when it is an array of nodes (non-nodes are dropped). */
function nodes(n, key) {
    const v = n?.[key];
    return Array.isArray(v) ? v.filter(isNode) : [];
}
/** True for php-parser AST nodes. */
function isNode(v) {
    return typeof v === 'object' && v !== null && typeof v.kind === 'string';
}
/** The name of an identifier/name node, or a plain string field. */
function nameOf(n) {
    if (typeof n === 'string')
        return n;
    if (!n)
        return undefined;
    const name = n.name;
    if (typeof name === 'string')
        return name;
    return isNode(name) ? nameOf(name) : undefined;
}
/** The literal value of a string/number node; undefined for anything computed. */
function literal(n) {
    if (!n)
        return undefined;
    if (n.kind === 'string' || n.kind === 'number')
        return String(n.value);
    if (n.kind === 'nowdoc')
        return String(n.value);
    if (n.kind === 'namedargument')
        return literal(node(n, 'value'));
    return undefined;
}
/** The literal strings of a string or of an array of strings (`['a', 'b']`). */
function literalList(n) {
    if (!n)
        return undefined;
    if (n.kind === 'namedargument')
        return literalList(node(n, 'value'));
    if (n.kind === 'array') {
        const out = [];
        for (const item of nodes(n, 'items')) {
            const v = literal(item.kind === 'entry' ? node(item, 'value') : item);
            if (v === undefined)
                return undefined;
            out.push(v);
        }
        return out;
    }
    const v = literal(n);
    return v === undefined ? undefined : [v];
}
/** Calls `visit` on `n` and every node below it, depth first, in source order. */
function walk(n, visit) {
    if (visit(n) === false)
        return;
    for (const key in n) {
        if (key === 'loc' || key === 'kind' || key === 'leadingComments' || key === 'trailingComments')
            continue;
        const v = n[key];
        if (typeof v !== 'object' || v === null)
            continue;
        if (Array.isArray(v)) {
            for (const c of v)
                if (isNode(c))
                    walk(c, visit);
        }
        else if (isNode(v))
            walk(v, visit);
    }
}

/** The span of a node (php-parser columns are 0-based). */
function spanOf(n) {
    const loc = n.loc;
    if (!loc)
        return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1 };
}
const LOOKUPS = new Set(['propertylookup', 'staticlookup', 'nullsafepropertylookup']);
/** Flattens a `call` node into its chain; undefined for anything else. */
function flatten(call) {
    if (call.kind !== 'call')
        return undefined;
    const links = [];
    let cur = call;
    while (cur && cur.kind === 'call') {
        const what = node(cur, 'what');
        if (!what || !LOOKUPS.has(what.kind)) {
            links.unshift({ name: nameOf(what) ?? '', args: nodes(cur, 'arguments'), call: cur });
            return { root: undefined, links };
        }
        links.unshift({ name: nameOf(node(what, 'offset')) ?? '', args: nodes(cur, 'arguments'), call: cur });
        const recv = node(what, 'what');
        if (recv?.kind !== 'call')
            return { root: recv, links };
        cur = recv;
    }
    return { root: undefined, links };
}
/** The class a static chain starts from (`Schema`, `DB`, `User`), without its namespace. */
function rootClass(chain) {
    if (chain.root?.kind !== 'name')
        return undefined;
    const name = nameOf(chain.root) ?? '';
    return name.split('\\').pop();
}
/** The variable a chain starts from (`table` for `$table->…`). */
function rootVariable(chain) {
    return chain.root?.kind === 'variable' ? nameOf(chain.root) : undefined;
}
/** The argument at `index`, or the named argument `name` (PHP 8 named arguments). */
function arg(link, index, name) {
    if (name) {
        const named = link.args.find((a) => a.kind === 'namedargument' && a.name === name);
        if (named)
            return node(named, 'value');
    }
    const positional = link.args.filter((a) => a.kind !== 'namedargument');
    return positional[index];
}
/** The literal string of an argument. */
function argString(link, index, name) {
    return literal(arg(link, index, name));
}
/** The literal strings of an argument given as a string or an array of strings. */
function argList(link, index, name) {
    return literalList(arg(link, index, name));
}
/** A comparable rendering of a link's arguments: literals as written, anything computed as `?`. */
function argsKey(link) {
    return link.args.map((a) => {
        const v = a.kind === 'namedargument' ? node(a, 'value') : a;
        const lit = literal(v);
        const text = v?.kind === 'boolean' || v?.kind === 'nullkeyword' ? String(v.raw ?? v.value)
            : lit === undefined ? '?' : v?.kind === 'number' ? lit : `'${lit}'`;
        return a.kind === 'namedargument' ? `${String(a.name)}=${text}` : text;
    });
}
/** The first parameter's name of a closure or arrow function (the Blueprint variable). */
function firstParam(fn) {
    const p = nodes(fn, 'arguments')[0];
    return p ? nameOf(node(p, 'name') ?? (typeof p.name === 'string' ? p.name : undefined)) : undefined;
}
/** The statements-or-expression body of a closure or arrow function. */
function bodyOf(fn) {
    if (!fn)
        return undefined;
    const body = fn.body;
    return isNode(body) ? body : undefined;
}

/** What Laravel's Blueprint methods do to a table: which add columns, which drop them, index naming. */
const TYPES = `bigIncrements bigInteger binary boolean char dateTimeTz dateTime date decimal double enum float foreignId
 foreignIdFor foreignUlid foreignUuid geography geometry geometryCollection id increments integer integerIncrements ipAddress
 json jsonb lineString longText macAddress mediumIncrements mediumInteger mediumText morphs multiLineString multiPoint
 multiPolygon nullableMorphs nullableTimestamps nullableUlidMorphs nullableUuidMorphs point polygon rememberToken set
 smallIncrements smallInteger softDeletesTz softDeletes string text timeTz time timestampTz timestamp timestampsTz timestamps
 tinyIncrements tinyInteger tinyText unsignedBigInteger unsignedDecimal unsignedDouble unsignedFloat unsignedInteger
 unsignedMediumInteger unsignedSmallInteger unsignedTinyInteger ulidMorphs uuidMorphs ulid uuid year vector`;
/** Blueprint methods that add a column. */
const COLUMN_TYPES = new Set(TYPES.split(/\s+/).filter(Boolean));
/** Column types that fill themselves (auto-increment) or are nullable by construction. */
const SELF_FILLING = new Set(['bigIncrements', 'id', 'increments', 'integerIncrements', 'mediumIncrements',
    'smallIncrements', 'tinyIncrements', 'nullableMorphs', 'nullableTimestamps', 'nullableUlidMorphs', 'nullableUuidMorphs',
    'rememberToken', 'softDeletes', 'softDeletesTz', 'timestamps', 'timestampsTz']);
/** Modifiers that give a new column a value for existing rows. */
const FILLING_MODIFIERS = new Set(['nullable', 'default', 'useCurrent', 'autoIncrement', 'storedAs', 'virtualAs',
    'generatedAs', 'always']);
/** Modifiers that Laravel 11+ drops on ->change() unless restated. */
const KEPT_MODIFIERS = ['nullable', 'default', 'unsigned', 'comment', 'charset', 'collation', 'autoIncrement',
    'useCurrent', 'useCurrentOnUpdate', 'storedAs', 'virtualAs', 'generatedAs', 'invisible'];
/** Blueprint methods (and column modifiers) that add an index, by the kind they add. */
const INDEX_METHODS = {
    index: 'index', unique: 'unique', primary: 'primary', foreign: 'foreign', fulltext: 'fulltext', fullText: 'fulltext',
    spatialIndex: 'spatialindex', constrained: 'foreign', references: 'foreign'
};
/** Blueprint methods that drop an index, by the kind they drop. */
const DROP_INDEX_METHODS = {
    dropIndex: 'index', dropUnique: 'unique', dropPrimary: 'primary', dropForeign: 'foreign', dropFullText: 'fulltext',
    dropSpatialIndex: 'spatialindex'
};
/** The columns a column-adding method creates, given its first literal argument. */
function columnsOf(method, first) {
    switch (method) {
        case 'id': return [first ?? 'id'];
        case 'timestamps':
        case 'timestampsTz':
        case 'nullableTimestamps': return ['created_at', 'updated_at'];
        case 'softDeletes':
        case 'softDeletesTz': return [first ?? 'deleted_at'];
        case 'rememberToken': return ['remember_token'];
        case 'uuid': return [first ?? 'uuid'];
        case 'ulid': return [first ?? 'ulid'];
        case 'morphs':
        case 'nullableMorphs':
        case 'uuidMorphs':
        case 'ulidMorphs':
        case 'nullableUuidMorphs':
        case 'nullableUlidMorphs':
            return first === undefined ? [] : [`${first}_type`, `${first}_id`];
        default: return first === undefined ? [] : [first];
    }
}
/** The columns a column-dropping method removes, or undefined when the method drops no column. */
function droppedColumns(method, args) {
    switch (method) {
        case 'dropColumn':
        case 'dropColumns': return args.flatMap((a) => a ?? []);
        case 'dropTimestamps':
        case 'dropTimestampsTz': return ['created_at', 'updated_at'];
        case 'dropSoftDeletes':
        case 'dropSoftDeletesTz': return [args[0]?.[0] ?? 'deleted_at'];
        case 'dropRememberToken': return ['remember_token'];
        case 'dropMorphs': return args[0]?.[0] === undefined ? [] : [`${args[0][0]}_type`, `${args[0][0]}_id`];
        case 'dropConstrainedForeignId': return args[0] ?? [];
        default: return undefined;
    }
}
/** Laravel's generated index name: `{table}_{columns}_{type}`, lower-cased, `-` and `.` as `_`. */
function indexName(table, columns, type) {
    return `${table}_${columns.join('_')}_${type}`.replace(/[-.]/g, '_').toLowerCase();
}

/** The operations of a `Schema::create|table('t', function (Blueprint $table) { … })` closure, in source order. */
function tableOps(table, closure, creating) {
    const variable = firstParam(closure);
    const body = bodyOf(closure);
    if (!variable || !body)
        return [];
    const ops = [];
    walk(body, (n) => {
        const chain = flatten(n);
        if (!chain || rootVariable(chain) !== variable || chain.links.length === 0)
            return;
        ops.push(...chainOps$1(table, chain, creating, n));
        return false;
    });
    return ops;
}
function chainOps$1(table, chain, creating, whole) {
    const [base, ...modifiers] = chain.links;
    const span = spanOf(whole);
    if (COLUMN_TYPES.has(base.name))
        return columnOps(table, base, modifiers, creating, span);
    const dropped = droppedColumns(base.name, base.args.map((_, i) => argList(base, i)));
    if (dropped) {
        const ops = [];
        if (base.name === 'dropConstrainedForeignId')
            ops.push({ op: 'drop-index', table, index: index(table, 'foreign', dropped), span });
        if (base.name === 'dropMorphs')
            ops.push({ op: 'drop-index', table, index: index(table, 'index', dropped), span });
        return [...ops, { op: 'drop-column', table, columns: dropped, span }];
    }
    if (base.name === 'renameColumn') {
        const from = argString(base, 0, 'from');
        const to = argString(base, 1, 'to');
        return from && to ? [{ op: 'rename-column', table, from, to, span }] : [];
    }
    if (base.name === 'rename') {
        const to = argString(base, 0, 'to');
        return to ? [{ op: 'rename-table', from: table, to, span }] : [];
    }
    if (base.name === 'drop' || base.name === 'dropIfExists')
        return [{ op: 'drop-table', table, span }];
    const dropType = DROP_INDEX_METHODS[base.name];
    if (dropType)
        return [{ op: 'drop-index', table, index: droppedIndex(table, base, dropType), span }];
    const type = INDEX_METHODS[base.name];
    if (type && base.name !== 'constrained' && base.name !== 'references') {
        const columns = argList(base, 0, 'columns') ?? [];
        const name = argString(base, 1, 'name');
        return [{ op: 'add-index', table, index: index(table, type, columns, name), span }];
    }
    return [];
}
function columnOps(table, base, modifiers, creating, span) {
    const names = columnsOf(base.name, argString(base, 0, 'column'));
    const modMap = new Map(modifiers.map((m) => [m.name, argsKey(m)]));
    const ops = [];
    const change = modMap.has('change');
    for (const name of names) {
        const column = { name, type: base.name, args: argsKey(base).slice(1), modifiers: modMap, span };
        ops.push(change ? { op: 'change-column', table, column, span } : { op: 'add-column', table, column, span });
    }
    if (creating || change)
        return ops;
    if (/[mM]orphs$/.test(base.name))
        ops.push({ op: 'add-index', table, index: index(table, 'index', names), span });
    for (const m of modifiers) {
        const type = INDEX_METHODS[m.name];
        if (!type)
            continue;
        if (type === 'foreign' && m.name === 'references' && base.name !== 'foreign')
            continue;
        const named = type === 'foreign' ? undefined : argString(m, 0, 'indexName');
        ops.push({ op: 'add-index', table, index: index(table, type, names, named), span });
    }
    return ops;
}
function index(table, type, columns, name) {
    return { type, columns, name: name ?? indexName(table, columns, type) };
}
function droppedIndex(table, link, type) {
    const single = argString(link, 0, 'index');
    if (single !== undefined)
        return { type, columns: [], name: single };
    const columns = argList(link, 0, 'index') ?? [];
    return index(table, type, columns);
}

const RAW_SQL = new Set(['statement', 'unprepared']);
const DELETES = new Set(['delete', 'truncate', 'forceDelete']);
/** The schema operations of a migration method (up or down), in source order. */
function methodOps(method) {
    const body = method?.body;
    const statements = nodes(body, 'children').filter((n) => n.kind !== 'noop' && !n.kind.startsWith('comment'));
    const ops = [];
    if (body) {
        walk(body, (n) => {
            const chain = flatten(n);
            if (!chain)
                return;
            const found = chainOps(chain, spanOf(n));
            if (found === undefined)
                return;
            ops.push(...found);
            return false;
        });
    }
    return { ops, empty: statements.length === 0 };
}
/** Ops of one chain; undefined when the chain is none of ours (keep walking into it). */
function chainOps(chain, span) {
    const cls = rootClass(chain);
    const links = chain.links.filter((l) => l.name !== 'connection');
    const first = links[0];
    if (!first)
        return undefined;
    if (cls === 'Schema')
        return schemaOps(first.name, chain, span);
    if (cls === 'DB' && RAW_SQL.has(first.name)) {
        const q = arg(first, 0, 'query');
        const sqlSpan = q ? spanOf(q) : span;
        return [{ op: 'raw-sql', call: `DB::${first.name}`, sql: literal(q), span, sqlSpan }];
    }
    if (cls === 'DB' && first.name === 'delete')
        return [{ op: 'delete-data', what: 'DB::delete()', span }];
    const del = links.find((l) => DELETES.has(l.name));
    if (cls && del) {
        const what = cls === 'DB' && first.name === 'table' ? `DB::table('${argString(first, 0) ?? '?'}')` : cls;
        return [{ op: 'delete-data', what: `${what}…->${del.name}()`, span }];
    }
    return undefined;
}
function schemaOps(method, chain, span) {
    const link = chain.links.find((l) => l.name === method);
    if (!link)
        return undefined;
    const table = argString(link, 0, 'table');
    switch (method) {
        case 'create':
        case 'table': {
            if (table === undefined)
                return [];
            const ops = tableOps(table, arg(link, 1, 'callback'), method === 'create');
            if (method === 'table')
                return ops;
            const columns = ops.flatMap((o) => (o.op === 'add-column' ? [o.column] : []));
            return [{ op: 'create-table', table, columns, span }];
        }
        case 'drop':
        case 'dropIfExists':
            return table === undefined ? [] : [{ op: 'drop-table', table, span }];
        case 'rename': {
            const from = argString(link, 0, 'from');
            const to = argString(link, 1, 'to');
            return from === undefined || to === undefined ? [] : [{ op: 'rename-table', from, to, span }];
        }
        case 'dropColumns':
        case 'dropColumn': {
            const columns = argList(link, 1, 'columns');
            return table === undefined || !columns ? [] : [{ op: 'drop-column', table, columns, span }];
        }
        default:
            return [];
    }
}

/** Finds the migration class in a parsed file (`return new class extends Migration` or a named class). */
function readMigration(ast) {
    const classes = topLevelClasses(nodes(ast, 'children'));
    const cls = classes.find((c) => /Migration$/.test(nameOf(node(c, 'extends')) ?? '')) ??
        classes.find((c) => methodOf(c, 'up'));
    if (!cls)
        return undefined;
    const migration = { span: spanOf(cls), withinTransaction: withinTransaction(cls) };
    const up = methodOf(cls, 'up');
    const down = methodOf(cls, 'down');
    if (up)
        migration.up = { span: spanOf(up), ops: methodOps(up) };
    if (down)
        migration.down = { span: spanOf(down), ops: methodOps(down) };
    return migration;
}
/** Classes declared at the top level, in a namespace, or returned (`return new class …`). */
function topLevelClasses(statements) {
    const out = [];
    for (const s of statements) {
        if (s.kind === 'class')
            out.push(s);
        else if (s.kind === 'namespace')
            out.push(...topLevelClasses(nodes(s, 'children')));
        else if (s.kind === 'return' || s.kind === 'expressionstatement') {
            const what = node(node(s, s.kind === 'return' ? 'expr' : 'expression'), 'what');
            if (what?.kind === 'class')
                out.push(what);
        }
    }
    return out;
}
function methodOf(cls, name) {
    return nodes(cls, 'body').find((m) => m.kind === 'method' && nameOf(node(m, 'name'))?.toLowerCase() === name);
}
function withinTransaction(cls) {
    for (const statement of nodes(cls, 'body')) {
        if (statement.kind !== 'propertystatement')
            continue;
        for (const p of nodes(statement, 'properties')) {
            if (nameOf(node(p, 'name')) !== 'withinTransaction')
                continue;
            const value = node(p, 'value');
            return !(value?.kind === 'boolean' && value.value === false);
        }
    }
    return true;
}

/**
 * Column definitions from the migrations that sort before a given one in its directory: what `->change()`
 * starts from. Files are read lazily, once.
 */
class ColumnHistory {
    known;
    cache = new Map();
    dirs = new Map();
    replays = new Map();
    /** `load` may hand over migrations already parsed (absolute path → migration). */
    constructor(known = new Map()) {
        this.known = known;
    }
    /** The last definition of `table.column` before `file` (absolute), following renames; undefined when none. */
    previous(file, table, column) {
        const name = basename(file);
        const dir = dirname(file);
        // Queries mostly come in file order: carry the replay forward instead of starting over.
        let replay = this.replays.get(dir);
        if (!replay || replay.upTo > name)
            replay = { upTo: '', next: 0, defs: new Map() };
        this.replays.set(dir, replay);
        const list = this.listing(dir);
        while (replay.next < list.length && list[replay.next][0] < name) {
            const [f, path] = list[replay.next++];
            apply(replay.defs, this.load(path)?.up?.ops.ops ?? [], f);
        }
        replay.upTo = name;
        return replay.defs.get(`${table}.${column}`);
    }
    listing(dir) {
        let list = this.dirs.get(dir);
        if (!list) {
            try {
                list = readdirSync(dir).filter((f) => f.endsWith('.php')).sort().map((f) => [f, join(dir, f)]);
            }
            catch {
                list = [];
            }
            this.dirs.set(dir, list);
        }
        return list;
    }
    load(file) {
        if (this.known.has(file))
            return this.known.get(file);
        if (this.cache.has(file))
            return this.cache.get(file);
        let m;
        try {
            const parsed = parsePhp(readFileSync(file, 'utf8'), file);
            m = parsed.ok ? readMigration(parsed.ast) : undefined;
        }
        catch {
            m = undefined;
        }
        this.cache.set(file, m);
        return m;
    }
}
/** Applies one migration's up() operations to the known column definitions. */
function apply(defs, ops, file) {
    for (const op of ops) {
        if (op.op === 'create-table')
            for (const c of op.columns)
                defs.set(`${op.table}.${c.name}`, { column: c, file });
        else if (op.op === 'add-column' || op.op === 'change-column')
            defs.set(`${op.table}.${op.column.name}`, { column: op.column, file });
        else if (op.op === 'drop-column')
            for (const c of op.columns)
                defs.delete(`${op.table}.${c}`);
        else if (op.op === 'rename-column') {
            const d = defs.get(`${op.table}.${op.from}`);
            defs.delete(`${op.table}.${op.from}`);
            if (d)
                defs.set(`${op.table}.${op.to}`, d);
        }
        else if (op.op === 'rename-table') {
            for (const [k, d] of [...defs])
                if (k.startsWith(`${op.from}.`)) {
                    defs.delete(k);
                    defs.set(`${op.to}.${k.slice(op.from.length + 1)}`, d);
                }
        }
    }
}

/** One catalog entry: id, severity, reason, title and the safe alternative. */
const rule$1 = (id, severity, reason, title, fix) => ({ id, severity, reason, title, fix });

/** The Laravel migration rules. */
const PHP_RULES = [
    rule$1('drop-column', 'error', 'breaks-running-code', 'Column dropped', 'Contract in two deploys: first ship code that no longer reads or writes the column (drop it from $fillable, $casts, queries), then drop the column in a later migration.'),
    rule$1('drop-table', 'error', 'data-loss', 'Table dropped', 'Ship code that no longer uses the table first; drop it in a later release, after a backup (or rename it to a *_deprecated table and drop that later).'),
    rule$1('rename-column', 'error', 'breaks-running-code', 'Column renamed', 'Expand → migrate → contract: add the new column, write both, backfill, switch reads to the new column, then drop the old one in a later release.'),
    rule$1('rename-table', 'error', 'breaks-running-code', 'Table renamed', 'Create the new table (or a view with the new name), write both, backfill, switch reads, then drop the old table in a later release.'),
    rule$1('change-column-type', 'warning', 'lock', 'Column type changed', 'Changing a type rewrites the table under an exclusive lock and breaks code that expects the old type: add a new column of the new type, backfill in batches, switch the code, drop the old column later.'),
    rule$1('change-drops-modifiers', 'error', 'breaks-running-code', 'change() drops modifiers (Laravel 11+)', 'From Laravel 11 on, ->change() keeps only the modifiers it restates: repeat every modifier the column had (nullable(), default(), unsigned(), comment(), …).'),
    rule$1('add-not-null-column', 'error', 'breaks-running-code', 'NOT NULL column without default on an existing table', 'The running code inserts rows without this column: add it ->nullable() (or with ->default()), backfill, and make it NOT NULL in a later migration once every writer sets it.'),
    rule$1('add-index', 'warning', 'lock', 'Index added to an existing table', "Postgres blocks writes while the index builds: DB::statement('CREATE INDEX CONCURRENTLY …') in a migration with public $withinTransaction = false (MySQL: ALGORITHM=INPLACE, LOCK=NONE)."),
    rule$1('add-unique', 'warning', 'lock', 'Unique or primary key added to an existing table', "Build the unique index first with DB::statement('CREATE UNIQUE INDEX CONCURRENTLY …') ($withinTransaction = false), then ADD CONSTRAINT … UNIQUE USING INDEX; clean up duplicates before."),
    rule$1('add-foreign-key', 'warning', 'lock', 'Foreign key added to an existing table', "Validating the key locks both tables: DB::statement('ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID'), then VALIDATE CONSTRAINT in a later migration."),
    rule$1('concurrently-in-transaction', 'error', 'fails-to-apply', 'CONCURRENTLY inside a transaction', 'Postgres refuses CONCURRENTLY in a transaction block: add public $withinTransaction = false; to the migration class.'),
    rule$1('missing-down', 'error', 'irreversible', 'No down() method', 'Write a down() that undoes up() exactly, so a failed release can roll back its schema.'),
    rule$1('empty-down', 'error', 'irreversible', 'Empty down() method', 'Write a down() that undoes up() exactly; if the change truly cannot be undone, suppress this with the reason.'),
    rule$1('down-mismatch', 'error', 'irreversible', 'down() does not undo up()', 'Every table, column and index that up() adds must be removed in down(), and everything up() removes or renames must be restored.'),
    rule$1('raw-sql', 'warning', 'needs-review', 'Raw SQL the check cannot analyse', 'Use literal SQL the check can parse, or have someone review the statement for locks and reversibility, then suppress with the reason.'),
    rule$1('delete-data', 'error', 'data-loss', 'Data deleted in a migration', 'Move data clean-ups out of schema migrations (a job or command that can be retried), or keep a copy of the rows and restore them in down().'),
    rule$1('parse-error', 'error', 'needs-review', 'File does not parse', 'Fix the syntax error; the check cannot review a file it cannot parse.'),
    rule$1('unrecognized-migration', 'warning', 'needs-review', 'No migration class found', 'A Laravel migration returns (or declares) a class extending Migration with up() and down().'),
    rule$1('migration-modified', 'error', 'irreversible', 'Merged migration changed', 'A migration that already ran in production never runs again: revert the change and write a new migration instead.'),
    rule$1('suppression-without-reason', 'warning', 'needs-review', 'Suppression without a reason', 'Write the reason after the rule id: // slipway-ignore drop-column: unused since v3 (OPS-12).')
];

/** The PostgreSQL rules, for `.sql` migrations and the literal SQL in Laravel's DB::statement(). */
const SQL_RULES = [
    rule$1('pg-create-index', 'warning', 'lock', 'CREATE INDEX without CONCURRENTLY', 'CREATE INDEX CONCURRENTLY, outside a transaction block (it blocks no writes).'),
    rule$1('pg-drop-index', 'warning', 'lock', 'DROP INDEX without CONCURRENTLY', 'DROP INDEX CONCURRENTLY, outside a transaction block.'),
    rule$1('pg-constraint-not-valid', 'warning', 'lock', 'Foreign key or check constraint validated while locked', 'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a separate migration (it takes a lighter lock).'),
    rule$1('pg-add-unique-constraint', 'warning', 'lock', 'UNIQUE / PRIMARY KEY built under an exclusive lock', 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).'),
    rule$1('pg-set-not-null', 'warning', 'lock', 'SET NOT NULL scans the table under an exclusive lock', 'ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (Postgres 12+ skips the scan) and drop the check.'),
    rule$1('pg-alter-column-type', 'warning', 'lock', 'Column type change rewrites the table', 'Add a new column of the new type, backfill in batches, switch the code, drop the old column later.'),
    rule$1('pg-volatile-default', 'warning', 'lock', 'ADD COLUMN with a volatile default or a serial/stored generated column rewrites the table', 'Add the column without the default (or with a constant one), set the default for new rows, backfill in batches.'),
    rule$1('pg-add-not-null-column', 'error', 'breaks-running-code', 'NOT NULL column without default', 'Add the column nullable (or with a constant DEFAULT), backfill, then SET NOT NULL safely in a later migration.'),
    rule$1('pg-rename-column', 'error', 'breaks-running-code', 'Column renamed', 'Add the new column, write both, backfill, switch reads, drop the old column in a later release.'),
    rule$1('pg-rename-table', 'error', 'breaks-running-code', 'Table renamed', 'Create the new table (or a view with the new name), switch the code, drop the old one in a later release.'),
    rule$1('pg-drop-column', 'error', 'breaks-running-code', 'Column dropped', 'Ship code that no longer uses the column first, then drop it in a later migration.'),
    rule$1('pg-drop-table', 'error', 'data-loss', 'Table dropped', 'Ship code that no longer uses the table first, back it up, and drop it in a later release.'),
    rule$1('pg-delete-data', 'error', 'data-loss', 'TRUNCATE or DELETE without WHERE', 'Move data clean-ups out of schema migrations, or keep a copy of the rows.'),
    rule$1('pg-missing-lock-timeout', 'warning', 'lock', 'No lock_timeout before a locking statement', "SET lock_timeout = '5s'; at the top of the migration, so a statement waiting for its lock does not queue every query behind it."),
    rule$1('pg-concurrently-in-transaction', 'error', 'fails-to-apply', 'CONCURRENTLY inside BEGIN … COMMIT', 'Run CREATE/DROP INDEX CONCURRENTLY outside the transaction block.'),
    rule$1('pg-parse-error', 'error', 'needs-review', 'SQL does not parse', 'Fix the statement (the check uses the PostgreSQL 18 parser); for another dialect, review by hand and suppress with the reason.')
];

const rule = (id, title, reason, fix) => ({ id, severity: 'error', reason, title, fix });
/** Findings of `--verify`, the up → down → up run on a scratch database. */
const VERIFY_RULES = [
    rule('verify-up-failed', 'Migration failed on a scratch database', 'fails-to-apply', 'Fix the migration so `php artisan migrate` succeeds on a database migrated to the previous release.'),
    rule('verify-down-failed', 'Rollback failed on a scratch database', 'irreversible', 'Fix down() so `php artisan migrate:rollback` succeeds right after up().'),
    rule('verify-down-mismatch', 'Rollback does not restore the schema', 'irreversible', 'Make down() undo exactly what up() did: the schema after rollback must equal the schema before up().'),
    rule('verify-reapply-failed', 'Migration fails when applied again after a rollback', 'irreversible', 'down() leaves something behind that up() trips on: remove it in down().'),
    rule('verify-reapply-mismatch', 'Re-applying gives a different schema', 'irreversible', 'up() after down() must give the same schema as the first up(): make down() restore exactly what up() changed.')
];

/** Every rule the check knows, in documentation order. */
const RULES = [...PHP_RULES, ...SQL_RULES, ...VERIFY_RULES];
const byId = new Map(RULES.map((r) => [r.id, r]));
/** The rule with this id; throws on an unknown id (a bug, not bad input). */
function ruleInfo(id) {
    const info = byId.get(id);
    if (!info)
        throw new Error(`unknown rule id ${id}`);
    return info;
}
/** Builds a finding of rule `id` at `site`, with the rule's severity, reason and fix. */
function finding(id, site, message, detail) {
    const info = ruleInfo(id);
    const f = { ruleId: id, severity: info.severity, file: site.file, line: site.line, column: site.column,
        message, reason: info.reason, fix: info.fix };
    if (site.endLine !== undefined)
        f.endLine = site.endLine;
    if (site.endColumn !== undefined)
        f.endColumn = site.endColumn;
    if (detail !== undefined)
        f.detail = detail;
    return f;
}

let pg;
/** Loads the PostgreSQL parser (WASM) once; every parse after it is synchronous. */
async function loadSqlParser() {
    if (pg)
        return;
    const mod = (await import('./wasm.js'));
    await mod.loadModule();
    pg = mod;
}
/** The node kind and fields of a libpg-query node (`{ IndexStmt: {…} }`). */
function unwrap(n) {
    if (!n)
        return ['', {}];
    const [kind, fields] = Object.entries(n)[0] ?? ['', {}];
    return [kind, (fields ?? {})];
}
/** Parses SQL with the real PostgreSQL parser; needs loadSqlParser() first. Never throws on bad SQL. */
function parseSql(sql) {
    if (!pg)
        throw new Error('loadSqlParser() must run before parseSql()');
    const bytes = Buffer.from(sql, 'utf8');
    const ascii = bytes.length === sql.length;
    const toChar = (byteOffset) => (ascii ? byteOffset : bytes.subarray(0, byteOffset).toString('utf8').length);
    try {
        const result = pg.parseSync(sql);
        const statements = (result.stmts ?? []).map((raw) => {
            const [kind, fields] = unwrap(raw.stmt);
            const from = raw.stmt_location ?? 0;
            const end = raw.stmt_len ? toChar(from + raw.stmt_len) : sql.length;
            return { kind, fields, start: skipBlank(sql, toChar(from)), end };
        });
        return { ok: true, statements };
    }
    catch (e) {
        const err = e;
        const cursor = err.sqlDetails?.cursorPosition ?? 0;
        return { ok: false, message: String(err.message ?? e), offset: toChar(Math.max(0, cursor)) };
    }
}
/** The offset of the first character after whitespace and comments. */
function skipBlank(sql, at) {
    let i = at;
    for (;;) {
        while (i < sql.length && /\s/.test(sql[i]))
            i++;
        if (sql.startsWith('--', i)) {
            const nl = sql.indexOf('\n', i);
            i = nl < 0 ? sql.length : nl + 1;
            continue;
        }
        if (sql.startsWith('/*', i)) {
            const end = sql.indexOf('*/', i + 2);
            i = end < 0 ? sql.length : end + 2;
            continue;
        }
        return i;
    }
}
/** Maps character offsets of a text to 1-based line and column, starting at `base` (the text's first character). */
function locator(text, base = { line: 1, column: 1 }) {
    const starts = [0];
    for (let i = 0; i < text.length; i++)
        if (text.charCodeAt(i) === 10)
            starts.push(i + 1);
    return (offset) => {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= offset)
                lo = mid;
            else
                hi = mid - 1;
        }
        const column = offset - starts[lo] + 1;
        return lo === 0 ? { line: base.line, column: base.column + column - 1 } : { line: base.line + lo, column };
    };
}

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
    'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'statement_timestamp']);
const STATEMENT_NAMES = { IndexStmt: 'CREATE INDEX', DropStmt: 'DROP', RenameStmt: 'RENAME', AlterTableStmt: 'ALTER TABLE' };
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2']);
/** Runs the PostgreSQL rules over the statements of one file (or one DB::statement). */
function sqlFindings(statements, ctx) {
    const out = [];
    let inTransaction = false;
    let lockTimeout = false;
    let warnedTimeout = false;
    const validated = new Set();
    for (const s of statements) {
        const site = { file: ctx.file, ...ctx.locate(s.start) };
        const add = (id, message) => { out.push(finding(id, site, message)); };
        const table = relname(s.fields.relation);
        const isNew = table !== undefined && ctx.created.has(table);
        let locks = false;
        switch (s.kind) {
            case 'TransactionStmt': {
                const kind = String(s.fields.kind);
                if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START')
                    inTransaction = true;
                if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK')
                    inTransaction = false;
                break;
            }
            case 'VariableSetStmt':
                if (s.fields.name === 'lock_timeout')
                    lockTimeout = true;
                break;
            case 'CreateStmt':
                if (table)
                    ctx.created.add(table);
                break;
            case 'IndexStmt': {
                const concurrent = s.fields.concurrent === true;
                if (concurrent && inTransaction && !ctx.embedded)
                    add('pg-concurrently-in-transaction', `CREATE INDEX CONCURRENTLY on ${table} inside a transaction block fails`);
                if (!concurrent && !isNew) {
                    add('pg-create-index', `CREATE INDEX on ${table} blocks writes to the table while it builds`);
                    locks = true;
                }
                break;
            }
            case 'DropStmt': {
                const type = String(s.fields.removeType);
                const names = (s.fields.objects ?? []).map(objectName);
                if (type === 'OBJECT_INDEX') {
                    const concurrent = s.fields.concurrent === true;
                    if (concurrent && inTransaction && !ctx.embedded)
                        add('pg-concurrently-in-transaction', `DROP INDEX CONCURRENTLY ${names.join(', ')} inside a transaction block fails`);
                    if (!concurrent) {
                        add('pg-drop-index', `DROP INDEX ${names.join(', ')} blocks reads and writes of its table`);
                        locks = true;
                    }
                }
                if (type === 'OBJECT_TABLE') {
                    const old = names.filter((n) => !ctx.created.has(n));
                    if (old.length > 0) {
                        add('pg-drop-table', `DROP TABLE ${old.join(', ')} destroys the table and its rows`);
                        locks = true;
                    }
                }
                break;
            }
            case 'RenameStmt': {
                if (isNew)
                    break;
                const type = String(s.fields.renameType);
                if (type === 'OBJECT_COLUMN')
                    add('pg-rename-column', `renaming ${table}.${String(s.fields.subname)} to ${String(s.fields.newname)} breaks the code still using the old name`);
                if (type === 'OBJECT_TABLE')
                    add('pg-rename-table', `renaming ${table} to ${String(s.fields.newname)} breaks the code still using the old name`);
                locks = true;
                break;
            }
            case 'AlterTableStmt':
                if (isNew || String(s.fields.objtype) !== 'OBJECT_TABLE')
                    break;
                for (const c of s.fields.cmds ?? []) {
                    const cmd = unwrap(c)[1];
                    if (cmd.subtype === 'AT_ValidateConstraint' && table)
                        validated.add(table);
                    if (cmd.subtype !== 'AT_SetNotNull' || !validated.has(table ?? ''))
                        alterFindings(table ?? '?', cmd, add);
                }
                locks = true;
                break;
            case 'TruncateStmt':
                add('pg-delete-data', `TRUNCATE ${(s.fields.relations ?? []).map(objectName).join(', ')} deletes every row`);
                break;
            case 'DeleteStmt':
                if (!s.fields.whereClause)
                    add('pg-delete-data', `DELETE FROM ${table} without WHERE deletes every row`);
                break;
        }
        if (locks && !lockTimeout && !warnedTimeout && !ctx.embedded) {
            warnedTimeout = true;
            add('pg-missing-lock-timeout', `no SET lock_timeout before this ${STATEMENT_NAMES[s.kind] ?? s.kind}: while it waits for its lock, every query on ${table ?? 'the table'} queues behind it`);
        }
    }
    return out;
}
function alterFindings(table, cmd, add) {
    const column = `${table}.${String(cmd.name)}`;
    const [defKind, def] = unwrap(cmd.def);
    switch (String(cmd.subtype)) {
        case 'AT_DropColumn':
            add('pg-drop-column', `dropping ${column} breaks the code still reading it and destroys its data`);
            break;
        case 'AT_AlterColumnType':
            add('pg-alter-column-type', `changing the type of ${column} rewrites ${table} under an ACCESS EXCLUSIVE lock`);
            break;
        case 'AT_SetNotNull':
            add('pg-set-not-null', `SET NOT NULL on ${column} scans ${table} under an ACCESS EXCLUSIVE lock`);
            break;
        case 'AT_AddColumn':
            if (defKind === 'ColumnDef')
                addColumnFindings(table, def, add);
            break;
        case 'AT_AddConstraint':
            if (defKind === 'Constraint')
                constraintFindings(table, def, add);
            break;
    }
}
function addColumnFindings(table, def, add) {
    const column = `${table}.${String(def.colname)}`;
    const constraints = (def.constraints ?? []).map((c) => unwrap(c)[1]);
    const has = (type) => constraints.find((c) => c.contype === type);
    const defaultExpr = has('CONSTR_DEFAULT');
    const typeName = typeNameOf(def.typeName);
    if (has('CONSTR_NOTNULL') && !defaultExpr && !has('CONSTR_IDENTITY') && !has('CONSTR_GENERATED') && !SERIAL.has(typeName)) {
        add('pg-add-not-null-column', `${column} is NOT NULL without a DEFAULT: the statement fails on a non-empty table and the running code's INSERTs fail`);
    }
    const volatile = defaultExpr && volatileCall(defaultExpr.raw_expr);
    if (volatile || SERIAL.has(typeName) || has('CONSTR_GENERATED')) {
        add('pg-volatile-default', `adding ${column} ${volatile ? `with DEFAULT ${volatile}()` : `as ${typeName || 'a stored generated column'}`} rewrites ${table} under an ACCESS EXCLUSIVE lock`);
    }
    if (has('CONSTR_UNIQUE') || has('CONSTR_PRIMARY'))
        add('pg-add-unique-constraint', `the UNIQUE/PRIMARY KEY on new column ${column} builds its index under an ACCESS EXCLUSIVE lock`);
}
function constraintFindings(table, c, add) {
    const name = c.conname ? ` ${String(c.conname)}` : '';
    const type = String(c.contype);
    if ((type === 'CONSTR_FOREIGN' || type === 'CONSTR_CHECK') && c.skip_validation !== true) {
        add('pg-constraint-not-valid', `constraint${name} on ${table} is validated while ${table} is locked${type === 'CONSTR_FOREIGN' ? ' (and the referenced table too)' : ''}: add it NOT VALID`);
    }
    if ((type === 'CONSTR_UNIQUE' || type === 'CONSTR_PRIMARY') && !c.indexname) {
        add('pg-add-unique-constraint', `constraint${name} on ${table} builds its index under an ACCESS EXCLUSIVE lock`);
    }
}
function volatileCall(expr) {
    if (Array.isArray(expr)) {
        for (const e of expr) {
            const v = volatileCall(e);
            if (v)
                return v;
        }
        return undefined;
    }
    if (typeof expr !== 'object' || expr === null)
        return undefined;
    const fn = expr.FuncCall;
    if (fn) {
        const name = String(unwrap(fn.funcname?.[fn.funcname.length - 1])[1].sval ?? '');
        if (VOLATILE.has(name))
            return name;
    }
    for (const v of Object.values(expr)) {
        const found = volatileCall(v);
        if (found)
            return found;
    }
    return undefined;
}
function typeNameOf(t) {
    const names = t?.names ?? [];
    return String(unwrap(names[names.length - 1])[1].sval ?? '');
}
/** The table name of a RangeVar. */
function relname(rv) {
    const name = rv?.relname;
    return typeof name === 'string' ? name : undefined;
}
/** The (last) name of a DROP/TRUNCATE object: a List of Strings or a RangeVar. */
function objectName(n) {
    const [kind, f] = unwrap(n);
    if (kind === 'RangeVar')
        return String(f.relname);
    const items = f.items ?? [];
    return String(unwrap(items[items.length - 1])[1].sval ?? '?');
}

/** Parses the literal SQL of a raw-sql op. */
function readEmbedded(op) {
    if (op.sql === undefined)
        return { op, problem: `${op.call}() with computed SQL cannot be analysed` };
    const parsed = parseSql(op.sql);
    if (!parsed.ok)
        return { op, problem: `${op.call}() SQL does not parse as PostgreSQL (${parsed.message})` };
    return { op, statements: parsed.statements };
}
/** Findings for one DB::statement(): the PostgreSQL rules on its SQL, or `raw-sql` when it cannot be read. */
function embeddedFindings(e, file, created, lint) {
    if (!e.statements)
        return [finding('raw-sql', { file, ...e.op.span }, `${e.problem}: review it by hand`)];
    if (!lint)
        return [];
    const locate = locator(e.op.sql ?? '', { line: e.op.sqlSpan.line, column: e.op.sqlSpan.column + 1 });
    return sqlFindings(e.statements, { file, locate, embedded: true, created });
}
/** The schema operations that literal SQL performs, for the up()/down() comparison. */
function embeddedOps(e) {
    const ops = [];
    const span = e.op.span;
    for (const s of e.statements ?? []) {
        const table = relname(s.fields.relation) ?? '';
        if (s.kind === 'IndexStmt' && typeof s.fields.idxname === 'string') {
            ops.push({ op: 'add-index', table, index: { type: s.fields.unique ? 'unique' : 'index', columns: [], name: s.fields.idxname }, span });
        }
        else if (s.kind === 'DropStmt' && s.fields.removeType === 'OBJECT_INDEX') {
            for (const o of s.fields.objects ?? []) {
                ops.push({ op: 'drop-index', table: '', index: { type: 'index', columns: [], name: objectName(o) }, span });
            }
        }
        else if (s.kind === 'DropStmt' && s.fields.removeType === 'OBJECT_TABLE') {
            for (const o of s.fields.objects ?? [])
                ops.push({ op: 'drop-table', table: objectName(o), span });
        }
        else if (s.kind === 'AlterTableStmt') {
            for (const c of s.fields.cmds ?? [])
                ops.push(...alterOps(table, unwrap(c)[1], span));
        }
    }
    return ops;
}
function alterOps(table, cmd, span) {
    const [kind, def] = unwrap(cmd.def);
    if (cmd.subtype === 'AT_DropColumn')
        return [{ op: 'drop-column', table, columns: [String(cmd.name)], span }];
    if (cmd.subtype === 'AT_AddColumn' && kind === 'ColumnDef') {
        return [{ op: 'add-column', table, column: { name: String(def.colname), type: 'sql', args: [], modifiers: new Map(), span }, span }];
    }
    if (cmd.subtype === 'AT_AddConstraint' && kind === 'Constraint' && typeof def.conname === 'string') {
        const type = def.contype === 'CONSTR_FOREIGN' ? 'foreign' : def.contype === 'CONSTR_UNIQUE' ? 'unique' : 'index';
        return [{ op: 'add-index', table, index: { type, columns: [], name: def.conname }, span }];
    }
    if (cmd.subtype === 'AT_DropConstraint')
        return [{ op: 'drop-index', table, index: { type: 'index', columns: [], name: String(cmd.name) }, span }];
    return [];
}

function effects(ops) {
    const e = { createdTables: new Map(), droppedTables: new Map(), addedColumns: new Map(), droppedColumns: new Map(),
        changedColumns: new Map(), addedIndexes: new Map(), droppedIndexes: new Map(), renamedColumns: [], renamedTables: [] };
    for (const op of ops) {
        switch (op.op) {
            case 'create-table':
                e.createdTables.set(op.table, op.span);
                break;
            case 'drop-table':
                e.droppedTables.set(op.table, op.span);
                break;
            case 'add-column':
                e.addedColumns.set(`${op.table}.${op.column.name}`, op.span);
                break;
            case 'change-column':
                e.changedColumns.set(`${op.table}.${op.column.name}`, op.span);
                break;
            case 'drop-column':
                for (const c of op.columns)
                    e.droppedColumns.set(`${op.table}.${c}`, op.span);
                break;
            case 'add-index':
                e.addedIndexes.set(op.index.name, { span: op.span, table: op.table, index: op.index });
                break;
            case 'drop-index':
                e.droppedIndexes.set(op.index.name, op.span);
                break;
            case 'rename-column':
                e.renamedColumns.push({ table: op.table, from: op.from, to: op.to, span: op.span });
                break;
            case 'rename-table':
                e.renamedTables.push({ from: op.from, to: op.to, span: op.span });
                break;
        }
    }
    return e;
}
/** `down-mismatch` findings: what up() does that down() does not undo, and what down() undoes that up() never did. */
function reversalFindings(upOps, downOps, file, opacity) {
    const up = effects(upOps);
    const down = effects(downOps);
    const out = [];
    const report = (span, message) => { out.push(finding('down-mismatch', { file, ...span }, message)); };
    const tableOf = (key) => key.slice(0, key.indexOf('.'));
    if (!opacity.downOpaque) {
        for (const [t, span] of up.createdTables)
            if (!down.droppedTables.has(t))
                report(span, `up() creates table ${t} but down() does not drop it`);
        for (const [c, span] of up.addedColumns) {
            if (!up.createdTables.has(tableOf(c)) && !down.droppedColumns.has(c) && !down.droppedTables.has(tableOf(c)))
                report(span, `up() adds ${c} but down() does not drop it`);
        }
        for (const [name, { span, table, index }] of up.addedIndexes) {
            if (up.createdTables.has(table) || down.droppedIndexes.has(name) || down.droppedTables.has(table))
                continue;
            const columnGone = index.columns.some((c) => down.droppedColumns.has(`${table}.${c}`));
            if (index.type === 'foreign' && columnGone)
                report(span, `up() adds foreign key ${name}; down() drops its column but not the key, which MySQL refuses: use dropConstrainedForeignId() or dropForeign() first`);
            else if (!columnGone)
                report(span, `up() adds index ${name} but down() does not drop it`);
        }
        for (const [t, span] of up.droppedTables)
            if (!down.createdTables.has(t))
                report(span, `up() drops table ${t} but down() does not recreate it`);
        for (const [c, span] of up.droppedColumns) {
            if (!up.createdTables.has(tableOf(c)) && !down.addedColumns.has(c))
                report(span, `up() drops ${c} but down() does not add it back`);
        }
        for (const [c, span] of up.changedColumns)
            if (!down.changedColumns.has(c))
                report(span, `up() changes ${c} but down() does not change it back`);
        for (const [name, span] of up.droppedIndexes)
            if (!down.addedIndexes.has(name))
                report(span, `up() drops index ${name} but down() does not recreate it`);
        for (const r of up.renamedColumns) {
            if (!down.renamedColumns.some((d) => d.table === r.table && d.from === r.to && d.to === r.from))
                report(r.span, `up() renames ${r.table}.${r.from} to ${r.to} but down() does not rename it back`);
        }
        for (const r of up.renamedTables) {
            if (!down.renamedTables.some((d) => d.from === r.to && d.to === r.from))
                report(r.span, `up() renames table ${r.from} to ${r.to} but down() does not rename it back`);
        }
    }
    if (!opacity.upOpaque) {
        const renamedTo = new Set(up.renamedTables.map((r) => r.to));
        const renamedColumnTo = new Set(up.renamedColumns.map((r) => `${r.table}.${r.to}`));
        for (const [t, span] of down.droppedTables) {
            if (!up.createdTables.has(t) && !renamedTo.has(t))
                report(span, `down() drops table ${t}, which up() did not create: rolling back destroys it`);
        }
        for (const [c, span] of down.droppedColumns) {
            if (!up.addedColumns.has(c) && !up.createdTables.has(tableOf(c)) && !renamedColumnTo.has(c))
                report(span, `down() drops ${c}, which up() did not add: rolling back destroys it`);
        }
        for (const [c, span] of down.addedColumns)
            if (!up.droppedColumns.has(c))
                report(span, `down() adds ${c}, which up() did not drop`);
        for (const [t, span] of down.createdTables)
            if (!up.droppedTables.has(t))
                report(span, `down() creates table ${t}, which up() did not drop`);
    }
    return out;
}

/** Runs every Laravel rule over one migration. */
function phpFindings(m, ctx) {
    const out = [];
    const at = (span) => ({ file: ctx.file, ...span });
    const upOps = m.up?.ops.ops ?? [];
    const downOps = m.down?.ops.ops ?? [];
    const created = new Set();
    const upSql = [];
    const downSql = [];
    for (const op of upOps) {
        if (op.op === 'raw-sql') {
            const e = readEmbedded(op);
            upSql.push(e);
            out.push(...embeddedFindings(e, ctx.file, created, true));
            if (m.withinTransaction && /\bconcurrently\b/i.test(op.sql ?? ''))
                out.push(concurrently(ctx.file, op));
            continue;
        }
        out.push(...opFindings(op, created, ctx));
    }
    for (const op of downOps) {
        if (op.op !== 'raw-sql')
            continue;
        const e = readEmbedded(op);
        downSql.push(e);
        out.push(...embeddedFindings(e, ctx.file, new Set(), false));
        if (m.withinTransaction && /\bconcurrently\b/i.test(op.sql ?? ''))
            out.push(concurrently(ctx.file, op));
    }
    if (!m.down) {
        out.push(finding('missing-down', at(m.span), 'the migration has no down(): a failed release cannot roll its schema back'));
    }
    else if (m.down.ops.empty) {
        out.push(finding('empty-down', at(m.down.span), 'down() is empty: rolling back leaves the schema of this migration in place'));
    }
    else {
        const expand = (ops, sql) => [...ops, ...sql.flatMap(embeddedOps)];
        out.push(...reversalFindings(expand(upOps, upSql), expand(downOps, downSql), ctx.file, {
            upOpaque: upSql.some((e) => !e.statements), downOpaque: downSql.some((e) => !e.statements)
        }));
    }
    return out;
}
function concurrently(file, op) {
    return finding('concurrently-in-transaction', { file, ...op.span }, `${op.call}() runs CONCURRENTLY inside the migration's transaction: Postgres refuses it (set public $withinTransaction = false)`);
}
function opFindings(op, created, ctx) {
    const site = { file: ctx.file, ...op.span };
    switch (op.op) {
        case 'create-table':
            created.add(op.table);
            return [];
        case 'drop-table':
            return created.has(op.table) ? [] : [finding('drop-table', site, `dropping table ${op.table} destroys its rows while the running code still queries it`)];
        case 'rename-table':
            return [finding('rename-table', site, `renaming table ${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)];
        case 'drop-column':
            if (created.has(op.table))
                return [];
            return [finding('drop-column', site, `dropping ${op.columns.map((c) => `${op.table}.${c}`).join(', ')} breaks the code still reading ${op.columns.length > 1 ? 'them' : 'it'} and destroys the data`)];
        case 'rename-column':
            return [finding('rename-column', site, `renaming ${op.table}.${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)];
        case 'add-column':
            return created.has(op.table) || fills(op.column) ? [] : [finding('add-not-null-column', site, `${op.table}.${op.column.name} is added NOT NULL without a default: the running code's INSERTs fail (and Postgres/SQLite refuse it on a non-empty table)`)];
        case 'change-column': return changeFindings(op.table, op.column, site, ctx);
        case 'add-index': {
            if (created.has(op.table))
                return [];
            const { type, name } = op.index;
            if (type === 'foreign')
                return [finding('add-foreign-key', site, `adding foreign key ${name} validates every row of ${op.table} while writes are blocked`)];
            if (type === 'unique' || type === 'primary')
                return [finding('add-unique', site, `adding ${type} index ${name} to ${op.table} blocks writes while it builds (and fails on duplicates)`)];
            return [finding('add-index', site, `adding index ${name} to ${op.table} blocks writes while it builds`)];
        }
        case 'delete-data': return [finding('delete-data', site, `${op.what} deletes rows in a schema migration; rolling back does not bring them back`)];
        default: return [];
    }
}
function fills(c) {
    if (SELF_FILLING.has(c.type))
        return true;
    for (const [name, args] of c.modifiers)
        if (FILLING_MODIFIERS.has(name) && !(name === 'nullable' && args[0] === 'false'))
            return true;
    return false;
}
function changeFindings(table, c, site, ctx) {
    const out = [];
    const prev = ctx.previousColumn(table, c.name);
    const where = prev ? ` (defined in ${prev.file}:${prev.column.span.line})` : '';
    const sameType = prev && prev.column.type === c.type && prev.column.args.join(',') === c.args.join(',');
    if (!sameType) {
        const from = prev ? ` from ${prev.column.type}(${prev.column.args.join(', ')})` : '';
        out.push(finding('change-column-type', site, `->change() of ${table}.${c.name}${from} to ${c.type}(${c.args.join(', ')}) rewrites the table under an exclusive lock and breaks code expecting the old type${where}`));
    }
    if (prev && (ctx.laravel === undefined || ctx.laravel >= 11)) {
        const lost = KEPT_MODIFIERS.filter((m) => prev.column.modifiers.has(m) && !c.modifiers.has(m))
            .map((m) => `${m}(${(prev.column.modifiers.get(m) ?? []).join(', ')})`);
        if (lost.length > 0)
            out.push(finding('change-drops-modifiers', site, `->change() of ${table}.${c.name} does not restate ${lost.join(', ')}${where}: Laravel 11+ drops ${lost.length > 1 ? 'them' : 'it'}`));
    }
    return out;
}

const STATEMENTS = /statement$|^(class|method|return|if|foreach|for|while|do|try|switch)$/;
/** Parses one Laravel migration and runs the rules on it. */
function checkPhpFile(text, ctx) {
    const parsed = parsePhp(text, ctx.file);
    if (!parsed.ok) {
        return { findings: [finding('parse-error', { file: ctx.file, line: parsed.line, column: parsed.column + 1 }, `PHP does not parse: ${parsed.message}`)], statements: [] };
    }
    const statements = [];
    if (text.includes('slipway-ignore')) {
        walk(parsed.ast, (n) => { if (n.loc && STATEMENTS.test(n.kind))
            statements.push([n.loc.start.line, n.loc.end.line]); });
    }
    const migration = readMigration(parsed.ast);
    if (!migration) {
        return { findings: [finding('unrecognized-migration', { file: ctx.file, line: 1, column: 1 }, 'no class extending Migration with an up() method was found')], statements };
    }
    return { findings: phpFindings(migration, ctx), statements, migration };
}

/** The Laravel major version of the app in `dir`, from composer.lock (else composer.json); undefined when unknown. */
function detectLaravel(dir) {
    try {
        const lock = JSON.parse(readFileSync(join(dir, 'composer.lock'), 'utf8'));
        const pkg = lock.packages?.find((p) => p.name === 'laravel/framework');
        const major = /^v?(\d+)/.exec(pkg?.version ?? '');
        if (major)
            return Number(major[1]);
    }
    catch { /* no lock file: try composer.json */ }
    try {
        const json = JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8'));
        const major = /(\d+)/.exec(json.require?.['laravel/framework'] ?? '');
        if (major)
            return Number(major[1]);
    }
    catch { /* unknown */ }
    return undefined;
}

/** Turns a glob (`**`, `*`, `?`, `{a,b}`) into an anchored RegExp over `/`-separated paths. */
function globToRegExp(glob) {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') {
            const slash = glob[i + 2] === '/';
            re += slash ? '(?:.*/)?' : '.*';
            i += slash ? 2 : 1;
        }
        else if (c === '*')
            re += '[^/]*';
        else if (c === '?')
            re += '[^/]';
        else if (c === '{') {
            const end = glob.indexOf('}', i);
            if (end < 0) {
                re += '\\{';
                continue;
            }
            re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
            i = end;
        }
        else
            re += escape(c);
    }
    return new RegExp(`^${re}$`);
}
function escape(s) {
    return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
/** Whether a `/`-separated relative path matches a glob; a glob without `/` also matches the base name. */
function matchesGlob(path, glob) {
    if (globToRegExp(glob).test(path))
        return true;
    return !glob.includes('/') && globToRegExp(glob).test(path.slice(path.lastIndexOf('/') + 1));
}

const exec = promisify(execFile);
async function git(cwd, args) {
    try {
        return (await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
    }
    catch (e) {
        const err = e;
        throw new CheckInputError(`git ${args[0]} failed: ${(err.stderr || err.message || '').trim()}`);
    }
}
/**
 * Keeps the candidates (relative paths) that were added or changed since the merge base of `base` and HEAD,
 * working tree and untracked files included. A migration that existed at the base and changed, was renamed or
 * was deleted is a `migration-modified` finding: it already ran in production and will not run again.
 */
async function selectChanged(cwd, base, candidates, roots) {
    if (!base || base.startsWith('-') || /[\s\0]/.test(base))
        throw new CheckInputError(`--base ${JSON.stringify(base)}: not a git ref`);
    const commit = (await git(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])).trim();
    const mergeBase = (await git(cwd, ['merge-base', commit, 'HEAD'])).trim();
    const wanted = new Set(candidates);
    const underRoots = (p) => /\.(php|sql)$/.test(p) && roots.some((r) => p.startsWith(`${r}/`) || matchesGlob(p, `${r}/**`) || p === r);
    const files = [];
    const added = new Set();
    const findings = [];
    const fields = (await git(cwd, ['diff', '--name-status', '-z', '--relative', '--find-renames', mergeBase, '--'])).split('\0');
    for (let i = 0; i < fields.length - 1;) {
        const status = fields[i++];
        const from = fields[i++];
        const to = status.startsWith('R') || status.startsWith('C') ? fields[i++] : from;
        if (status === 'A') {
            if (wanted.has(to)) {
                files.push(to);
                added.add(to);
            }
            continue;
        }
        if (status === 'D') {
            if (underRoots(from))
                findings.push(finding('migration-modified', { file: from, line: 1, column: 1 }, `${from} was merged and is now deleted: rolling back past it is no longer possible`));
            continue;
        }
        if (!wanted.has(to))
            continue;
        files.push(to);
        const line = await firstChangedLine(cwd, mergeBase, to);
        const message = status.startsWith('R')
            ? `${to} is ${from} renamed after it was merged: Laravel will run it again under its new name`
            : `${to} was merged and has changed since: databases that already ran it will never run the change`;
        findings.push(finding('migration-modified', { file: to, line, column: 1 }, message));
    }
    for (const p of (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0')) {
        if (wanted.has(p) && !added.has(p)) {
            files.push(p);
            added.add(p);
        }
    }
    return { files: [...new Set(files)].sort().map((f) => resolve(cwd, f)), added, findings };
}
async function firstChangedLine(cwd, mergeBase, file) {
    const diff = await git(cwd, ['diff', '-U0', '--relative', mergeBase, '--', file]);
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/m.exec(diff);
    if (!m)
        return 1;
    return Math.max(1, Number(m[1]) + (m[2] === '0' ? 1 : 0));
}

/** Where the "down" half of a goose / sql-migrate / dbmate file starts: only the "up" half is checked. */
const DOWN_MARKER = /^--\s*(\+goose\s+down|\+migrate\s+down|migrate:down)\b/im;
/** Checks one `.sql` migration with the PostgreSQL parser; a file that does not parse is a finding, not a crash. */
function checkSqlFile(file, text) {
    const down = DOWN_MARKER.exec(text);
    const up = down ? text.slice(0, down.index) : text;
    const locate = locator(text);
    if (up.trim() === '')
        return { findings: [], statements: [] };
    const parsed = parseSql(up);
    if (!parsed.ok) {
        return { findings: [finding('pg-parse-error', { file, ...locate(parsed.offset) }, `SQL does not parse: ${parsed.message}: needs review`)], statements: [] };
    }
    const statements = parsed.statements.map((s) => [locate(s.start).line, locate(Math.max(s.start, s.end - 1)).line]);
    return { findings: sqlFindings(parsed.statements, { file, locate, embedded: false, created: new Set() }), statements };
}

const PATTERN = /(\/\/|#|--|\/\*|^\s*\*)\s*slipway-ignore(-file)?\s+([\w*-]+(?:\s*,\s*[\w*-]+)*)(.*)$/;
/**
 * Reads the inline suppressions of a file. A comment alone on its line covers the statement that follows it
 * (all of it), a comment after code covers its own line, `slipway-ignore-file` covers the whole file.
 * A suppression without a reason suppresses nothing and is itself a finding.
 */
function readDirectives(file, text, statements) {
    const directives = [];
    const findings = [];
    const lines = text.split('\n');
    lines.forEach((content, i) => {
        if (!content.includes('slipway-ignore'))
            return;
        const m = PATTERN.exec(content);
        if (!m)
            return;
        const line = i + 1;
        const rules = m[3].split(',').map((r) => r.trim());
        const reason = /^\s*:/.test(m[4] ?? '') ? m[4].replace(/^\s*:/, '').replace(/\*\/.*$/, '').trim() : '';
        if (!reason) {
            findings.push(finding('suppression-without-reason', { file, line, column: (m.index ?? 0) + 1 }, `slipway-ignore ${rules.join(', ')} has no reason, so it suppresses nothing`));
            return;
        }
        if (m[2]) {
            directives.push({ rules, reason, line, from: 1, to: lines.length });
            return;
        }
        const trailing = content.slice(0, m.index).trim() !== '' && !/^\s*\*/.test(content);
        directives.push({ rules, reason, line, from: line, to: trailing ? line : coveredUntil(line, statements) });
    });
    return { directives, findings };
}
function coveredUntil(line, statements) {
    let first = Infinity;
    let end = line;
    for (const [start, stop] of statements) {
        if (start <= line)
            continue;
        if (start < first) {
            first = start;
            end = stop;
        }
        else if (start === first)
            end = Math.max(end, stop);
    }
    return end;
}
/** Checks the config's `ignore` and `rules`: an unknown rule id, a missing reason or a bad level is bad input. */
function validateConfig(config, known) {
    for (const [i, entry] of (config.ignore ?? []).entries()) {
        if (!entry.rule)
            throw new CheckInputError(`check.ignore[${i}]: rule is required`);
        if (entry.rule !== '*' && !known(entry.rule))
            throw new CheckInputError(`check.ignore[${i}]: unknown rule ${entry.rule}`);
        if (!entry.reason || !entry.reason.trim())
            throw new CheckInputError(`check.ignore[${i}] (${entry.rule}): a reason is required`);
    }
    for (const [id, level] of Object.entries(config.rules ?? {})) {
        if (!known(id))
            throw new CheckInputError(`check.rules: unknown rule ${id}`);
        if (!['error', 'warning', 'notice', 'off'].includes(level))
            throw new CheckInputError(`check.rules.${id}: ${String(level)} is not error, warning, notice or off`);
    }
}
/** Splits findings into kept and suppressed (by an inline directive first, then by the config's ignore list). */
function applySuppressions(findings, directives, ignores) {
    const kept = [];
    const suppressed = [];
    for (const f of findings) {
        if (f.ruleId === 'suppression-without-reason') {
            kept.push(f);
            continue;
        }
        const d = directives.find((x) => matches(x.rules, f.ruleId) && f.line >= x.from && f.line <= x.to);
        if (d) {
            suppressed.push({ ...f, suppression: { kind: 'inline', reason: d.reason, line: d.line } });
            continue;
        }
        const entry = (ignores ?? []).find((x) => matches([x.rule], f.ruleId) && (!x.path || matchesGlob(f.file, x.path)));
        if (entry) {
            suppressed.push({ ...f, suppression: { kind: 'config', reason: entry.reason } });
            continue;
        }
        kept.push(f);
    }
    return { kept, suppressed };
}
function matches(rules, id) {
    return rules.includes(id) || rules.includes('*');
}

/**
 * The PHP helper that --verify runs with the app's PHP: `php slipway-db.php create|drop|snapshot`.
 * Connection settings come from SLIPWAY_DB (JSON: driver, database, host, port, username, password, scratch).
 * `snapshot` prints the schema as sorted lines, one per column, index and foreign key, the `migrations` table left out.
 */
const DB_SCRIPT = String.raw `<?php
$c = json_decode(getenv('SLIPWAY_DB'), true);
$action = $argv[1] ?? 'snapshot';
function connect(array $c, ?string $db) {
    $o = [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC];
    if ($c['driver'] === 'sqlite') return new PDO('sqlite:' . $c['database'], null, null, $o);
    $dsn = $c['driver'] === 'pgsql'
        ? "pgsql:host={$c['host']};port={$c['port']};dbname=" . ($db ?? 'postgres')
        : "mysql:host={$c['host']};port={$c['port']}" . ($db === null ? '' : ";dbname=$db");
    return new PDO($dsn, $c['username'], $c['password'], $o);
}
$q = fn ($s) => $c['driver'] === 'mysql' ? chr(96) . $s . chr(96) : '"' . $s . '"';
if ($action === 'create' || $action === 'drop') {
    $pdo = connect($c, $c['driver'] === 'pgsql' ? ($c['admin'] ?? 'postgres') : null);
    $pdo->exec(($action === 'create' ? 'CREATE DATABASE ' : 'DROP DATABASE IF EXISTS ') . $q($c['database']));
    exit(0);
}
$pdo = connect($c, $c['database']);
$lines = [];
if ($c['driver'] === 'sqlite') {
    $norm = function ($v) { if ($v === null || strtoupper($v) === 'NULL') return 'none'; return trim($v, "'\""); };
    foreach ($pdo->query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'") as $t) {
        $n = $t['name'];
        foreach ($pdo->query("PRAGMA table_info(\"$n\")") as $col) {
            $type = strtolower(preg_replace('/\s*\(.*\)$/', '', $col['type']));
            $lines[] = "$n: column {$col['name']} $type" . ($col['notnull'] ? ' not null' : ' null') . ' default ' . $norm($col['dflt_value']) . ($col['pk'] ? ' primary key' : '');
        }
        foreach ($pdo->query("PRAGMA index_list(\"$n\")") as $ix) {
            if ($ix['origin'] === 'pk') continue;
            $cols = array_map(fn ($r) => $r['name'], $pdo->query("PRAGMA index_info(\"{$ix['name']}\")")->fetchAll());
            $name = str_starts_with($ix['name'], 'sqlite_autoindex_') ? 'auto' : $ix['name'];
            $lines[] = "$n: " . ($ix['unique'] ? 'unique ' : '') . "index $name (" . implode(', ', $cols) . ')';
        }
        foreach ($pdo->query("PRAGMA foreign_key_list(\"$n\")") as $fk) {
            $lines[] = "$n: foreign key ({$fk['from']}) references {$fk['table']} ({$fk['to']}) on delete " . strtolower($fk['on_delete']);
        }
    }
} elseif ($c['driver'] === 'pgsql') {
    foreach ($pdo->query("SELECT table_name, column_name, data_type, character_maximum_length AS len, is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'migrations'") as $r) {
        $lines[] = "{$r['table_name']}: column {$r['column_name']} {$r['data_type']}" . ($r['len'] ? "({$r['len']})" : '') . ($r['is_nullable'] === 'NO' ? ' not null' : ' null') . ' default ' . ($r['column_default'] ?? 'none');
    }
    foreach ($pdo->query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'migrations'") as $r) {
        $lines[] = "{$r['tablename']}: index {$r['indexname']} " . preg_replace('/^.* USING /', 'using ', $r['indexdef']);
    }
    foreach ($pdo->query("SELECT c.conrelid::regclass::text AS t, c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() AND c.contype IN ('f', 'c', 'u', 'p', 'x')") as $r) {
        if ($r['t'] !== 'migrations') $lines[] = "{$r['t']}: constraint {$r['conname']} {$r['def']}";
    }
} else {
    foreach ($pdo->query("SELECT TABLE_NAME t, COLUMN_NAME c, COLUMN_TYPE ty, IS_NULLABLE n, COLUMN_DEFAULT d, EXTRA e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'") as $r) {
        $lines[] = "{$r['t']}: column {$r['c']} {$r['ty']}" . ($r['n'] === 'NO' ? ' not null' : ' null') . ' default ' . (($r['d'] === null || $r['d'] === 'NULL') ? 'none' : $r['d']) . ($r['e'] ? " {$r['e']}" : '');
    }
    foreach ($pdo->query("SELECT TABLE_NAME t, INDEX_NAME i, NON_UNIQUE nu, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') cols FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE") as $r) {
        $lines[] = "{$r['t']}: " . ($r['nu'] ? '' : 'unique ') . "index {$r['i']} ({$r['cols']})";
    }
    foreach ($pdo->query("SELECT TABLE_NAME t, CONSTRAINT_NAME n, COLUMN_NAME c, REFERENCED_TABLE_NAME rt, REFERENCED_COLUMN_NAME rc FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL") as $r) {
        $lines[] = "{$r['t']}: foreign key {$r['n']} ({$r['c']}) references {$r['rt']} ({$r['rc']})";
    }
}
sort($lines);
echo json_encode($lines), "\n";
`;

const SKIP = new Set(['vendor', 'node_modules', '.git']);
function run(cmd, args, cwd, env) {
    return new Promise((done) => {
        execFile(cmd, args, { cwd, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            done({ code, output: `${stdout}${stderr}`.trim() });
        });
    });
}
/**
 * Copies the app at `source` to a temp dir (vendor/ linked, not copied; cached config and the migrations
 * under test left out; environment variables override .env), creates the scratch database and returns the handle. `exclude` are the base
 * names of the migrations under test, held back from the baseline.
 */
async function scratchApp(source, target, exclude, php = 'php') {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-verify-'));
    const app = join(dir, 'app');
    await cp(source, app, {
        recursive: true,
        filter: (src) => {
            const rel = src.slice(source.length).replace(/^[\\/]/, '');
            const top = rel.split(/[\\/]/)[0] ?? '';
            if (SKIP.has(top) || /^bootstrap[\\/]cache[\\/].*\.php$/.test(rel))
                return false;
            return !(/^database[\\/]migrations[\\/]/.test(rel) && exclude.has(basename(rel)));
        }
    });
    await symlink(join(source, 'vendor'), join(app, 'vendor')).catch(() => undefined);
    const migrations = join(app, 'database', 'migrations');
    await mkdir(migrations, { recursive: true });
    const database = target.driver === 'sqlite' ? join(dir, 'scratch.sqlite') : `slipway_verify_${process.pid}_${Date.now().toString(36)}`;
    if (target.driver === 'sqlite')
        await writeFile(database, '');
    const script = join(dir, 'slipway-db.php');
    await writeFile(script, DB_SCRIPT);
    const settings = JSON.stringify({ ...target, database });
    const env = {
        ...process.env, SLIPWAY_DB: settings, APP_ENV: 'local', DB_CONNECTION: target.driver, DB_DATABASE: database,
        DB_HOST: target.host, DB_PORT: target.port, DB_USERNAME: target.username, DB_PASSWORD: target.password,
        DATABASE_URL: '', DB_URL: '', CACHE_DRIVER: 'array', CACHE_STORE: 'array', SESSION_DRIVER: 'array', COLUMNS: '400'
    };
    const db = async (action) => run(php, [script, action], dir, env);
    if (target.driver !== 'sqlite') {
        const created = await db('create');
        if (created.code !== 0) {
            await rm(dir, { recursive: true, force: true });
            throw new Error(`cannot create scratch database: ${created.output}`);
        }
    }
    return {
        dir: app,
        migrations,
        artisan: (args) => run(php, ['artisan', ...args, '--force', '--no-interaction', '--no-ansi'], app, env),
        async snapshot() {
            const r = await db('snapshot');
            if (r.code !== 0)
                throw new Error(`schema snapshot failed: ${r.output}`);
            return JSON.parse(r.output.split('\n').pop() ?? '[]');
        },
        async dispose() {
            if (target.driver !== 'sqlite')
                await db('drop');
            await rm(dir, { recursive: true, force: true });
        }
    };
}

/**
 * Parses a --database DSN: `sqlite` (a scratch file, the default), `pgsql://user:pass@host:port/db`
 * (also `postgres://`, `postgresql://`) or `mysql://user:pass@host:port` (also `mariadb://`).
 * The server is only used to create and drop a scratch database; the named database is never written to.
 */
function parseDsn(dsn) {
    const text = dsn.trim();
    if (text === '' || text === 'sqlite' || text.startsWith('sqlite:')) {
        return { driver: 'sqlite', host: '', port: '', username: '', password: '', admin: '' };
    }
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new CheckInputError(`--database ${text}: not a DSN (sqlite, pgsql://…, mysql://…)`);
    }
    const scheme = url.protocol.replace(/:$/, '');
    const driver = ['pgsql', 'postgres', 'postgresql'].includes(scheme) ? 'pgsql' : ['mysql', 'mariadb'].includes(scheme) ? 'mysql' : undefined;
    if (!driver)
        throw new CheckInputError(`--database ${text}: unknown scheme ${scheme} (sqlite, pgsql, mysql)`);
    return {
        driver,
        host: decodeURIComponent(url.hostname) || '127.0.0.1',
        port: url.port || (driver === 'pgsql' ? '5432' : '3306'),
        username: decodeURIComponent(url.username) || (driver === 'pgsql' ? 'postgres' : 'root'),
        password: decodeURIComponent(url.password),
        admin: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres'
    };
}

/** Schema lines only before (`-`) and only after (`+`). */
function schemaDiff(before, after) {
    const a = new Set(before);
    const b = new Set(after);
    return [...before.filter((l) => !b.has(l)).map((l) => `- ${l}`), ...after.filter((l) => !a.has(l)).map((l) => `+ ${l}`)].join('\n');
}
/** The last lines of a command's output, blank lines and stack frames left out. */
function tail(r, lines = 12) {
    return r.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^#\d+ /.test(l)).slice(-lines).join('\n');
}
/**
 * Runs each migration for real on a copy of the app: `migrate` (up), snapshot, `migrate:rollback --step=1` (down),
 * compare with the schema before, `migrate` again and compare with the first up. The baseline is every other
 * migration of the app, migrated first.
 */
async function verifyMigrations(input) {
    const target = parseDsn(input.database);
    const files = [...input.files].sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : 1));
    if (files.length === 0)
        return { outcomes: [], findings: [] };
    if (!existsSync(join(input.app, 'artisan')))
        throw new CheckInputError(`--verify: no artisan in ${input.app} (point --app at the Laravel app)`);
    let app;
    try {
        app = await scratchApp(input.app, target, new Set(files.map((f) => basename(f.path))));
    }
    catch (e) {
        throw new CheckInputError(`--verify: ${e.message}`);
    }
    try {
        const baseline = await app.artisan(['migrate']);
        if (baseline.code !== 0)
            throw new CheckInputError(`--verify: the app's other migrations fail before the checked ones run:\n${tail(baseline)}`);
        const outcomes = [];
        const findings = [];
        let broken;
        for (const f of files) {
            const file = relativePath(input.cwd, f.path);
            if (broken) {
                outcomes.push({ file, status: 'skipped', detail: broken });
                continue;
            }
            const upAt = { file, ...(f.migration.up?.span ?? f.migration.span) };
            const downAt = { file, ...(f.migration.down?.span ?? f.migration.span) };
            const outcome = await verifyOne(app, f.path);
            outcomes.push({ file, ...outcome });
            if (outcome.status !== 'ok') {
                // Start the next migration from a clean schema: this one's leftovers would blur its diff.
                if (outcome.status.endsWith('failed'))
                    await rm(join(app.migrations, basename(f.path)), { force: true });
                const fresh = await app.artisan(['migrate:fresh']);
                if (fresh.code !== 0)
                    broken = `the scratch database could not be rebuilt after ${basename(f.path)}:\n${tail(fresh)}`;
            }
            const detail = outcome.detail;
            const name = basename(f.path);
            switch (outcome.status) {
                case 'up-failed':
                    findings.push(finding('verify-up-failed', upAt, `php artisan migrate fails on ${name}`, detail));
                    break;
                case 'down-failed':
                    findings.push(finding('verify-down-failed', downAt, `php artisan migrate:rollback fails right after ${name} ran`, detail));
                    break;
                case 'down-mismatch':
                    findings.push(finding('verify-down-mismatch', downAt, `rolling back ${name} does not restore the schema it started from`, detail));
                    break;
                case 'reapply-failed':
                    findings.push(finding('verify-reapply-failed', upAt, `${name} fails when migrated again after its rollback`, detail));
                    break;
                case 'reapply-mismatch':
                    findings.push(finding('verify-reapply-mismatch', upAt, `${name} gives a different schema when migrated again after its rollback`, detail));
                    break;
            }
        }
        return { outcomes, findings };
    }
    finally {
        await app.dispose();
    }
}
async function verifyOne(app, path) {
    const target = join(app.migrations, basename(path));
    const before = await app.snapshot();
    await copyFile(path, target);
    const up = await app.artisan(['migrate']);
    if (up.code !== 0)
        return { status: 'up-failed', detail: tail(up) };
    const afterUp = await app.snapshot();
    const down = await app.artisan(['migrate:rollback', '--step=1']);
    if (down.code !== 0)
        return { status: 'down-failed', detail: tail(down) };
    const afterDown = await app.snapshot();
    const downDiff = schemaDiff(before, afterDown);
    const again = await app.artisan(['migrate']);
    if (downDiff) {
        const note = again.code !== 0 ? `\nmigrating again then fails:\n${tail(again, 4)}` : '';
        return { status: 'down-mismatch', detail: `schema after rollback vs before up():\n${downDiff}${note}` };
    }
    if (again.code !== 0)
        return { status: 'reapply-failed', detail: tail(again) };
    const upDiff = schemaDiff(afterUp, await app.snapshot());
    if (upDiff)
        return { status: 'reapply-mismatch', detail: `schema after second up() vs first up():\n${upDiff}` };
    return { status: 'ok' };
}

const SEVERITY = { error: 0, warning: 1, notice: 2 };
const REASON = { 'data-loss': 0, 'breaks-running-code': 1, 'fails-to-apply': 2, irreversible: 3, lock: 4, 'needs-review': 5 };
/** Orders findings worst first: severity, then reason (data loss before a lock), then position. */
function byWorst(a, b) {
    return SEVERITY[a.severity] - SEVERITY[b.severity] || REASON[a.reason] - REASON[b.reason] ||
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column;
}
/** `1 error`, `2 warnings`. */
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The human report: findings grouped by file (`line:col  severity  rule  message`, then why and how to fix it),
 * the --verify outcomes, and a summary line.
 */
function formatText(result) {
    const lines = [];
    let file;
    for (const f of result.findings) {
        if (f.file !== file) {
            if (file !== undefined)
                lines.push('');
            file = f.file;
            lines.push(f.file);
        }
        lines.push(`  ${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.ruleId}  ${f.message}`);
        if (f.detail)
            for (const d of f.detail.split('\n'))
                lines.push(`      | ${d}`);
        lines.push(`      why: ${f.reason}. fix: ${f.fix}`);
    }
    if (result.verify && result.verify.length > 0) {
        if (lines.length > 0)
            lines.push('');
        lines.push('verify (up → down → up on a scratch database):');
        for (const v of result.verify)
            lines.push(`  ${v.status.padEnd(16)}  ${v.file}`);
    }
    if (lines.length > 0)
        lines.push('');
    const { error, warning, notice } = result.counts;
    const suppressed = result.suppressed.length > 0 ? ` (${result.suppressed.length} suppressed)` : '';
    lines.push(`${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(notice, 'notice')} in ${plural(result.files.length, 'file')}${suppressed}`);
    return `${lines.join('\n')}\n`;
}

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' };
/** Tool version reported in SARIF. */
const TOOL_VERSION = '0.1.0';
/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule in `tool.driver.rules` (so a rule that stops firing
 * closes its alert), one result per finding, URIs relative to the repository root (`%SRCROOT%`).
 */
function formatSarif(result, options = {}) {
    const index = new Map(RULES.map((r, i) => [r.id, i]));
    const toResult = (f) => {
        const region = { startLine: f.line, startColumn: f.column };
        if (f.endLine !== undefined)
            region.endLine = f.endLine;
        if (f.endColumn !== undefined && (f.endLine === undefined || f.endLine === f.line ? f.endColumn > f.column : true))
            region.endColumn = f.endColumn;
        const out = {
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId),
            level: LEVEL[f.severity],
            message: { text: `${f.message}${f.detail ? `\n${f.detail}` : ''}\nFix: ${f.fix}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' }, region } }],
            properties: { reason: f.reason }
        };
        if ('suppression' in f) {
            out.suppressions = [{ kind: f.suppression.kind === 'inline' ? 'inSource' : 'external', justification: f.suppression.reason }];
        }
        return out;
    };
    const sarif = {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [{
                tool: {
                    driver: {
                        name: 'slipway',
                        version: TOOL_VERSION,
                        rules: RULES.map((r) => ({
                            id: r.id,
                            name: r.id.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase()),
                            shortDescription: { text: r.title },
                            fullDescription: { text: `${r.title} (${r.reason}).` },
                            help: { text: r.fix },
                            defaultConfiguration: { level: LEVEL[r.severity] },
                            properties: { tags: ['migration', r.reason] }
                        }))
                    }
                },
                results: [...result.findings.map(toResult), ...(options.includeSuppressed ? result.suppressed.map(toResult) : [])]
            }]
    };
    return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** Escapes a workflow command's message, as @actions/core does: `%`, `\r`, `\n`. */
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Escapes a workflow command's property value: `%`, `\r`, `\n`, `:` and `,`. */
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** One `::error file=…,line=…,col=…,endLine=…,title=…::message` command for a finding. */
function annotation(f) {
    const props = [
        ['file', f.file], ['line', f.line], ['col', f.column], ['endLine', f.endLine], ['title', `${f.ruleId}: ${f.reason}`]
    ];
    const list = props.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
    return `::${f.severity} ${list}::${escapeData(`${f.message}${f.detail ? `\n${f.detail}` : ''}\nFix: ${f.fix}`)}`;
}
/**
 * GitHub workflow annotations: the worst `limit` findings of each level as `::error`/`::warning`/`::notice`
 * commands, then a plain line counting what was left out (the job summary has the full table).
 */
function formatGithub(result, options = {}) {
    const limit = options.limit ?? 10;
    const lines = [];
    const left = [];
    for (const level of ['error', 'warning', 'notice']) {
        const all = result.findings.filter((f) => f.severity === level).sort(byWorst);
        for (const f of all.slice(0, limit))
            lines.push(annotation(f));
        if (all.length > limit)
            left.push(plural(all.length - limit, level));
    }
    if (left.length > 0)
        lines.push(`slipway check: ${left.join(', ')} not annotated (GitHub shows ${limit} per level); see the full report.`);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Checks migrations for safety before they merge: Laravel migrations (PHP, read with php-parser) and `.sql` files
 * (read with the PostgreSQL parser) against rules for locks, code that breaks during a rollout, data loss and
 * missing or wrong rollbacks; with `verify`, also runs the Laravel migrations up → down → up on a scratch database.
 *
 * Throws CheckInputError on bad input (missing path, bad git ref, ignore entry without reason).
 */
async function checkMigrations(options = {}) {
    const cwd = resolve(options.cwd ?? process.cwd());
    const config = options.config ?? {};
    validateConfig(config, (id) => RULES.some((r) => r.id === id));
    const paths = options.paths && options.paths.length > 0 ? options.paths : config.paths;
    let files = await collectFiles(cwd, paths);
    const raw = [];
    if (options.base) {
        const selection = await selectChanged(cwd, options.base, files.map((f) => relativePath(cwd, f)), roots(cwd, paths));
        files = selection.files;
        raw.push(...selection.findings);
    }
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    // The PostgreSQL parser (WASM) loads only when there is SQL to read.
    if (files.some((f) => f.endsWith('.sql')) || texts.some((t) => /statement\s*\(|unprepared\s*\(/.test(t)))
        await loadSqlParser();
    const app = resolve(cwd, options.app ?? config.verify?.app ?? '.');
    const laravel = config.laravel ?? detectLaravel(app) ?? detectLaravel(cwd);
    const migrations = new Map();
    const history = new ColumnHistory(migrations);
    const directives = new Map();
    files.forEach((abs, i) => {
        const file = relativePath(cwd, abs);
        const text = texts[i];
        let result;
        if (abs.endsWith('.sql')) {
            result = checkSqlFile(file, text);
        }
        else {
            const php = checkPhpFile(text, { file, laravel, previousColumn: (t, c) => history.previous(abs, t, c) });
            migrations.set(abs, php.migration);
            result = php;
        }
        const inline = readDirectives(file, text, result.statements);
        directives.set(file, inline.directives);
        raw.push(...result.findings, ...inline.findings);
    });
    let verify;
    if (options.verify) {
        const php = files.flatMap((path) => { const migration = migrations.get(path); return migration ? [{ path, migration }] : []; });
        const run = await verifyMigrations({ cwd, app, files: php, database: options.database ?? config.verify?.database ?? 'sqlite' });
        verify = run.outcomes;
        raw.push(...run.findings);
    }
    const findings = [];
    const suppressed = [];
    for (const f of overrideSeverities(raw, config.rules)) {
        const split = applySuppressions([f], directives.get(f.file) ?? [], config.ignore);
        findings.push(...split.kept);
        suppressed.push(...split.suppressed);
    }
    findings.sort(byPosition);
    suppressed.sort(byPosition);
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const f of findings)
        counts[f.severity]++;
    const result = { findings, suppressed, files: files.map((f) => relativePath(cwd, f)), counts, exitCode: counts.error > 0 ? 1 : 0 };
    if (verify)
        result.verify = verify;
    return result;
}
function overrideSeverities(findings, rules) {
    if (!rules)
        return findings;
    return findings.flatMap((f) => {
        const level = rules[f.ruleId];
        if (level === 'off')
            return [];
        return level ? [{ ...f, severity: level }] : [f];
    });
}
function byPosition(a, b) {
    return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

export { CheckInputError as C, formatGithub as a, formatSarif as b, checkMigrations as c, formatText as f };
