import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { stat, readdir, mkdtemp, mkdir, writeFile, rm, cp, symlink, readFile, copyFile, realpath } from 'node:fs/promises';
import { resolve, join, relative, sep, basename, dirname } from 'node:path';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';

/** Bad input to the check (unknown path, bad git ref, bad config): the command exits 2 with this message. */
class CheckInputError extends Error {
    name = 'CheckInputError';
}

const SKIP_DIRS = { node_modules: 'dependencies (node_modules)', vendor: 'dependencies (vendor)', '.git': 'git metadata' };
const MIGRATION = /\.(php|sql)$/;
/** Rollback scripts of SQL tools (dbmate/golang-migrate/diesel `down.sql`, `*.down.sql`): not run on deploy. */
const DOWN_SQL = /(^|[._-])down\.sql$/i;
/** Turns an absolute path into the `/`-separated path relative to cwd that findings carry. */
function relativePath(cwd, file) {
    return relative(cwd, file).split(sep).join('/');
}
/**
 * The migration files to check, absolute and sorted: every `.php`/`.sql` file under the given paths, or by default
 * `database/migrations` and the `.sql` files under any `migrations` directory. Directory walks leave out dependency
 * directories and rollback scripts, and say so in `skipped`; a path given explicitly is always checked. A path that
 * does not exist is bad input.
 */
async function collectFiles(cwd, paths) {
    const found = new Set();
    const skipped = [];
    const note = (abs, reason) => { skipped.push({ path: relativePath(cwd, abs), reason }); };
    if (paths && paths.length > 0) {
        for (const p of paths) {
            const abs = resolve(cwd, p);
            const info = await stat(abs).catch(() => undefined);
            if (!info)
                throw new CheckInputError(`${p}: no such file or directory`);
            if (info.isDirectory())
                for (const f of await walk$1(abs, () => true, note))
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
            for (const f of await walk$1(laravel, () => true, note))
                found.add(f);
        // Outside the given paths, dependency directories are not the project's: left out without a note.
        for (const f of await walk$1(cwd, (dir) => dir.split(sep).includes('migrations'), note, '.sql', true))
            found.add(f);
    }
    return { files: [...found].sort(), skipped: dedupe(skipped) };
}
function dedupe(skipped) {
    const seen = new Set();
    return skipped.filter((s) => !seen.has(s.path) && seen.add(s.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
/** The directories given on the command line (or the defaults), for matching deleted files under --base. */
function roots(cwd, paths) {
    return paths && paths.length > 0 ? paths.map((p) => relativePath(cwd, resolve(cwd, p))) : ['database/migrations', '**/migrations'];
}
async function walk$1(dir, keep, note, ext, quiet = false) {
    const out = [];
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
        const abs = join(dir, e.name);
        if (e.isDirectory()) {
            const reason = SKIP_DIRS[e.name];
            if (reason) {
                if (!quiet)
                    note(abs, `directory of ${reason}; pass it explicitly to check it`);
                continue;
            }
            out.push(...await walk$1(abs, keep, note, ext, quiet));
        }
        else if (e.isFile() && MIGRATION.test(e.name) && (!ext || e.name.endsWith(ext)) && keep(dir)) {
            if (DOWN_SQL.test(e.name)) {
                note(abs, 'rollback script (down.sql): not run on deploy; pass it explicitly to check it');
                continue;
            }
            out.push(abs);
        }
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
let resolver;
/** Runs `fn` with `r` answering literal() and literalList() for non-literal expressions (the method being read). */
function withResolver(r, fn) {
    const saved = resolver;
    resolver = r;
    try {
        return fn();
    }
    finally {
        resolver = saved;
    }
}
/** The literal value of a string/number node, or the value the current resolver knows; undefined when computed. */
function literal(n) {
    if (!n)
        return undefined;
    if (n.kind === 'string' || n.kind === 'number')
        return String(n.value);
    if (n.kind === 'nowdoc')
        return String(n.value);
    if (n.kind === 'namedargument')
        return literal(node(n, 'value'));
    const r = resolver?.(n);
    return typeof r === 'string' ? r : undefined;
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
    const r = n.kind === 'string' || n.kind === 'number' || n.kind === 'nowdoc' ? literal(n) : resolver?.(n);
    return r === undefined ? undefined : typeof r === 'string' ? [r] : r;
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

/** The variables of one method while it is read; `null` marks a variable known to hold something computed. */
class Scope {
    cls;
    vars = new Map();
    constructor(cls) {
        this.cls = cls;
    }
}
/** Collects the properties, constants and methods of a class declaration. */
function classInfo(cls) {
    const info = { props: new Map(), consts: new Map(), methods: new Map() };
    for (const member of nodes(cls, 'body')) {
        if (member.kind === 'method')
            info.methods.set((nameOf(node(member, 'name')) ?? '').toLowerCase(), member);
        // `$this->tables = [...]` at the top of the constructor is the property's value.
        if (member.kind === 'method' && nameOf(node(member, 'name'))?.toLowerCase() === '__construct') {
            for (const st of nodes(node(member, 'body'), 'children')) {
                const e = node(st, 'expression');
                const key = e?.kind === 'assign' ? memberKey(node(e, 'left')) : undefined;
                const value = node(e, 'right');
                if (key && value)
                    info.props.set(key.slice(6), value);
            }
        }
        for (const p of member.kind === 'propertystatement' ? nodes(member, 'properties') : []) {
            const value = node(p, 'value');
            if (value)
                info.props.set(nameOf(node(p, 'name')) ?? '', value);
        }
        for (const c of member.kind === 'classconstant' ? nodes(member, 'constants') : []) {
            const value = node(c, 'value');
            if (value)
                info.consts.set(nameOf(node(c, 'name')) ?? '', value);
        }
    }
    return info;
}
const SELF = new Set(['selfreference', 'staticreference']);
/** The key a `$this->name` (or `self::$name`) assignment is kept under in a scope. */
function memberKey(n) {
    const what = node(n, 'what');
    if ((n.kind === 'propertylookup' || n.kind === 'nullsafepropertylookup') && what?.kind === 'variable' && nameOf(what) === 'this') {
        return `this->${nameOf(node(n, 'offset')) ?? ''}`;
    }
    return undefined;
}
/** The static value of an expression: literals, arrays, variables and members with a known value, `.` and "{$x}". */
function evaluate(n, scope, depth = 0) {
    if (!n || depth > 8)
        return undefined;
    switch (n.kind) {
        case 'string':
        case 'number':
        case 'nowdoc': return { s: String(n.value) };
        case 'variable': return scope.vars.get(nameOf(n) ?? '') ?? undefined;
        case 'cast': return n.type === 'string' ? evaluate(node(n, 'expr'), scope, depth + 1) : undefined;
        case 'array': return arrayValue(n, scope, depth);
        case 'bin': {
            if (n.type !== '.')
                return undefined;
            return concat([evaluate(node(n, 'left'), scope, depth + 1), evaluate(node(n, 'right'), scope, depth + 1)]);
        }
        case 'encapsed':
            return n.type === 'string' || n.type === 'heredoc' ? concat(nodes(n, 'value').map((p) => evaluate(node(p, 'expression'), scope, depth + 1))) : undefined;
        case 'propertylookup':
        case 'nullsafepropertylookup': {
            const key = memberKey(n);
            if (!key)
                return undefined;
            if (scope.vars.has(key))
                return scope.vars.get(key) ?? undefined;
            return evaluate(scope.cls.props.get(key.slice(6)), new Scope(scope.cls), depth + 1);
        }
        case 'staticlookup': {
            const what = node(n, 'what');
            if (!what || !SELF.has(what.kind))
                return undefined;
            const offset = node(n, 'offset');
            const member = offset?.kind === 'variable' ? scope.cls.props.get(nameOf(offset) ?? '') : scope.cls.consts.get(nameOf(offset) ?? '');
            return evaluate(member, new Scope(scope.cls), depth + 1);
        }
        case 'call': return nameOf(node(n, 'what')) === 'sprintf' ? sprintf(n, scope, depth) : returnedValue(n, scope, depth);
        default: return undefined;
    }
}
function arrayValue(n, scope, depth) {
    const items = [];
    for (const entry of nodes(n, 'items')) {
        if (entry.unpack)
            return undefined;
        const keyNode = node(entry, 'key');
        const key = keyNode ? evaluate(keyNode, scope, depth + 1) : undefined;
        if (keyNode && (!key || !('s' in key)))
            return undefined;
        const value = evaluate(entry.kind === 'entry' ? node(entry, 'value') : entry, scope, depth + 1);
        if (!value)
            return undefined;
        items.push([key && 's' in key ? key.s : undefined, value]);
    }
    return { items };
}
/** `sprintf('%s_tz', $column)` with only %s and %d placeholders. */
function sprintf(call, scope, depth) {
    const [format, ...args] = nodes(call, 'arguments').map((a) => evaluate(a, scope, depth + 1));
    if (!format || !('s' in format) || /%[^sd%]/.test(format.s))
        return undefined;
    let i = 0;
    let ok = true;
    const s = format.s.replace(/%([sd%])/g, (_, c) => {
        if (c === '%')
            return '%';
        const v = args[i++];
        if (!v || !('s' in v)) {
            ok = false;
            return '';
        }
        return v.s;
    });
    return ok ? { s } : undefined;
}
function concat(parts) {
    let s = '';
    for (const p of parts) {
        if (!p || !('s' in p))
            return undefined;
        s += p.s;
    }
    return { s };
}
/** `$this->tables()` where the method takes no argument and returns a value it can know. */
function returnedValue(call, scope, depth) {
    const what = node(call, 'what');
    if (nodes(call, 'arguments').length > 0 || !what)
        return undefined;
    const self = memberKey(what) !== undefined || (what.kind === 'staticlookup' && SELF.has(node(what, 'what')?.kind ?? ''));
    if (!self)
        return undefined;
    const method = scope.cls.methods.get((nameOf(node(what, 'offset')) ?? '').toLowerCase());
    const ret = nodes(node(method, 'body'), 'children').find((s) => s.kind === 'return');
    return evaluate(node(ret, 'expr'), new Scope(scope.cls), depth + 1);
}
/** A value as the rules read names: a string, or a list of strings; undefined for anything else. */
function asNames(v) {
    if (!v)
        return undefined;
    if ('s' in v)
        return v.s;
    const out = [];
    for (const [, item] of v.items) {
        if (!('s' in item))
            return undefined;
        out.push(item.s);
    }
    return out;
}
/** How to name an expression the check could not evaluate, for messages: `$tableName`, `config()`, `an expression`. */
function describe(n) {
    if (!n)
        return 'a missing argument';
    if (n.kind === 'variable')
        return `$${nameOf(n) ?? ''}`;
    if (n.kind === 'call')
        return `${nameOf(node(n, 'what')) ?? nameOf(node(node(n, 'what'), 'offset')) ?? 'a call'}()`;
    if (n.kind === 'offsetlookup')
        return `${describe(node(n, 'what'))}[…]`;
    const key = memberKey(n);
    if (key)
        return `$${key}`;
    if (n.kind === 'propertylookup')
        return `${describe(node(n, 'what'))}->${nameOf(node(n, 'offset')) ?? '…'}`;
    if (n.kind === 'staticlookup')
        return `${nameOf(node(n, 'what')) ?? 'self'}::${nameOf(node(n, 'offset')) ?? ''}`;
    return 'an expression';
}

/** Loops over a known list longer than this are read once, as over an unknown list. */
const MAX_ITEMS = 200;
const MAX_DEPTH = 4;
/** A reader over a fresh method scope; `stack` names the methods being read (no recursion). */
function reader(scope, stack = []) {
    const run = {
        scope,
        read(body, handle, ops) {
            withResolver((n) => asNames(evaluate(n, scope)), () => walk(body, (n) => visit(n, run, stack, handle, ops)));
        }
    };
    return run;
}
function visit(n, run, stack, handle, ops) {
    if (n.kind === 'assign') {
        assign(n, run.scope);
        return;
    }
    if (n.kind === 'foreach') {
        loop(n, run, handle, ops);
        return false;
    }
    if (n.kind === 'if' && node(n, 'alternate')) {
        branches(n, run, handle, ops);
        return false;
    }
    if (n.kind !== 'call')
        return;
    if (inlineHelper(n, run, stack, handle, ops))
        return false;
    if (collectEach(n, run, handle, ops))
        return false;
    const found = handle(n, run);
    if (found) {
        ops.push(...found);
        return false;
    }
}
function assign(n, scope) {
    const left = node(n, 'left');
    if (!left)
        return;
    const key = left.kind === 'variable' ? nameOf(left) : memberKey(left);
    if (key === undefined)
        return;
    scope.vars.set(key, n.operator === '=' ? evaluate(node(n, 'right'), scope) ?? null : null);
}
/** `foreach (known list as $k => $v)` is read once per item with $k and $v bound; over anything else, once with them unknown. */
function loop(n, run, handle, ops) {
    const source = evaluate(node(n, 'source'), run.scope);
    const keyVar = node(n, 'key')?.kind === 'variable' ? nameOf(node(n, 'key')) : undefined;
    const valueVar = node(n, 'value')?.kind === 'variable' ? nameOf(node(n, 'value')) : undefined;
    const body = node(n, 'body');
    if (!body)
        return;
    const bind = (key, value) => {
        if (keyVar)
            run.scope.vars.set(keyVar, key);
        if (valueVar)
            run.scope.vars.set(valueVar, value);
    };
    if (!source || 's' in source || source.items.length > MAX_ITEMS) {
        bind(null, null);
        if (!source && valueVar)
            ops.push(...rowLoopOps(body, valueVar, spanOf(n), `foreach (… as $${valueVar})`));
        run.read(body, handle, ops);
        return;
    }
    source.items.forEach(([key, value], i) => {
        bind({ s: key ?? String(i) }, value);
        run.read(body, handle, ops);
    });
}
/** `$this->helper(…)` / `self::helper(…)` of the migration class: read its body with its parameters bound. */
function inlineHelper(call, run, stack, handle, ops) {
    const what = node(call, 'what');
    if (!what)
        return false;
    const self = memberKey(what) !== undefined || (what.kind === 'staticlookup' && ['selfreference', 'staticreference'].includes(node(what, 'what')?.kind ?? ''));
    if (!self)
        return false;
    const name = (nameOf(node(what, 'offset')) ?? '').toLowerCase();
    const method = run.scope.cls.methods.get(name);
    const body = node(method, 'body');
    if (!method || !body || name === 'up' || name === 'down' || stack.includes(name) || stack.length >= MAX_DEPTH)
        return false;
    const scope = new Scope(run.scope.cls);
    const args = nodes(call, 'arguments');
    nodes(method, 'arguments').forEach((param, i) => {
        const value = args[i] ? evaluate(args[i], run.scope) : evaluate(node(param, 'value'), scope);
        scope.vars.set(nameOf(node(param, 'name')) ?? '', value ?? null);
    });
    reader(scope, [...stack, name]).read(body, handle, ops);
    return true;
}
/** `if … else …`: both arms are read (either may run); their statements are marked as branched. */
function branches(n, run, handle, ops) {
    const test = node(n, 'test');
    if (test)
        run.read(test, handle, ops);
    for (const arm of [node(n, 'body'), node(n, 'alternate')]) {
        if (!arm)
            continue;
        const before = ops.length;
        run.read(arm, handle, ops);
        for (const op of ops.slice(before))
            op.branched = true;
    }
}
const WRITES = new Set(['save', 'update', 'delete', 'forceDelete', 'increment', 'decrement', 'push', 'saveQuietly', 'updateQuietly', 'deleteQuietly']);
/** Rows written one by one in a loop over query results (`foreach`, `->each()`, `->chunk()`): a bulk update or delete. */
function rowLoopOps(body, rowVar, span, loop) {
    const seen = new Set();
    walk(body, (n) => {
        const chain = flatten(n);
        const root = chain ? rootVariable(chain) : undefined;
        if (!chain || root === undefined || root === 'this' || (rowVar !== undefined && root !== rowVar))
            return;
        const write = chain.links.find((l) => WRITES.has(l.name));
        if (write)
            seen.add(write.name);
    });
    const deletes = [...seen].filter((w) => /^(delete|forceDelete)/.test(w));
    const writes = [...seen].filter((w) => !/^(delete|forceDelete)/.test(w));
    const ops = [];
    if (deletes.length > 0)
        ops.push({ op: 'delete-data', what: `${loop} with ->${deletes.join('(), ->')}() on each row`, span });
    if (writes.length > 0)
        ops.push({ op: 'update-data', table: undefined, what: `${loop} with ->${writes.join('(), ->')}() on each row`, where: false, rows: 'loop', span });
    return ops;
}
/** `collect(['a', 'b'])->each(function ($x) { … })`: the closure is read once per item, like a foreach. */
function collectEach(call, run, handle, ops) {
    const chain = flatten(call);
    const [collect, each] = chain?.links ?? [];
    if (!chain || chain.links.length !== 2 || collect?.name !== 'collect' || each?.name !== 'each')
        return false;
    const list = evaluate(collect.args[0], run.scope);
    const fn = each.args[0];
    const param = nodes(fn, 'arguments')[0];
    const body = fn ? node(fn, 'body') : undefined;
    if (!list || 's' in list || !param || !body)
        return false;
    const name = nameOf(node(param, 'name')) ?? '';
    for (const [, value] of list.items) {
        run.scope.vars.set(name, value);
        run.read(body, handle, ops);
    }
    return true;
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

/**
 * The operations of a `Schema::create|table('t', function (Blueprint $table) { … })` closure, in source order.
 * Calls that are not on the Blueprint (a DB::statement() inside the closure) go to `outer`.
 */
function tableOps(table, closure, creating, run, outer) {
    const variable = firstParam(closure);
    const body = bodyOf(closure);
    if (!variable || !body)
        return [];
    const ops = [];
    run.read(body, (n, r) => {
        const chain = flatten(n);
        if (!chain || rootVariable(chain) !== variable || chain.links.length === 0)
            return outer(n, r);
        return chainOps$1(table, chain, creating, n);
    }, ops);
    return ops;
}
/** `$table->string($name)` with a name the check cannot know. */
function computed(base, span) {
    return [{ op: 'unresolved', what: `the column name of $table->${base.name}() is computed (${describe(arg(base, 0))})`, span }];
}
function chainOps$1(table, chain, creating, whole) {
    const [base, ...modifiers] = chain.links;
    const span = spanOf(whole);
    if (base.name === 'dropConstrainedForeignIdFor' || base.name === 'dropForeignIdFor') {
        const columns = foreignIdForColumn(base);
        const key = { op: 'drop-index', table, index: index(table, 'foreign', columns), span };
        return base.name === 'dropForeignIdFor' ? [key] : [{ ...key, withColumn: true }, { op: 'drop-column', table, columns, span }];
    }
    const unknownFirst = base.args.length > 0 && argList(base, 0) === undefined && base.name !== 'foreignIdFor';
    if (COLUMN_TYPES.has(base.name))
        return unknownFirst ? computed(base, span) : columnOps(table, base, modifiers, creating, span);
    const dropped = droppedColumns(base.name, base.args.map((_, i) => argList(base, i)));
    if (dropped && unknownFirst && !/^drop(Timestamps|SoftDeletes|RememberToken)/.test(base.name))
        return computed(base, span);
    if (dropped) {
        const ops = [];
        if (base.name === 'dropConstrainedForeignId')
            ops.push({ op: 'drop-index', table, index: index(table, 'foreign', dropped), span, withColumn: true });
        if (base.name === 'dropMorphs')
            ops.push({ op: 'drop-index', table, index: index(table, 'index', dropped), span, withColumn: true });
        return [...ops, { op: 'drop-column', table, columns: dropped, span }];
    }
    if (base.name === 'renameColumn') {
        const from = argString(base, 0, 'from');
        const to = argString(base, 1, 'to');
        return from && to ? [{ op: 'rename-column', table, from, to, span }] : computed(base, span);
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
    const names = base.name === 'foreignIdFor' ? foreignIdForColumn(base) : columnsOf(base.name, argString(base, 0, 'column'));
    const modMap = new Map(modifiers.map((m) => [m.name, argsKey(m)]));
    const ops = [];
    const change = modMap.has('change');
    for (const name of names) {
        const column = { name, type: base.name, args: argsKey(base).slice(1), modifiers: modMap, span };
        ops.push(change ? { op: 'change-column', table, column, span } : { op: 'add-column', table, column, span });
    }
    if (creating)
        return ops;
    if (/[mM]orphs$/.test(base.name) && !change)
        ops.push({ op: 'add-index', table, index: index(table, 'index', names), span });
    for (const m of modifiers) {
        const type = INDEX_METHODS[m.name];
        // ->change() with ->unique()/->index()/->primary() adds that index too.
        if (!type || (change && type === 'foreign'))
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
/** `foreignIdFor(User::class)` adds `user_id` (the model's snake-cased base name and `_id`), or the column it names. */
function foreignIdForColumn(base) {
    const named = argString(base, 1, 'column');
    if (named !== undefined)
        return [named];
    const model = arg(base, 0, 'model');
    const cls = model?.kind === 'staticlookup' ? nameOf(node(model, 'what')) : literal(model);
    if (!cls)
        return [];
    const last = cls.split('\\').pop() ?? cls;
    return [`${last.replace(/(.)(?=[A-Z])/g, '$1_').toLowerCase()}_id`];
}

const RAW_SQL = new Set(['statement', 'unprepared', 'update']);
const ROW_LOOPS = new Set(['each', 'eachById', 'chunk', 'chunkById', 'lazy', 'lazyById', 'cursor']);
const DELETES = new Set(['delete', 'truncate', 'forceDelete']);
/**
 * The schema operations of a migration method (up or down), in source order. Variables, loops over known lists and
 * the class's own helper methods are followed; a call whose table it cannot know becomes an `unresolved` op.
 */
function methodOps(method, cls) {
    const body = method?.body;
    const statements = nodes(body, 'children').filter((n) => n.kind !== 'noop' && !n.kind.startsWith('comment'));
    const ops = [];
    if (body)
        reader(new Scope(cls)).read(body, callOps, ops);
    return { ops, empty: statements.length === 0 };
}
/** Ops of one call outside a Blueprint closure; undefined when the call is none of ours (keep walking into it). */
function callOps(n, run) {
    const chain = flatten(n);
    return chain ? chainOps(chain, spanOf(n), run) : undefined;
}
function chainOps(chain, span, run) {
    const cls = rootClass(chain);
    const links = chain.links.filter((l) => l.name !== 'connection');
    const first = links[0];
    if (!first)
        return undefined;
    if (cls === 'Schema')
        return schemaOps(first.name, chain, span, run);
    if (cls === 'DB' && RAW_SQL.has(first.name)) {
        const q = arg(first, 0, 'query');
        const sqlSpan = q ? spanOf(q) : span;
        const sql = literal(q);
        // With bindings, `?` marks a value: read it as one (same length, so columns stay right).
        return [{ op: 'raw-sql', call: `DB::${first.name}`, sql: sql !== undefined && arg(first, 1, 'bindings') ? bindingsAsValues(sql) : sql, span, sqlSpan }];
    }
    if (cls === 'DB' && first.name === 'delete')
        return [{ op: 'delete-data', what: 'DB::delete()', span }];
    const del = links.find((l) => DELETES.has(l.name));
    if (cls && del) {
        const what = cls === 'DB' && first.name === 'table' ? `DB::table('${argString(first, 0) ?? '?'}')` : cls;
        return [{ op: 'delete-data', what: `${what}…->${del.name}()`, span }];
    }
    const loop = links.find((l) => ROW_LOOPS.has(l.name) && l.args.some((a) => a.kind === 'closure' || a.kind === 'arrowfunc'));
    if (cls && loop) {
        const fn = loop.args.find((a) => a.kind === 'closure' || a.kind === 'arrowfunc');
        const body = fn ? bodyOf(fn) : undefined;
        const ops = body ? rowLoopOps(body, undefined, span, `${cls}…->${loop.name}(function …)`) : [];
        return ops.length > 0 ? ops : undefined;
    }
    const update = links.find((l) => l.name === 'update');
    if (cls && update && links.length > 1) {
        const table = cls === 'DB' && first.name === 'table' ? argString(first, 0, 'table') : undefined;
        const where = links.some((l) => /^(where|orWhere|whereIn|whereNull|whereNotNull|find|whereKey)/.test(l.name));
        return [{ op: 'update-data', table, what: `${table !== undefined ? `DB::table('${table}')` : cls}…->update()`, where, span }];
    }
    return undefined;
}
const TABLE_CALLS = new Set(['create', 'table', 'drop', 'dropIfExists', 'rename', 'dropColumns', 'dropColumn']);
function schemaOps(method, chain, span, run) {
    const link = chain.links.find((l) => l.name === method);
    if (!link)
        return undefined;
    const table = argString(link, 0, method === 'rename' ? 'from' : 'table');
    if (table === undefined && TABLE_CALLS.has(method)) {
        // A table created under a name the check cannot know is still new: nothing in it can break running code.
        if (method === 'create')
            return [{ op: 'create-table', table: `(${describe(arg(link, 0, 'table'))})`, columns: [], span }];
        return [{ op: 'unresolved', what: `the table name of Schema::${method}() is computed (${describe(arg(link, 0, 'table'))})`, span }];
    }
    switch (method) {
        case 'create':
        case 'table': {
            const ops = tableOps(table, arg(link, 1, 'callback'), method === 'create', run, callOps);
            if (method === 'table')
                return ops;
            const columns = ops.flatMap((o) => (o.op === 'add-column' ? [o.column] : []));
            return [{ op: 'create-table', table: table, columns, span }, ...ops.filter((o) => o.op !== 'add-column' && o.op !== 'add-index')];
        }
        case 'drop':
        case 'dropIfExists':
            return [{ op: 'drop-table', table: table, span }];
        case 'rename': {
            const to = argString(link, 1, 'to');
            return to === undefined ? [{ op: 'unresolved', what: `the new name of Schema::rename('${table}') is computed`, span }]
                : [{ op: 'rename-table', from: table, to, span }];
        }
        case 'dropColumns':
        case 'dropColumn': {
            const columns = argList(link, 1, 'columns');
            return !columns ? [{ op: 'unresolved', what: `the columns of Schema::${method}('${table}') are computed`, span }]
                : [{ op: 'drop-column', table: table, columns, span }];
        }
        default:
            return [];
    }
}
/** `?` placeholders outside quotes become `1`, so the PostgreSQL parser reads the statement. */
function bindingsAsValues(sql) {
    let quote = '';
    let out = '';
    for (const ch of sql) {
        if (quote) {
            if (ch === quote)
                quote = '';
        }
        else if (ch === "'" || ch === '"')
            quote = ch;
        out += !quote && ch === '?' ? '1' : ch;
    }
    return out;
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
    const info = classInfo(cls);
    if (up)
        migration.up = { span: spanOf(up), ops: methodOps(up, info) };
    if (down)
        migration.down = { span: spanOf(down), ops: methodOps(down, info) };
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
/** An opt-in rule: reported only when `check.rules` gives it a level. */
const optIn = (info) => ({ ...info, optIn: true });

/** The Laravel migration rules. */
const PHP_RULES = [
    rule$1('drop-column', 'error', 'breaks-running-code', 'Column dropped', 'Contract in two deploys: first ship code that no longer reads or writes the column (drop it from $fillable, $casts, queries), then drop the column in a later migration.'),
    rule$1('drop-table', 'error', 'data-loss', 'Table dropped', 'Ship code that no longer uses the table first; drop it in a later release, after a backup (or rename it to a *_deprecated table and drop that later).'),
    rule$1('rename-column', 'error', 'breaks-running-code', 'Column renamed', 'Expand → migrate → contract: add the new column, write both, backfill, switch reads to the new column, then drop the old one in a later release.'),
    rule$1('rename-table', 'error', 'breaks-running-code', 'Table renamed', 'Create the new table (or a view with the new name), write both, backfill, switch reads, then drop the old table in a later release.'),
    rule$1('change-column-type', 'warning', 'lock', 'Column type changed', 'Changing a type rewrites the table under an exclusive lock and breaks code that expects the old type: add a new column of the new type, backfill in batches, switch the code, drop the old column later.'),
    rule$1('change-drops-modifiers', 'error', 'breaks-running-code', 'change() drops modifiers (Laravel 11+)', 'From Laravel 11 on, ->change() keeps only the modifiers it restates: repeat every modifier the column had (nullable(), default(), unsigned(), comment(), …).'),
    rule$1('change-to-not-null', 'warning', 'breaks-running-code', 'Existing column made NOT NULL', "The table is scanned under a lock and the running code's INSERTs that leave the column out fail: ship code that always sets it, backfill in batches, then tighten in a later migration (Postgres: a CHECK (col IS NOT NULL) NOT VALID constraint, VALIDATE, then SET NOT NULL)."),
    rule$1('add-not-null-column', 'error', 'breaks-running-code', 'NOT NULL column without default on an existing table', 'The running code inserts rows without this column: add it ->nullable() (or with ->default()), backfill, and make it NOT NULL in a later migration once every writer sets it.'),
    rule$1('add-index', 'warning', 'lock', 'Index added to an existing table', "Postgres blocks writes while the index builds: DB::statement('CREATE INDEX CONCURRENTLY …') in a migration with public $withinTransaction = false (MySQL: ALGORITHM=INPLACE, LOCK=NONE)."),
    rule$1('add-unique', 'warning', 'lock', 'Unique or primary key added to an existing table', "Build the unique index first with DB::statement('CREATE UNIQUE INDEX CONCURRENTLY …') ($withinTransaction = false), then ADD CONSTRAINT … UNIQUE USING INDEX; clean up duplicates before."),
    rule$1('add-foreign-key', 'warning', 'lock', 'Foreign key added to an existing table', "Validating the key locks both tables: DB::statement('ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID'), then VALIDATE CONSTRAINT in a later migration."),
    rule$1('drop-index', 'warning', 'breaks-running-code', 'Index dropped from an existing table', "Make sure no query of the running code needs it (EXPLAIN the hot ones) and nothing relies on its uniqueness; on PostgreSQL drop it with DB::statement('DROP INDEX CONCURRENTLY …') and $withinTransaction = false."),
    rule$1('drop-foreign-key', 'warning', 'breaks-running-code', 'Foreign key dropped', 'The database stops enforcing the relation and its cascades: ship code that no longer relies on them first, then drop the key in a later release.'),
    rule$1('bulk-update', 'warning', 'lock', 'Rows changed in bulk in a migration', 'Backfill in batches (chunkById with a small update per chunk), outside the migration transaction, or in a queued job; a whole-table UPDATE holds every row lock until the migration commits.'),
    rule$1('concurrently-in-transaction', 'error', 'fails-to-apply', 'CONCURRENTLY inside a transaction', 'Postgres refuses CONCURRENTLY in a transaction block: add public $withinTransaction = false; to the migration class.'),
    rule$1('missing-down', 'error', 'irreversible', 'No down() method', 'Write a down() that undoes up() exactly, so a failed release can roll back its schema.'),
    rule$1('empty-down', 'error', 'irreversible', 'Empty down() method', 'Write a down() that undoes up() exactly; if the change truly cannot be undone, suppress this with the reason.'),
    rule$1('down-mismatch', 'error', 'irreversible', 'down() does not undo up()', 'Every table, column and index that up() adds must be removed in down(), and everything up() removes or renames must be restored.'),
    rule$1('cannot-analyse', 'warning', 'needs-review', 'Schema change the check cannot follow', 'Name the table and columns with literals (a literal list for a loop, a class constant or property), or review what the call changes by hand and suppress with the reason.'),
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
    rule$1('pg-reindex', 'warning', 'lock', 'REINDEX without CONCURRENTLY', 'REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction block.'),
    rule$1('pg-update-without-where', 'warning', 'lock', 'UPDATE of every row in one statement', 'Backfill in batches (UPDATE … WHERE id BETWEEN …), each in its own transaction, outside the schema migration if it is big.'),
    rule$1('pg-drop-constraint', 'warning', 'breaks-running-code', 'Constraint dropped', 'Ship code that no longer relies on the constraint first (ON CONFLICT targets, cascades), then drop it in a later release.'),
    rule$1('pg-drop-default', 'warning', 'breaks-running-code', 'Column default dropped', 'Ship code that always sets the column first, then drop the default in a later release.'),
    rule$1('pg-drop-object', 'warning', 'breaks-running-code', 'View, function, type or sequence dropped', 'Ship code that no longer uses it first, then drop it in a later release.'),
    rule$1('pg-rename-object', 'warning', 'breaks-running-code', 'Object renamed', 'Create the object under its new name beside the old one (or a view/wrapper), switch the code, drop the old name in a later release.'),
    rule$1('pg-set-schema', 'warning', 'breaks-running-code', 'Object moved to another schema', 'Keep the old name reachable (a view, or both schemas in search_path) until the code that uses it is gone.'),
    optIn(rule$1('pg-add-column', 'notice', 'breaks-running-code', 'Column added (opt-in)', 'Make sure the previous release tolerates the column (no SELECT * into fixed shapes, no positional INSERT).')),
    optIn(rule$1('pg-add-enum-value', 'notice', 'irreversible', 'Enum value added (opt-in)', 'An enum value cannot be dropped: ship code that handles it before any row uses it, and know that rollback keeps it.')),
    rule$1('pg-parse-error', 'error', 'needs-review', 'SQL does not parse', 'Fix the statement (the check uses the PostgreSQL 18 parser); for another dialect, review by hand and suppress with the reason.')
];

const rule = (id, title, reason, fix) => ({ id, severity: 'error', reason, title, fix });
/** Findings of `--verify` (up → down → up on a scratch database) and `--verify-rollback` (the base revision on the new schema). */
const VERIFY_RULES = [
    rule('verify-up-failed', 'Migration failed on a scratch database', 'fails-to-apply', 'Fix the migration so `php artisan migrate` succeeds on a database migrated to the previous release.'),
    rule('verify-down-failed', 'Rollback failed on a scratch database', 'irreversible', 'Fix down() so `php artisan migrate:rollback` succeeds right after up().'),
    rule('verify-down-mismatch', 'Rollback does not restore the schema', 'irreversible', 'Make down() undo exactly what up() did: the schema after rollback must equal the schema before up().'),
    rule('verify-reapply-failed', 'Migration fails when applied again after a rollback', 'irreversible', 'down() leaves something behind that up() trips on: remove it in down().'),
    rule('verify-reapply-mismatch', 'Re-applying gives a different schema', 'irreversible', 'up() after down() must give the same schema as the first up(): make down() restore exactly what up() changed.'),
    rule('verify-rollback-failed', 'The previous release fails its smoke checks on the new schema', 'breaks-running-code', 'Expand, then contract: keep what the previous release reads (the old column or table, a default for what it inserts) until a later release that no longer needs it; then a code rollback stays safe.')
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
    const items = (kind === 'ObjectWithArgs' ? f.objname : kind === 'TypeName' ? f.names : f.items) ?? [];
    return String(unwrap(items[items.length - 1])[1].sval ?? '?');
}

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
    'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current']);
/** Built-in functions that are STABLE or IMMUTABLE: a default calling only these does not rewrite the table. */
const STABLE = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'lower', 'upper', 'concat',
    'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'to_jsonb', 'to_json', 'array_fill',
    'make_interval', 'date_trunc', 'timezone', 'length', 'replace', 'btrim', 'trim', 'abs', 'round', 'floor', 'ceil',
    'to_char', 'to_timestamp', 'to_date', 'make_date', 'interval', 'int4', 'int8', 'text', 'jsonb', 'json', 'array']);
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2']);
/** Findings of one ALTER TABLE command. */
function alterFindings(table, cmd, recreated, add) {
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
            add('pg-add-column', `adding ${table}.${String(def.colname)}: code rolled back to the previous release does not know it (SELECT *, positional INSERT, strict serializers)`);
            break;
        case 'AT_DropConstraint':
            if (!recreated.has(String(cmd.name)))
                add('pg-drop-constraint', `dropping constraint ${String(cmd.name)} on ${table}: code rolled back to the previous release may rely on it (ON CONFLICT, cascades, validation it skips)`);
            break;
        case 'AT_ColumnDefault':
            if (!cmd.def)
                add('pg-drop-default', `dropping the default of ${column}: the previous release's INSERTs that leave it out get NULL or fail`);
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
    const volatile = defaultExpr ? volatileCall(defaultExpr.raw_expr) : undefined;
    if (volatile || SERIAL.has(typeName) || has('CONSTR_GENERATED')) {
        const what = !volatile ? `as ${typeName || 'a stored generated column'}` : `with DEFAULT ${volatile.name}()`;
        add('pg-volatile-default', volatile && !volatile.known
            ? `adding ${column} ${what}, a function the check does not know: unless it is STABLE or IMMUTABLE, this rewrites ${table} under an ACCESS EXCLUSIVE lock`
            : `adding ${column} ${what} rewrites ${table} under an ACCESS EXCLUSIVE lock`);
    }
    const fk = has('CONSTR_FOREIGN');
    if (fk)
        add('pg-constraint-not-valid', `REFERENCES on new column ${column} takes a SHARE ROW EXCLUSIVE lock on ${relname(fk.pktable) ?? 'the referenced table'} and validates ${table}: add the column, then the constraint NOT VALID`);
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
/** The first function call of a default that may be volatile: a known volatile built-in, or one the check does not know. */
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
        const names = (fn.funcname ?? []).map((n) => String(unwrap(n)[1].sval ?? ''));
        const name = names[names.length - 1] ?? '';
        if (VOLATILE.has(name))
            return { name, known: true };
        if (!STABLE.has(name) && (names.length === 1 || names[0] !== 'pg_catalog'))
            return { name: names.join('.'), known: false };
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

/** Objects whose DROP the previous release may still need (squawk's rollback-compatibility family). */
const OBJECTS = {
    OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_FUNCTION: 'function', OBJECT_PROCEDURE: 'procedure',
    OBJECT_TYPE: 'type', OBJECT_DOMAIN: 'domain', OBJECT_SEQUENCE: 'sequence', OBJECT_SCHEMA: 'schema'
};
/** Whether a CREATE TABLE references other tables: each referenced table is locked SHARE ROW EXCLUSIVE. */
function createReferences(s) {
    const constraints = [...(s.fields.constraints ?? []),
        ...(s.fields.tableElts ?? []).flatMap((e) => unwrap(e)[1].constraints ?? [])];
    return constraints.some((c) => unwrap(c)[1].contype === 'CONSTR_FOREIGN');
}
/**
 * Findings of the statements the main rules do not cover: REINDEX, triggers, bulk UPDATE, and what code rolled back
 * to the previous release may still need (dropped or renamed objects, SET SCHEMA, new enum values). Returns whether
 * the statement takes a lock that queues queries behind it.
 */
function otherFindings(s, table, created, add) {
    switch (s.kind) {
        case 'CreateTableAsStmt': {
            const into = relname(s.fields.into?.rel);
            if (into)
                created.add(into);
            return false;
        }
        case 'ReindexStmt': {
            const concurrent = (s.fields.params ?? []).some((p) => unwrap(p)[1].defname === 'concurrently');
            if (!concurrent)
                add('pg-reindex', `REINDEX ${table ?? ''} blocks writes to the table (and reads through the index) while it rebuilds`);
            return !concurrent;
        }
        case 'CreateTrigStmt': return table !== undefined && !created.has(table);
        case 'UpdateStmt':
            if (!s.fields.whereClause && table && !created.has(table))
                add('pg-update-without-where', `UPDATE ${table} without WHERE rewrites every row in one statement, holding their locks until it commits`);
            return false;
        case 'AlterObjectSchemaStmt': {
            const name = table ?? objectName(s.fields.object ?? {});
            add('pg-set-schema', `moving ${name} to schema ${String(s.fields.newschema)}: the previous release looks for it in its old schema`);
            return true;
        }
        case 'AlterEnumStmt':
            if (s.fields.newVal && !s.fields.oldVal) {
                const type = (s.fields.typeName ?? []).map((n) => String(unwrap(n)[1].sval ?? '')).join('.');
                add('pg-add-enum-value', `adding '${String(s.fields.newVal)}' to enum ${type}: it cannot be removed on rollback, and the previous release does not know it`);
            }
            return false;
        default: return false;
    }
}
const last = (list) => {
    const items = list ?? [];
    return String(unwrap(items[items.length - 1])[1].sval ?? '');
};
/** The names of the objects and constraints a file creates: a DROP followed by a CREATE of the same name replaces, not removes. */
function createdNames(statements) {
    const names = new Set();
    for (const s of statements) {
        const f = s.fields;
        if (s.kind === 'ViewStmt')
            names.add(relname(f.view) ?? '');
        if (s.kind === 'CreateTableAsStmt')
            names.add(relname(f.into?.rel) ?? '');
        if (s.kind === 'CreateFunctionStmt')
            names.add(last(f.funcname));
        if (s.kind === 'CreateTrigStmt')
            names.add(String(f.trigname));
        if (s.kind === 'CreateEnumStmt')
            names.add(last(f.typeName));
        if (s.kind === 'CompositeTypeStmt')
            names.add(relname(f.typevar) ?? '');
        if (s.kind === 'CreateSeqStmt')
            names.add(relname(f.sequence) ?? '');
        // An object renamed to a temporary name and dropped later in the file was replaced, not removed.
        if (s.kind === 'RenameStmt' && typeof f.newname === 'string')
            names.add(f.newname);
        if (s.kind === 'AlterTableStmt') {
            for (const c of f.cmds ?? []) {
                const [kind, def] = unwrap(unwrap(c)[1].def);
                if (kind === 'Constraint' && typeof def.conname === 'string')
                    names.add(def.conname);
            }
        }
    }
    return names;
}
/** DROP of a view, function, type, sequence, …: the previous release may still use it (unless the file creates it again). */
function dropObjectFindings(type, names, recreated, add) {
    const what = OBJECTS[type];
    names = names.filter((n) => !recreated.has(n));
    if (what && names.length > 0)
        add('pg-drop-object', `dropping ${what} ${names.join(', ')}: code rolled back to the previous release may still use it`);
}
/** RENAME of anything but a table, column or index: the previous release uses the old name (unless the file creates it again). */
function renameObjectFindings(s, recreated, add) {
    const type = String(s.fields.renameType);
    // Index names are not in queries; tables and columns have their own rules.
    if (type === 'OBJECT_COLUMN' || type === 'OBJECT_TABLE' || type === 'OBJECT_INDEX')
        return;
    const table = relname(s.fields.relation);
    const plain = type === 'OBJECT_TABCONSTRAINT' ? String(s.fields.subname) : table ?? objectName(s.fields.object ?? {});
    if (recreated.has(plain))
        return;
    const old = type === 'OBJECT_TABCONSTRAINT' ? `constraint ${String(s.fields.subname)} of ${table ?? '?'}`
        : `${type.replace('OBJECT_', '').toLowerCase().replace(/_/g, ' ')} ${table ?? objectName(s.fields.object ?? {})}`;
    add('pg-rename-object', `renaming ${old} to ${String(s.fields.newname)}: the previous release uses the old name`);
}

const STATEMENT_NAMES = { IndexStmt: 'CREATE INDEX', DropStmt: 'DROP', RenameStmt: 'RENAME', AlterTableStmt: 'ALTER TABLE',
    CreateStmt: 'CREATE TABLE … REFERENCES', ReindexStmt: 'REINDEX', CreateTrigStmt: 'CREATE TRIGGER', AlterObjectSchemaStmt: 'SET SCHEMA' };
/** Runs the PostgreSQL rules over the statements of one file (or one DB::statement). */
function sqlFindings(statements, ctx) {
    const out = [];
    const st = { inTransaction: false, lockTimeout: false, validated: new Set(), recreated: createdNames(statements) };
    let warnedTimeout = false;
    for (const s of statements) {
        const site = { file: ctx.file, ...ctx.locate(s.start) };
        const add = (id, message) => { out.push(finding(id, site, message)); };
        const table = relname(s.fields.relation);
        const locks = statementFindings(s, table, st, ctx, add);
        if (locks && !st.lockTimeout && !warnedTimeout && !ctx.embedded) {
            warnedTimeout = true;
            add('pg-missing-lock-timeout', `no SET lock_timeout before this ${STATEMENT_NAMES[s.kind] ?? s.kind}: while it waits for its lock, every query on ${table ?? 'the table'} queues behind it`);
        }
    }
    return out;
}
/** The findings of one statement; true when it takes a lock that other queries queue behind. */
function statementFindings(s, table, st, ctx, add) {
    const isNew = table !== undefined && ctx.created.has(table);
    switch (s.kind) {
        case 'TransactionStmt':
            st.inTransaction = transactionState(String(s.fields.kind), st.inTransaction);
            return false;
        case 'VariableSetStmt':
            if (s.fields.name === 'lock_timeout')
                st.lockTimeout = true;
            return false;
        case 'CreateStmt':
            if (table)
                ctx.created.add(table);
            return createReferences(s);
        case 'IndexStmt': {
            const concurrent = s.fields.concurrent === true;
            if (concurrent && st.inTransaction && !ctx.embedded)
                add('pg-concurrently-in-transaction', `CREATE INDEX CONCURRENTLY on ${table} inside a transaction block fails`);
            if (!concurrent && !isNew)
                add('pg-create-index', `CREATE INDEX on ${table} blocks writes to the table while it builds`);
            return !concurrent && !isNew;
        }
        case 'DropStmt':
            return dropFindings(s, st.inTransaction, ctx, st.recreated, add);
        case 'RenameStmt':
            if (isNew)
                return false;
            renameFindings(s, table, st.recreated, add);
            return true;
        case 'AlterTableStmt':
            if (isNew || String(s.fields.objtype) !== 'OBJECT_TABLE')
                return false;
            alterTableFindings(s, table ?? '?', st.validated, st.recreated, add);
            return true;
        case 'TruncateStmt':
            add('pg-delete-data', `TRUNCATE ${(s.fields.relations ?? []).map(objectName).join(', ')} deletes every row`);
            return false;
        case 'DeleteStmt':
            if (!s.fields.whereClause)
                add('pg-delete-data', `DELETE FROM ${table} without WHERE deletes every row`);
            return false;
        default:
            return otherFindings(s, table, ctx.created, add);
    }
}
/** The names a statement may drop without loss: those the file creates again, and any key of a table that gets a new PRIMARY KEY or UNIQUE in the same ALTER. */
function replacing(s, recreated) {
    const cmds = (s.fields.cmds ?? []).map((c) => unwrap(c)[1]);
    const addsKey = cmds.some((c) => { const [kind, def] = unwrap(c.def); return kind === 'Constraint' && (def.contype === 'CONSTR_PRIMARY' || def.contype === 'CONSTR_UNIQUE'); });
    if (!addsKey)
        return recreated;
    return new Set([...recreated, ...cmds.filter((c) => c.subtype === 'AT_DropConstraint' && /_(key|pkey)$/.test(String(c.name))).map((c) => String(c.name))]);
}
function dropFindings(s, inTransaction, ctx, recreated, add) {
    const type = String(s.fields.removeType);
    const names = (s.fields.objects ?? []).map(objectName);
    let locks = false;
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
    dropObjectFindings(type, names, recreated, add);
    return locks;
}
function renameFindings(s, table, recreated, add) {
    const type = String(s.fields.renameType);
    if (type === 'OBJECT_COLUMN')
        add('pg-rename-column', `renaming ${table}.${String(s.fields.subname)} to ${String(s.fields.newname)} breaks the code still using the old name`);
    if (type === 'OBJECT_TABLE')
        add('pg-rename-table', `renaming ${table} to ${String(s.fields.newname)} breaks the code still using the old name`);
    renameObjectFindings(s, recreated, add);
}
/** Whether a BEGIN … COMMIT block is open after a transaction statement. */
function transactionState(kind, open) {
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START')
        return true;
    if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK')
        return false;
    return open;
}
function alterTableFindings(s, table, validated, recreated, add) {
    for (const c of s.fields.cmds ?? []) {
        const cmd = unwrap(c)[1];
        if (cmd.subtype === 'AT_ValidateConstraint')
            validated.add(table);
        if (cmd.subtype !== 'AT_SetNotNull' || !validated.has(table))
            alterFindings(table, cmd, replacing(s, recreated), add);
    }
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

const ENGINES = ['pgsql', 'mysql', 'mariadb', 'sqlite', 'sqlsrv'];
/** Whether the engine builds secondary indexes without blocking writes (InnoDB's online DDL). */
function isMysql(db) {
    return db.engine === 'mysql' || db.engine === 'mariadb';
}
function read(path) {
    try {
        return readFileSync(path, 'utf8');
    }
    catch {
        return undefined;
    }
}
/** The driver of a connection named in config/database.php (`'tenant' => ['driver' => 'pgsql', …]`), else the name if it is a driver. */
function driverOf(connection, config) {
    const block = config ? new RegExp(`['"]${connection}['"]\\s*=>\\s*\\[([\\s\\S]*?)\\]`).exec(config) : null;
    const driver = block ? /['"]driver['"]\s*=>\s*(?:env\([^,]+,\s*)?['"](\w+)['"]/.exec(block[1] ?? '')?.[1] : undefined;
    const name = driver ?? connection;
    return ENGINES.includes(name) ? name : undefined;
}
/**
 * The database of the Laravel app at `root`: `DB_CONNECTION` in .env.example, else the default connection of
 * config/database.php (or app/Config/database.php: `'default' => env('DB_CONNECTION', 'mysql')`), mapped to its driver. Undefined when neither says.
 */
function detectDatabase(root) {
    const config = read(join(root, 'config', 'database.php')) ?? read(join(root, 'app', 'Config', 'database.php'));
    const example = read(join(root, '.env.example'));
    const fromEnv = example ? /^\s*DB_CONNECTION\s*=\s*["']?(\w+)/m.exec(example)?.[1] : undefined;
    if (fromEnv) {
        const engine = driverOf(fromEnv, config);
        if (engine)
            return { engine, source: `DB_CONNECTION=${fromEnv} in .env.example` };
    }
    const fallback = config ? /['"]default['"]\s*=>\s*(?:env(?:_default_when_empty)?\((?:env\()?\s*['"]DB_CONNECTION['"]\)?\s*,\s*)?['"](\w+)['"]/.exec(config)?.[1] : undefined;
    if (fallback) {
        const engine = driverOf(fallback, config);
        if (engine)
            return { engine, source: `default connection ${fallback} in config/database.php` };
    }
    return undefined;
}
/** Parses a `check.database` setting; throws a message naming the accepted values. */
function configuredDatabase(value) {
    const name = value === 'postgres' || value === 'postgresql' ? 'pgsql' : value;
    if (!ENGINES.includes(name))
        throw new Error(`check.database: ${value} is not pgsql, mysql, mariadb, sqlite or sqlsrv`);
    return { engine: name, source: `check.database: ${value}` };
}

/** Findings for an index added to an existing table, by engine: what it locks there and for how long; `noDuplicates` when a new all-NULL column is part of it. */
function indexFindings$1(table, index, site, db, noDuplicates = false) {
    const { type, name } = index;
    const on = db.engine ? ` (${db.source})` : '';
    if (type === 'foreign') {
        if (isMysql(db))
            return [finding('add-foreign-key', site, `adding foreign key ${name} copies ${table} (ALGORITHM=COPY while foreign_key_checks is on), blocking writes for the whole copy${on}`)];
        return [finding('add-foreign-key', site, `adding foreign key ${name} validates every row of ${table} while writes are blocked${on}`)];
    }
    if (isMysql(db)) {
        if (type === 'fulltext' || type === 'spatialindex')
            return [finding('add-index', site, `adding ${type} index ${name} to ${table} blocks writes while it builds: InnoDB does not build ${type} indexes online${on}`)];
        if (type === 'index' || (type === 'unique' && noDuplicates))
            return [];
        return [finding('add-unique', site, `adding ${type} index ${name} to ${table}: InnoDB builds it without blocking writes, but the migration fails if existing rows have duplicates${on}`)];
    }
    const how = db.engine === 'sqlite' ? 'locks the database' : db.engine === 'pgsql' ? 'blocks writes to the table' : 'blocks writes (on PostgreSQL and SQLite; MySQL/MariaDB build it online)';
    if (type === 'unique' || type === 'primary')
        return [finding('add-unique', site, `adding ${type} index ${name} to ${table} ${how} while it builds${noDuplicates ? '' : ', and fails on duplicates'}${on}`)];
    return [finding('add-index', site, `adding index ${name} to ${table} ${how} while it builds${on}`)];
}
const STRING_TYPES = new Set(['string', 'char']);
const TEXT_TYPES = new Set(['text', 'mediumText', 'longText']);
function length(c) {
    const n = Number(c.args[0]);
    return Number.isFinite(n) && c.args[0] !== undefined && c.args[0] !== '?' ? n : 255;
}
/**
 * What changing a column from `prev` to `next` costs on the engine: `none` for changes done in the catalog only
 * (a wider varchar, varchar → text, more decimal precision on PostgreSQL; a varchar widened within the same length
 * prefix on InnoDB), else `rewrite`.
 */
function typeChangeCost(prev, next, db) {
    const widerString = prev.type === 'string' && next.type === 'string' && length(next) >= length(prev);
    if (db.engine === 'pgsql') {
        if (widerString || (STRING_TYPES.has(prev.type) && TEXT_TYPES.has(next.type)))
            return 'none';
        if (prev.type === 'decimal' && next.type === 'decimal') {
            const [p0, s0] = prev.args.map(Number);
            const [p1, s1] = next.args.map(Number);
            if (p0 !== undefined && p1 !== undefined && p1 >= p0 && (s1 ?? 0) === (s0 ?? 0))
                return 'none';
        }
        return 'rewrite';
    }
    if (isMysql(db) && widerString) {
        // utf8mb4: 4 bytes a character; a varchar keeps a 1-byte length prefix up to 255 bytes.
        return (length(prev) * 4 <= 255) === (length(next) * 4 <= 255) ? 'none' : 'rewrite';
    }
    return 'rewrite';
}
/** How a type change locks on the engine, for messages. */
function rewriteWords(db) {
    switch (db.engine) {
        case 'pgsql': return 'rewrites the table under an ACCESS EXCLUSIVE lock';
        case 'mysql':
        case 'mariadb': return 'copies the table (ALGORITHM=COPY), blocking writes';
        case 'sqlite': return 'rebuilds the table (SQLite has no ALTER COLUMN), locking the database';
        default: return 'rewrites the table under an exclusive lock';
    }
}
/** Findings for an index or foreign key dropped from an existing table. */
function dropIndexFindings(table, index, site, db) {
    const on = db.engine ? ` (${db.source})` : '';
    if (index.type === 'foreign')
        return [finding('drop-foreign-key', site, `dropping foreign key ${index.name} of ${table}: the database stops enforcing the relation and its cascades${on}`)];
    const lock = db.engine === 'pgsql' ? ', and DROP INDEX takes an ACCESS EXCLUSIVE lock on the table' : isMysql(db) || db.engine === undefined ? '' : ', and the table is locked while it is dropped';
    const unique = index.type === 'unique' || index.type === 'primary' ? ', and the table stops rejecting duplicates' : '';
    return [finding('drop-index', site, `dropping ${index.type === 'index' ? 'index' : `${index.type} index`} ${index.name} of ${table}: queries of the running code that use it slow down${unique}${lock}${on}`)];
}

/**
 * What each column is at a point of one migration: its definition earlier in the same migration (add → backfill →
 * tighten), else the last one in an earlier migration; renames of either are followed.
 */
class LocalColumns {
    ctx;
    defs = new Map();
    /** The line of the last statement that wrote rows of each table (a backfill). */
    backfills = new Map();
    constructor(ctx) {
        this.ctx = ctx;
    }
    /** The definition of `table.column` before the current statement. */
    get(table, column) {
        const key = `${table}.${column}`;
        return this.defs.has(key) ? this.defs.get(key) ?? undefined : this.ctx.previousColumn(table, column);
    }
    /** Records what one statement did. */
    apply(op) {
        const here = (column) => ({ column, file: '' });
        switch (op.op) {
            case 'create-table':
                for (const c of op.columns)
                    this.defs.set(`${op.table}.${c.name}`, here(c));
                break;
            case 'add-column':
            case 'change-column':
                this.defs.set(`${op.table}.${op.column.name}`, here(op.column));
                break;
            case 'drop-column':
                for (const c of op.columns)
                    this.defs.set(`${op.table}.${c}`, null);
                break;
            case 'rename-column':
                this.defs.set(`${op.table}.${op.to}`, this.get(op.table, op.from) ?? null);
                this.defs.set(`${op.table}.${op.from}`, null);
                break;
            case 'update-data':
                if (op.table)
                    this.backfills.set(op.table, op.span.line);
                break;
        }
    }
}
/** A modifier whose loss changes nothing: `nullable(false)`, `unsigned(false)`, `default(null)` (a lost nullable() is said on its own). */
function isNoop(name, args) {
    return args[0] === 'false' || (name === 'default' && args[0] === 'null');
}
/** Whether the column is nullable: true, false, or undefined when it does not say. */
function nullable(c) {
    const args = c.modifiers.get('nullable');
    if (!args)
        return undefined;
    return args[0] !== 'false';
}
/** Whether the type itself makes the column unsigned: `unsignedInteger`, `foreignId`, `integer('n', false, true)`. */
function unsignedByType(c) {
    if (/^unsigned|^foreignId$|[iI]ncrements$|^id$/.test(c.type))
        return true;
    return /^(tiny|small|medium|big)?[iI]nteger$/.test(c.type) && (c.args[1] === 'true' || c.args.includes('unsigned=true'));
}
/** The findings of one `->change()`: type change, dropped modifiers (Laravel 11+), NOT NULL tightened. */
function changeFindings(table, c, site, ctx, columns) {
    const out = [];
    const prev = columns.get(table, c.name);
    const where = !prev ? '' : prev.file ? ` (defined in ${prev.file}:${prev.column.span.line})` : ` (defined at line ${prev.column.span.line})`;
    const sameType = prev && baseType(prev.column.type) === baseType(c.type) && prev.column.args.join(',') === c.args.join(',');
    // Without an earlier definition, a change that sets nullability is taken as being about nullability alone.
    const free = prev !== undefined && typeChangeCost(prev.column, c, ctx.database) === 'none';
    if (!sameType && !free && !(prev === undefined && nullable(c) !== undefined)) {
        const from = prev ? ` from ${prev.column.type}(${prev.column.args.join(', ')})` : '';
        const on = ctx.database.engine ? `; ${ctx.database.source}` : '';
        out.push(finding('change-column-type', site, `->change() of ${table}.${c.name}${from} to ${c.type}(${c.args.join(', ')}) ${rewriteWords(ctx.database)} and breaks code expecting the old type${where}${on}`));
    }
    const major = ctx.laravel.major;
    if (prev && (major === undefined || major >= 11)) {
        const lost = KEPT_MODIFIERS.filter((m) => {
            const args = prev.column.modifiers.get(m);
            if (!args || c.modifiers.has(m) || isNoop(m, args))
                return false;
            return !(m === 'unsigned' && unsignedByType(c));
        }).map((m) => `${m}(${(prev.column.modifiers.get(m) ?? []).join(', ')})`);
        if (lost.length > 0)
            out.push(finding('change-drops-modifiers', site, `->change() of ${table}.${c.name} does not restate ${lost.join(', ')}${where}: Laravel 11+ drops ${lost.length > 1 ? 'them' : 'it'} (${ctx.laravel.source})`));
    }
    if (nullable(c) === false && (!prev || nullable(prev.column) === true)) {
        const backfill = columns.backfills.get(table);
        out.push(finding('change-to-not-null', site, `->nullable(false)->change() makes ${table}.${c.name} NOT NULL: the table is scanned under a lock, ` +
            `and the running code's INSERTs without it fail${backfill ? ` (rows are backfilled at line ${backfill} first)` : '; rows that are still NULL make the migration fail'}`));
    }
    return out;
}
/** Blueprint types that make the same column type: `foreignUuid` is a `uuid`, `foreignId` an `unsignedBigInteger`. */
const SAME_AS = { foreignUuid: 'uuid', foreignUlid: 'ulid', foreignId: 'unsignedBigInteger', foreignIdFor: 'unsignedBigInteger' };
function baseType(type) {
    return SAME_AS[type] ?? type;
}

/** up() then down() run on a model of the schema: tables, columns and indexes by identity, not by name. */
class Model {
    tables = new Map();
    allTables = [];
    indexes = new Map();
    allIndexes = [];
    table(name) {
        let t = this.tables.get(name);
        if (!t) {
            t = { side: 'orig', origName: name, alive: true, columns: new Map(), all: [] };
            this.tables.set(name, t);
            this.allTables.push(t);
        }
        return t;
    }
    column(t, name) {
        let c = t.columns.get(name);
        if (!c) {
            c = { side: 'orig', origName: name, alive: true };
            t.columns.set(name, c);
            t.all.push(c);
        }
        return c;
    }
    apply(op, side) {
        const at = { side, span: op.span, branched: op.branched };
        const born = (name) => ({ side, origName: name, span: op.span, branched: op.branched, alive: true });
        switch (op.op) {
            case 'create-table': {
                const t = { ...born(op.table), columns: new Map(), all: [] };
                this.tables.set(op.table, t);
                this.allTables.push(t);
                for (const c of op.columns)
                    this.addColumn(t, c.name, born(c.name));
                break;
            }
            case 'drop-table': {
                const t = this.table(op.table);
                t.alive = false;
                t.gone = at;
                this.tables.delete(op.table);
                break;
            }
            case 'rename-table': {
                const t = this.table(op.from);
                this.tables.delete(op.from);
                this.tables.set(op.to, t);
                t.renamed = at;
                break;
            }
            case 'add-column':
                this.addColumn(this.table(op.table), op.column.name, born(op.column.name));
                break;
            case 'change-column': {
                const c = this.column(this.table(op.table), op.column.name);
                c.changed = side === 'up' && c.side === 'orig' ? { span: op.span, branched: op.branched } : undefined;
                break;
            }
            case 'drop-column': {
                const t = this.table(op.table);
                for (const name of op.columns) {
                    const c = this.column(t, name);
                    c.alive = false;
                    c.gone = at;
                    t.columns.delete(name);
                }
                break;
            }
            case 'rename-column': {
                const t = this.table(op.table);
                const c = this.column(t, op.from);
                t.columns.delete(op.from);
                t.columns.set(op.to, c);
                c.renamed = at;
                break;
            }
            case 'add-index': {
                const i = { ...born(op.index.name), table: this.table(op.table), index: op.index };
                this.indexes.set(op.index.name, i);
                this.allIndexes.push(i);
                break;
            }
            case 'drop-index':
                this.dropIndex(op.table, op.index, at);
                break;
        }
    }
    dropIndex(table, index, at) {
        let i = this.indexes.get(index.name);
        if (!i) {
            i = { side: 'orig', origName: index.name, alive: true, table: this.table(table), index };
            this.allIndexes.push(i);
        }
        i.alive = false;
        i.gone = at;
        this.indexes.delete(index.name);
    }
    addColumn(t, name, c) {
        t.columns.set(name, c);
        t.all.push(c);
    }
    /** The name an object has now in its map, or undefined when it is gone. */
    nameOf(map, thing) {
        for (const [name, x] of map)
            if (x === thing)
                return name;
        return undefined;
    }
}
/**
 * `down-mismatch` findings: runs up() then down() on a model of the tables they touch and reports every table,
 * column or index that does not end as it started, at the statement that left it so. Statements in one arm of an
 * if/else are not reported (the check cannot tell which arm runs).
 */
function reversalFindings(upOps, downOps, file, opacity) {
    const m = new Model();
    for (const op of upOps)
        m.apply(op, 'up');
    for (const op of downOps)
        m.apply(op, 'down');
    const out = [];
    const report = (span, branched, side, message) => {
        if (!span || branched || (side === 'up' && opacity.downOpaque) || (side === 'down' && opacity.upOpaque))
            return;
        out.push(finding('down-mismatch', { file, ...span }, message));
    };
    for (const t of m.allTables)
        tableFindings(m, t, report);
    for (const i of m.allIndexes)
        indexFindings(m, i, report);
    return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
function tableFindings(m, t, report) {
    const now = t.alive ? m.nameOf(m.tables, t) : undefined;
    const heir = m.tables.get(t.origName);
    if (t.side === 'up' && t.alive)
        report(t.span, t.branched, 'up', `up() creates table ${t.origName} but down() does not drop it`);
    const restores = (x, name) => x.side === 'orig' && x.origName === name && m.nameOf(m.tables, x) !== name;
    if (t.side === 'down' && t.alive && !m.allTables.some((o) => restores(o, now))) {
        report(t.span, t.branched, 'down', `down() creates table ${now ?? t.origName}, which up() did not drop`);
    }
    if (t.side !== 'orig')
        return;
    if (!t.alive) {
        if (heir && heir.side === 'down')
            return;
        // dropIfExists() then create() of the same name in up() is a create: down() answers for the new table.
        const recreatedInUp = m.allTables.some((o) => o.side === 'up' && o.origName === t.origName);
        if (t.gone?.side === 'up') {
            if (!recreatedInUp)
                report(t.gone.span, t.gone.branched, 'up', `up() drops table ${t.origName} but down() does not recreate it`);
        }
        else if (t.gone)
            report(t.gone.span, t.gone.branched, 'down', `down() drops table ${t.origName}, which up() did not create: rolling back destroys it`);
        return;
    }
    if (now !== t.origName && t.renamed) {
        report(t.renamed.span, t.renamed.branched, t.renamed.side, t.renamed.side === 'up'
            ? `up() renames table ${t.origName} to ${now ?? '?'} but down() does not rename it back` : `down() renames table ${t.origName} to ${now ?? '?'}, which up() did not rename`);
    }
    for (const c of t.all)
        columnFindings(t, c, report);
}
function columnFindings(t, c, report) {
    const now = c.alive ? [...t.columns].find(([, x]) => x === c)?.[0] : undefined;
    const key = `${t.origName}.${c.origName}`;
    const heir = t.columns.get(c.origName);
    if (c.side === 'up' && c.alive)
        report(c.span, c.branched, 'up', `up() adds ${key} but down() does not drop it`);
    if (c.side === 'down' && c.alive && !t.all.some((o) => o.side === 'orig' && o.origName === now && t.columns.get(now) !== o)) {
        report(c.span, c.branched, 'down', `down() adds ${t.origName}.${now ?? c.origName}, which up() did not drop`);
    }
    if (c.side !== 'orig')
        return;
    if (!c.alive) {
        if (heir && heir.side === 'down')
            return;
        if (c.gone?.side === 'up')
            report(c.gone.span, c.gone.branched, 'up', `up() drops ${key} but down() does not add it back`);
        else if (c.gone)
            report(c.gone.span, c.gone.branched, 'down', `down() drops ${key}, which up() did not add: rolling back destroys it`);
        return;
    }
    if (now !== c.origName && c.renamed) {
        report(c.renamed.span, c.renamed.branched, c.renamed.side, c.renamed.side === 'up'
            ? `up() renames ${key} to ${now ?? '?'} but down() does not rename it back` : `down() renames ${key} to ${now ?? '?'}, which up() did not rename`);
    }
    if (c.changed)
        report(c.changed.span, c.changed.branched, 'up', `up() changes ${key} but down() does not change it back`);
}
function indexFindings(m, i, report) {
    if (!i.table.alive || i.table.side !== 'orig')
        return;
    const putBack = m.allIndexes.some((o) => o.side === 'orig' && o.origName === i.origName && o.gone?.side === 'up');
    if (i.side === 'up' && i.alive && !putBack) {
        const gone = i.index.columns.filter((c) => !i.table.columns.has(c));
        if (i.index.type === 'foreign' && gone.length > 0) {
            report(i.span, i.branched, 'up', `up() adds foreign key ${i.origName}; down() drops its column but not the key, which MySQL refuses: use dropConstrainedForeignId() or dropForeign() first`);
        }
        else if (gone.length === 0)
            report(i.span, i.branched, 'up', `up() adds index ${i.origName} but down() does not drop it`);
    }
    if (i.side === 'orig' && !i.alive && i.gone?.side === 'up' && !m.indexes.has(i.origName)) {
        report(i.gone.span, i.gone.branched, 'up', `up() drops index ${i.origName} but down() does not recreate it`);
    }
}

/** Runs every Laravel rule over one migration. */
function phpFindings(m, ctx) {
    const out = [];
    const at = (span) => ({ file: ctx.file, ...span });
    const upOps = m.up?.ops.ops ?? [];
    const downOps = m.down?.ops.ops ?? [];
    const created = new Set();
    const columns = new LocalColumns(ctx);
    const dropped = new Set(upOps.flatMap((o) => (o.op === 'drop-column' ? o.columns.map((c) => `${o.table}.${c}`) : [])));
    const upSql = [];
    const downSql = [];
    for (const op of upOps) {
        if (op.op === 'raw-sql') {
            const e = readEmbedded(op);
            upSql.push(e);
            out.push(...embeddedFindings(e, ctx.file, created, true).filter((f) => !(isMysql(ctx.database) && f.reason === 'lock')));
            if (m.withinTransaction && /\bconcurrently\b/i.test(op.sql ?? ''))
                out.push(concurrently(ctx.file, op));
            continue;
        }
        out.push(...opFindings(op, created, ctx, columns, dropped));
        columns.apply(op);
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
            upOpaque: upSql.some((e) => !e.statements) || upOps.some((o) => o.op === 'unresolved'),
            downOpaque: downSql.some((e) => !e.statements) || downOps.some((o) => o.op === 'unresolved')
        }));
    }
    return out;
}
function concurrently(file, op) {
    return finding('concurrently-in-transaction', { file, ...op.span }, `${op.call}() runs CONCURRENTLY inside the migration's transaction: Postgres refuses it (set public $withinTransaction = false)`);
}
function opFindings(op, created, ctx, columns, droppedLater) {
    const site = { file: ctx.file, ...op.span };
    switch (op.op) {
        case 'create-table':
            created.add(op.table);
            return [];
        case 'drop-table':
            return created.has(op.table) ? [] : [finding('drop-table', site, `dropping table ${op.table} destroys its rows while the running code still queries it`)];
        case 'rename-table':
            // A table created by this migration is new under its final name: no running code knows its first name.
            if (created.has(op.from)) {
                created.add(op.to);
                return [];
            }
            return [finding('rename-table', site, `renaming table ${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)];
        case 'drop-column':
            if (created.has(op.table))
                return [];
            return [finding('drop-column', site, `dropping ${op.columns.map((c) => `${op.table}.${c}`).join(', ')} breaks the code still reading ${op.columns.length > 1 ? 'them' : 'it'} and destroys the data`)];
        case 'rename-column':
            if (created.has(op.table) || columns.get(op.table, op.from)?.file === '')
                return [];
            return [finding('rename-column', site, `renaming ${op.table}.${op.from} to ${op.to} breaks the code still using ${op.from} during the rollout and after a code rollback`)];
        case 'add-column':
            return created.has(op.table) || fills(op.column) ? [] : [finding('add-not-null-column', site, `${op.table}.${op.column.name} is added NOT NULL without a default: the running code's INSERTs fail (${notNullWords(ctx.database)})`)];
        case 'change-column': return created.has(op.table) ? [] : changeFindings(op.table, op.column, site, ctx, columns);
        case 'add-index': {
            if (created.has(op.table))
                return [];
            // A new nullable column without a default holds only NULLs: a unique index over it meets no duplicates.
            const fresh = op.index.columns.some((c) => { const d = columns.get(op.table, c); return d?.file === '' && nullable(d.column) === true && !d.column.modifiers.has('default'); });
            return indexFindings$1(op.table, op.index, site, ctx.database, fresh);
        }
        case 'delete-data': return [finding('delete-data', site, `${op.what} deletes rows in a schema migration; rolling back does not bring them back`)];
        case 'drop-index': {
            // A key dropped so its column can be dropped goes with the column (drop-column says so).
            const columnDropped = op.index.type === 'foreign' && op.index.columns.some((c) => droppedLater.has(`${op.table}.${c}`));
            return created.has(op.table) || op.withColumn || columnDropped ? [] : dropIndexFindings(op.table, op.index, site, ctx.database);
        }
        case 'update-data':
            if (op.rows === 'loop')
                return [finding('bulk-update', site, `${op.what} changes rows one at a time inside the migration: slow on a big table, and the deploy waits for it`)];
            if (op.where || (op.table !== undefined && created.has(op.table)))
                return [];
            return [finding('bulk-update', site, `${op.what} changes every row${op.table ? ` of ${op.table}` : ''} in one statement, holding the row locks until the migration commits`)];
        case 'unresolved': return [finding('cannot-analyse', site, `cannot analyse: ${op.what}, so the check does not know what this changes`)];
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
function notNullWords(db) {
    if (isMysql(db))
        return `MySQL fills existing rows with the type's implicit default; ${db.source}`;
    if (db.engine)
        return `and ${db.engine === 'pgsql' ? 'PostgreSQL' : db.engine === 'sqlite' ? 'SQLite' : 'the database'} refuses it on a non-empty table; ${db.source}`;
    return 'and Postgres/SQLite refuse it on a non-empty table';
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

/** The Laravel version of the app in `dir`, from composer.lock (else composer.json's requirement); undefined when neither says. */
function detectLaravel(dir) {
    try {
        const lock = JSON.parse(readFileSync(join(dir, 'composer.lock'), 'utf8'));
        const pkg = lock.packages?.find((p) => p.name === 'laravel/framework');
        const major = /^v?(\d+)\./.exec(pkg?.version ?? '');
        if (major)
            return { major: Number(major[1]), source: `laravel/framework ${pkg?.version ?? ''} in composer.lock` };
    }
    catch { /* no lock file: try composer.json */ }
    try {
        const json = JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8'));
        const constraint = json.require?.['laravel/framework'];
        // Composer installs the highest major the constraint allows (`^10.0|^11.0` → 11).
        const majors = [...(constraint ?? '').matchAll(/(?:^|[^\d.])(\d+)/g)].map((m) => Number(m[1]));
        if (majors.length > 0)
            return { major: Math.max(...majors), source: `laravel/framework "${constraint ?? ''}" in composer.json` };
    }
    catch { /* unknown */ }
    return undefined;
}

const UNKNOWN_LARAVEL = { major: undefined, source: 'no composer.lock names laravel/framework: assumed 11+, set check.laravel' };
const UNKNOWN_DATABASE = { engine: undefined, source: 'database unknown: set check.database' };
/**
 * Finds the app of migrations in a directory: the nearest directory at or above it with a composer.json or
 * composer.lock, stopping at a git work tree's root; reads its Laravel version and database once.
 * Settings (`check.laravel`, `check.database`) win over what is found.
 */
class Apps {
    fixed;
    roots = new Map();
    facts = new Map();
    constructor(fixed = {}) {
        this.fixed = fixed;
    }
    /** The facts that apply to migrations in `dir`. */
    for(dir) {
        const root = this.fixed.root ?? this.root(dir);
        const key = root ?? '';
        let facts = this.facts.get(key);
        if (!facts) {
            facts = {
                laravel: this.fixed.laravel ?? (root ? detectLaravel(root) : undefined) ?? UNKNOWN_LARAVEL,
                database: this.fixed.database ?? (root ? detectDatabase(root) : undefined) ?? UNKNOWN_DATABASE
            };
            this.facts.set(key, facts);
        }
        return facts;
    }
    root(dir) {
        if (this.roots.has(dir))
            return this.roots.get(dir);
        let found;
        if (existsSync(join(dir, 'composer.json')) || existsSync(join(dir, 'composer.lock')))
            found = dir;
        else if (dirname(dir) !== dir && !existsSync(join(dir, '.git')))
            found = this.root(dirname(dir));
        this.roots.set(dir, found);
        return found;
    }
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

const exec$1 = promisify(execFile);
async function git$1(cwd, args) {
    try {
        return (await exec$1('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
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
    const commit = (await git$1(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])).trim();
    const mergeBase = (await git$1(cwd, ['merge-base', commit, 'HEAD'])).trim();
    const wanted = new Set(candidates);
    const underRoots = (p) => /\.(php|sql)$/.test(p) && roots.some((r) => p.startsWith(`${r}/`) || matchesGlob(p, `${r}/**`) || p === r);
    const files = [];
    const added = new Set();
    const findings = [];
    const fields = (await git$1(cwd, ['diff', '--name-status', '-z', '--relative', '--find-renames', mergeBase, '--'])).split('\0');
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
    for (const p of (await git$1(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0')) {
        if (wanted.has(p) && !added.has(p)) {
            files.push(p);
            added.add(p);
        }
    }
    return { files: [...new Set(files)].sort().map((f) => resolve(cwd, f)), added, findings };
}
async function firstChangedLine(cwd, mergeBase, file) {
    const diff = await git$1(cwd, ['diff', '-U0', '--relative', mergeBase, '--', file]);
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
    if (config.policy !== undefined && config.policy !== 'forward-only')
        throw new CheckInputError(`check.policy: ${String(config.policy)} is not forward-only`);
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
/** Runs a command and collects its output; never throws. */
function run(cmd, args, cwd, env, timeout = 300_000) {
    return new Promise((done) => {
        execFile(cmd, args, { cwd, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            done({ code, output: `${stdout}${stderr}`.trim() });
        });
    });
}
/** The Laravel environment variables that point an app at the scratch database. */
function dbEnv(target, database) {
    return {
        APP_ENV: 'local', DB_CONNECTION: target.driver, DB_DATABASE: database, DB_HOST: target.host, DB_PORT: target.port,
        DB_USERNAME: target.username, DB_PASSWORD: target.password, DATABASE_URL: '', DB_URL: '',
        CACHE_DRIVER: 'array', CACHE_STORE: 'array', SESSION_DRIVER: 'array'
    };
}
/**
 * The copy's .env: its own (else the source's, else .env.example) with the scratch database's settings replacing
 * theirs, and an APP_KEY when it has none. `php artisan serve` re-reads .env in its child process.
 */
async function writeDotEnv(app, fallbacks, vars) {
    const from = [join(app, '.env'), ...fallbacks, join(app, '.env.example')].find((f) => existsSync(f));
    const lines = (from ? await readFile(from, 'utf8') : '').split('\n').filter((l) => !/^\s*(DB_|DATABASE_URL|APP_ENV|CACHE_|SESSION_DRIVER)/.test(l));
    const key = lines.find((l) => /^\s*APP_KEY\s*=\s*\S/.test(l));
    const extra = key ? {} : { APP_KEY: `base64:${randomBytes(32).toString('base64')}` };
    const own = Object.entries({ ...vars, ...extra }).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    await writeFile(join(app, '.env'), [...lines.filter((l) => !/^\s*APP_KEY\s*=/.test(l) || key), ...own, ''].join('\n'));
}
async function copyApp(source, app, exclude, head) {
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
    const deps = existsSync(join(source, 'vendor')) || !head ? source : head;
    await symlink(join(deps, 'vendor'), join(app, 'vendor')).catch(() => undefined);
}
/**
 * Copies the app at `source` to a temp dir (vendor/ linked, not copied; cached config and the migrations
 * under test left out; environment variables and .env point at the scratch database), creates the scratch
 * database (unless `shared`) and returns the handle.
 */
async function scratchApp(source, target, options = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-verify-'));
    const app = join(dir, 'app');
    await copyApp(source, app, options.exclude ?? new Set(), options.head);
    const migrations = join(app, 'database', 'migrations');
    await mkdir(migrations, { recursive: true });
    const owner = options.shared === undefined;
    const database = options.shared ?? (target.driver === 'sqlite' ? join(dir, 'scratch.sqlite') : `slipway_verify_${process.pid}_${Date.now().toString(36)}`);
    if (owner && target.driver === 'sqlite')
        await writeFile(database, '');
    const script = join(dir, 'slipway-db.php');
    await writeFile(script, DB_SCRIPT);
    const vars = dbEnv(target, database);
    await writeDotEnv(app, options.head ? [join(options.head, '.env')] : [], vars);
    const env = { ...process.env, ...vars, SLIPWAY_DB: JSON.stringify({ ...target, database }), COLUMNS: '400' };
    const php = options.php ?? 'php';
    const db = async (action) => run(php, [script, action], dir, env);
    if (owner && target.driver !== 'sqlite') {
        const created = await db('create');
        if (created.code !== 0) {
            await rm(dir, { recursive: true, force: true });
            throw new Error(`cannot create scratch database: ${created.output}`);
        }
    }
    return {
        dir: app,
        migrations,
        env,
        database,
        artisan: (args) => run(php, ['artisan', ...args, '--force', '--no-interaction', '--no-ansi'], app, env),
        async snapshot() {
            const r = await db('snapshot');
            if (r.code !== 0)
                throw new Error(`schema snapshot failed: ${r.output}`);
            return JSON.parse(r.output.split('\n').pop() ?? '[]');
        },
        async dispose() {
            if (owner && target.driver !== 'sqlite')
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
function tail$1(r, lines = 12) {
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
        app = await scratchApp(input.app, target, { exclude: new Set(files.map((f) => basename(f.path))) });
    }
    catch (e) {
        throw new CheckInputError(`--verify: ${e.message}`);
    }
    try {
        const baseline = await app.artisan(['migrate']);
        if (baseline.code !== 0)
            throw new CheckInputError(`--verify: the app's other migrations fail before the checked ones run:\n${tail$1(baseline)}`);
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
                    broken = `the scratch database could not be rebuilt after ${basename(f.path)}:\n${tail$1(fresh)}`;
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
        return { status: 'up-failed', detail: tail$1(up) };
    const afterUp = await app.snapshot();
    const down = await app.artisan(['migrate:rollback', '--step=1']);
    if (down.code !== 0)
        return { status: 'down-failed', detail: tail$1(down) };
    const afterDown = await app.snapshot();
    const downDiff = schemaDiff(before, afterDown);
    const again = await app.artisan(['migrate']);
    if (downDiff) {
        const note = again.code !== 0 ? `\nmigrating again then fails:\n${tail$1(again, 4)}` : '';
        return { status: 'down-mismatch', detail: `schema after rollback vs before up():\n${downDiff}${note}` };
    }
    if (again.code !== 0)
        return { status: 'reapply-failed', detail: tail$1(again) };
    const upDiff = schemaDiff(afterUp, await app.snapshot());
    if (upDiff)
        return { status: 'reapply-mismatch', detail: `schema after second up() vs first up():\n${upDiff}` };
    return { status: 'ok' };
}

/** The base revision booted for --verify-rollback: its server for HTTP checks, and its smoke checks run against it. */
/** The default command that serves the base revision; `{port}` is filled in. */
const DEFAULT_SERVE = 'php artisan serve --host=127.0.0.1 --port={port}';
async function freePort() {
    return new Promise((done, fail) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
            const port = s.address().port;
            s.close(() => done(port));
        }).on('error', fail);
    });
}
const accepts = (port) => new Promise((done) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(); done(true); }).on('error', () => done(false));
});
/**
 * Starts `command` (`{port}` filled in) in the app's directory in its own process group and waits until the
 * port accepts connections (30 s at most). Throws with the server's output when it exits or never listens.
 */
async function serve(app, command) {
    const port = await freePort();
    const child = spawn('bash', ['--norc', '--noprofile', '-c', `exec ${command.replaceAll('{port}', String(port))}`], { cwd: app.dir, env: app.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output = (output + d.toString()).slice(-4e3); });
    child.stderr.on('data', (d) => { output = (output + d.toString()).slice(-4e3); });
    const exited = new Promise((done) => child.once('exit', () => done()));
    let gone = false;
    void exited.then(() => { gone = true; });
    const stop = async () => {
        if (gone || child.pid === undefined)
            return;
        try {
            process.kill(-child.pid, 'SIGTERM');
        }
        catch {
            return;
        }
        const late = setTimeout(() => { try {
            process.kill(-child.pid, 'SIGKILL');
        }
        catch { /* already gone */ } }, 3000);
        await exited;
        clearTimeout(late);
    };
    for (let i = 0; i < 150 && !gone; i++) {
        if (await accepts(port))
            return { origin: `http://127.0.0.1:${port}`, output: () => output, stop };
        await setTimeout$1(200);
    }
    await stop();
    throw new Error(`the base revision's server (${command}) ${gone ? 'exited' : 'did not listen within 30 s'}:\n${output.trim().split('\n').slice(-8).join('\n')}`);
}
const statusJudge = (r) => (r.status >= 400 ? `status ${r.status}` : undefined);
/** The last lines of some output, or `(no output)`. */
const tail = (text) => text.trim().split('\n').slice(-10).join('\n').slice(-1500) || '(no output)';
/** The newest error the app logged (storage/logs/*.log), else the server's last lines, to say why a request failed. */
async function loggedError(app, server) {
    const r = await run('bash', ['--norc', '--noprofile', '-c', 'tail -c 200000 storage/logs/*.log 2>/dev/null | grep -E "\\.(ERROR|CRITICAL)" | tail -1'], app.dir, app.env, 10_000);
    if (r.output)
        return `\nlogged: ${r.output.slice(0, 600)}`;
    const said = server.output().trim().split('\n').slice(-3).join('\n');
    return said ? `\nserver: ${said}` : '';
}
async function request(check, server, app) {
    const url = new URL(check.http);
    try {
        const res = await fetch(`${server.origin}${url.pathname}${url.search}`, { method: check.method ?? 'GET', redirect: 'manual', signal: AbortSignal.timeout(check.timeout * 1000) });
        const reply = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
        const why = (check.judge ?? statusJudge)(reply);
        return why === undefined ? undefined : `${check.method ?? 'GET'} ${url.pathname}${url.search}: ${why}${await loggedError(app, server)}`;
    }
    catch (e) {
        return `${check.method ?? 'GET'} ${url.pathname}${url.search}: ${e.message}`;
    }
}
/** Runs every check against the base revision: the failure of each, or undefined when it passed. */
async function runChecks(app, server, checks) {
    const out = new Map();
    for (const check of checks) {
        if (check.http !== undefined) {
            out.set(check.name, server ? await request({ ...check, http: check.http }, server, app) : 'no server');
        }
        else if (check.run !== undefined) {
            // --norc: Node's stdio is a socket, and bash then reads ~/.bashrc as if started by rshd.
            const r = await run('bash', ['--norc', '--noprofile', '-c', check.run], app.dir, app.env, check.timeout * 1000);
            out.set(check.name, r.code === 0 ? undefined : `${check.run}: exit ${r.code}\n${tail(r.output)}`);
        }
    }
    return out;
}

/** The base revision checked out next to the repository with `git worktree`, for --verify-rollback. */
const exec = promisify(execFile);
async function git(cwd, args) {
    try {
        return (await exec('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
    }
    catch (e) {
        const err = e;
        throw new CheckInputError(`--verify-rollback: git ${args[0]} failed: ${(err.stderr || err.message || '').trim()}`);
    }
}
/**
 * Checks out the merge base of `base` and HEAD (the code that runs in production before the PR's release, and
 * after a code rollback) in a temporary worktree of the repository holding `app`.
 */
async function checkoutBase(app, base) {
    const top = await git(app, ['rev-parse', '--show-toplevel']);
    const commit = await git(app, ['merge-base', `${base}^{commit}`, 'HEAD']);
    const dir = join(await mkdtemp(join(tmpdir(), 'slipway-base-')), 'tree');
    await git(top, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
    return {
        commit,
        app: join(dir, relative(top, await realpath(app))),
        async remove() {
            await git(top, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
            await rm(join(dir, '..'), { recursive: true, force: true });
            await git(top, ['worktree', 'prune']).catch(() => undefined);
        }
    };
}

/**
 * --verify-rollback: is a code rollback safe? A scratch database is migrated to the PR's head, the base revision
 * (a git worktree) is booted against it and its smoke checks run; each failing check is blamed on the migration
 * after which it starts failing, found by bisecting the PR's migrations.
 */
/** A run of `migrate:fresh` that failed: the migrations after the baseline do not apply. */
class MigrateFailure extends Error {
}
async function setUp(input, files, undo) {
    const target = parseDsn(input.database);
    const checkout = await checkoutBase(input.app, input.base);
    undo.push(() => checkout.remove());
    if (!existsSync(join(checkout.app, 'artisan')))
        throw new CheckInputError(`--verify-rollback: the base revision ${checkout.commit.slice(0, 12)} has no artisan at the app's path`);
    const head = await scratchApp(input.app, target, { exclude: new Set(files.map((f) => basename(f.path))) }).catch((e) => { throw new CheckInputError(`--verify-rollback: ${e.message}`); });
    undo.push(() => head.dispose());
    const base = await scratchApp(checkout.app, target, { shared: head.database, head: input.app });
    undo.push(() => base.dispose());
    const server = input.checks.some((c) => c.http !== undefined) ? await serve(base, input.serve ?? DEFAULT_SERVE).catch((e) => { throw new CheckInputError(`--verify-rollback: ${e.message}`); }) : undefined;
    if (server)
        undo.push(() => server.stop());
    const seen = new Map();
    const probe = async (k) => {
        const known = seen.get(k);
        if (known)
            return known;
        for (const f of files)
            await rm(join(head.migrations, basename(f.path)), { force: true });
        for (const f of files.slice(0, k))
            await copyFile(f.path, join(head.migrations, basename(f.path)));
        const migrated = await head.artisan(['migrate:fresh']);
        if (migrated.code !== 0)
            throw new MigrateFailure(migrated.output);
        const results = await runChecks(base, server, input.checks);
        seen.set(k, results);
        return results;
    };
    return { head, base, files, probe, commit: checkout.commit };
}
/** The smallest number of the PR's migrations after which `check` fails (it passes with none, fails with all). */
async function bisect(bench, check) {
    let pass = 0;
    let fail = bench.files.length;
    while (fail - pass > 1) {
        const mid = Math.floor((pass + fail) / 2);
        if ((await bench.probe(mid)).get(check) !== undefined)
            fail = mid;
        else
            pass = mid;
    }
    return fail;
}
/** Runs the base revision's smoke checks on the head's schema; see the module comment. */
async function verifyRollback(input) {
    if (input.checks.length === 0)
        throw new CheckInputError('--verify-rollback: no smoke checks to run (add them to the spec\'s smoke: list)');
    const files = [...input.files].sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : 1));
    if (files.length === 0)
        return { outcomes: [], findings: [] };
    if (!existsSync(join(input.app, 'artisan')))
        throw new CheckInputError(`--verify-rollback: no artisan in ${input.app} (point --app at the Laravel app)`);
    const undo = [];
    try {
        const bench = await setUp(input, files, undo);
        return await attribute(input, bench, bench.commit.slice(0, 12));
    }
    finally {
        for (const step of undo.reverse())
            await step().catch(() => undefined);
    }
}
async function attribute(input, bench, commit) {
    let all;
    try {
        all = await bench.probe(bench.files.length);
    }
    catch (e) {
        if (!(e instanceof MigrateFailure))
            throw e;
        return { outcomes: [], findings: [migrateFailed(input, bench, e)] };
    }
    const failing = input.checks.filter((c) => all.get(c.name) !== undefined);
    if (failing.length > 0)
        await passesBefore(bench, commit, failing);
    const outcomes = [];
    const findings = [];
    for (const check of input.checks) {
        if (all.get(check.name) === undefined) {
            outcomes.push({ check: check.name, status: 'passed' });
            continue;
        }
        const k = await bisect(bench, check.name);
        const f = bench.files[k - 1];
        const file = relativePath(input.cwd, f.path);
        const detail = (await bench.probe(k)).get(check.name);
        outcomes.push({ check: check.name, status: 'failed', file, detail });
        const at = { file, ...(f.migration.up?.span ?? f.migration.span) };
        findings.push(finding('verify-rollback-failed', at, `the base revision (${commit}) fails smoke check "${check.name}" once ${basename(f.path)} has run: a code rollback to it would break`, detail));
    }
    return { outcomes, findings };
}
/** The checks that fail on the head's schema must pass on the base's own schema, or the PR is not what breaks them. */
async function passesBefore(bench, commit, failing) {
    const baseline = await bench.probe(0).catch((e) => {
        throw e instanceof MigrateFailure ? new CheckInputError(`--verify-rollback: the app's other migrations fail before the PR's run:\n${e.message.slice(-1500)}`) : e;
    });
    const broken = failing.filter((c) => baseline.get(c.name) !== undefined);
    if (broken.length)
        throw new CheckInputError(`--verify-rollback: the base revision ${commit} fails its own smoke checks before the PR's migrations run:\n${broken.map((c) => `${c.name}: ${baseline.get(c.name)}`).join('\n')}`);
}
/** A PR whose migrations do not apply: `verify-up-failed` on the one named last in the output. */
function migrateFailed(input, bench, e) {
    const names = bench.files.map((f) => basename(f.path));
    const name = [...names].reverse().find((n) => e.message.includes(n.replace(/\.php$/, ''))) ?? names[names.length - 1];
    const f = bench.files[names.indexOf(name)];
    const at = { file: relativePath(input.cwd, f.path), ...(f.migration.up?.span ?? f.migration.span) };
    return finding('verify-up-failed', at, `php artisan migrate fails on ${name}`, e.message.split('\n').slice(-12).join('\n'));
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
 * the --verify and --verify-rollback outcomes, and a summary line.
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
    if (result.verifyRollback && result.verifyRollback.length > 0) {
        if (lines.length > 0)
            lines.push('');
        lines.push('verify-rollback (the base revision\'s smoke checks on the new schema):');
        for (const v of result.verifyRollback)
            lines.push(`  ${v.status.padEnd(16)}  ${v.check}${v.file ? ` (from ${v.file})` : ''}`);
    }
    const skipped = result.skipped ?? [];
    if (skipped.length > 0) {
        if (lines.length > 0)
            lines.push('');
        lines.push('skipped:');
        for (const s of skipped)
            lines.push(`  ${s.path}  (${s.reason})`);
    }
    if (lines.length > 0)
        lines.push('');
    const { error, warning, notice } = result.counts;
    const suppressed = result.suppressed.length > 0 ? ` (${result.suppressed.length} suppressed)` : '';
    lines.push(`${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(notice, 'notice')} in ${plural(result.files.length, 'file')}${suppressed}`);
    return `${lines.join('\n')}\n`;
}

/** The machine report: `{ version: 1, exitCode, counts, files, findings, suppressed, verify?, verifyRollback? }`, pretty-printed. */
function formatJson(result) {
    const { exitCode, counts, files, findings, suppressed, verify, verifyRollback } = result;
    return `${JSON.stringify({ version: 1, exitCode, counts, files, findings, suppressed, ...(verify ? { verify } : {}), ...(verifyRollback ? { verifyRollback } : {}) }, null, 2)}\n`;
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
    const collected = await collectFiles(cwd, paths);
    let files = collected.files;
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
    const apps = appsOf(config, options.app ?? config.verify?.app ? app : undefined);
    const migrations = new Map();
    const history = new ColumnHistory(migrations);
    const directives = new Map();
    files.forEach((abs, i) => {
        const file = relativePath(cwd, abs);
        const text = texts[i];
        const result = checkFile(abs, file, text, apps, history, migrations);
        const inline = readDirectives(file, text, result.statements);
        directives.set(file, inline.directives);
        raw.push(...result.findings, ...inline.findings);
    });
    const php = files.flatMap((path) => { const migration = migrations.get(path); return migration ? [{ path, migration }] : []; });
    const ran = await runMigrations(options, config, { cwd, app, files: php, database: options.database ?? config.verify?.database ?? 'sqlite' });
    raw.push(...ran.findings);
    const findings = [];
    const suppressed = [];
    for (const f of overrideSeverities(applyPolicy(raw, config.policy), config.rules)) {
        const split = applySuppressions([f], directives.get(f.file) ?? [], config.ignore);
        findings.push(...split.kept);
        suppressed.push(...split.suppressed);
    }
    findings.sort(byPosition);
    suppressed.sort(byPosition);
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const f of findings)
        counts[f.severity]++;
    const result = { findings, suppressed, files: files.map((f) => relativePath(cwd, f)), skipped: collected.skipped, counts, exitCode: counts.error > 0 ? 1 : 0 };
    if (ran.verify)
        result.verify = ran.verify;
    if (ran.verifyRollback)
        result.verifyRollback = ran.verifyRollback;
    return result;
}
/** `verify` and `verifyRollback`: the migrations run for real on scratch databases. */
async function runMigrations(options, config, input) {
    const out = { findings: [] };
    if (options.verify) {
        const run = await verifyMigrations(input);
        out.verify = run.outcomes;
        out.findings.push(...run.findings);
    }
    if (options.verifyRollback) {
        if (!options.base)
            throw new CheckInputError('--verify-rollback needs --base: the revision whose code must still run on the new schema');
        const serve = config.verify?.serve;
        const run = await verifyRollback({ ...input, base: options.base, checks: options.smoke ?? [], ...(serve ? { serve } : {}) });
        out.verifyRollback = run.outcomes;
        out.findings.push(...run.findings);
    }
    return out;
}
/** Checks one file: SQL with the PostgreSQL rules, PHP with the Laravel rules (its migration is kept for history and --verify). */
function checkFile(abs, file, text, apps, history, migrations) {
    if (abs.endsWith('.sql'))
        return checkSqlFile(file, text);
    const php = checkPhpFile(text, { file, ...apps.for(dirname(abs)), previousColumn: (t, c) => history.previous(abs, t, c) });
    migrations.set(abs, php.migration);
    return php;
}
/** The app facts source: the spec's check.laravel / check.database settings, the --app directory, else found per file. */
function appsOf(config, root) {
    const fixed = {};
    if (config.laravel !== undefined)
        fixed.laravel = { major: config.laravel, source: `check.laravel: ${config.laravel}` };
    if (config.database !== undefined) {
        try {
            fixed.database = configuredDatabase(config.database);
        }
        catch (e) {
            throw new CheckInputError(e.message);
        }
    }
    if (root !== undefined)
        fixed.root = root;
    return new Apps(fixed);
}
/** `check.policy: forward-only`: a migration without a rollback is the team's choice, said as a notice, not an error. */
function applyPolicy(findings, policy) {
    if (policy !== 'forward-only')
        return findings;
    return findings.map((f) => f.ruleId === 'missing-down' || f.ruleId === 'empty-down'
        ? { ...f, severity: 'notice', message: `${f.message} (check.policy: forward-only: a release that ships it cannot step its schema back)` }
        : f);
}
function overrideSeverities(findings, rules) {
    return findings.flatMap((f) => {
        const level = rules?.[f.ruleId];
        if (level === undefined && ruleInfo(f.ruleId).optIn)
            return [];
        if (level === 'off')
            return [];
        return level ? [{ ...f, severity: level }] : [f];
    });
}
function byPosition(a, b) {
    return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

export { CheckInputError, RULES, checkMigrations, formatGithub, formatJson, formatSarif, formatText };
