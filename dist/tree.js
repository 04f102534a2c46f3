import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { l as listSource } from './source.js';
import 'node:child_process';
import 'node:util';
import './_commonjsHelpers.js';
import 'events';

/**
 * Checks of the local source tree before anything connects: the source dir exists, no symlink points outside
 * it (unless `source.allow_external_symlinks`), no shared/writable path goes through a symlink, no reserved name.
 */
/** Names at the release root that Slipway writes itself (the upload list, the keep list, ...). */
const RESERVED_PREFIX = '.slipway-';
const pos = (spec, path) => spec.where?.(path) ?? { line: 1, col: 1 };
/** The source dir's problems, or undefined when it can be listed. */
function sourceDirProblem(spec) {
    const fix = 'set source.dir to the directory to upload (relative to the spec file), or create it';
    try {
        if (statSync(spec.source.dir).isDirectory())
            return undefined;
        return { ...pos(spec, 'source.dir'), path: 'source.dir', message: `${spec.source.dir} is not a directory`, fix };
    }
    catch (error) {
        return { ...pos(spec, 'source.dir'), path: 'source.dir', message: `${spec.source.dir} cannot be read (${error.code ?? error})`, fix };
    }
}
/** Where a symlink in the tree points, relative to the tree root; undefined when it leaves the tree. */
function linkInside(entry) {
    const target = entry.linkTarget ?? '';
    if (target.startsWith('/'))
        return undefined;
    const joined = posix.normalize(posix.join(posix.dirname(entry.path), target));
    return joined === '..' || joined.startsWith('../') ? undefined : joined;
}
const show = (s) => JSON.stringify(s);
/** Every problem of the source tree (lists it once; the deploy lists it again after taking the lock). */
async function treeProblems(spec) {
    const dir = sourceDirProblem(spec);
    if (dir)
        return { problems: [dir], entries: [] };
    const entries = await listSource(spec.source.dir, spec.source.exclude);
    const problems = [];
    const at = pos(spec, 'source.dir');
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const e of entries) {
        if (!e.path.includes('/') && e.path.startsWith(RESERVED_PREFIX)) {
            problems.push({ ...at, path: 'source.dir', message: `${show(e.path)} in the source dir has a reserved name: ${RESERVED_PREFIX}* at the release root is Slipway's own (its upload and keep lists)`, fix: `rename it, or add "${e.path}" to source.exclude` });
        }
        if (e.type === 'symlink' && !spec.source.allow_external_symlinks && linkInside(e) === undefined) {
            problems.push({ ...at, path: 'source.dir', message: `${show(e.path)} is a symlink to ${show(e.linkTarget ?? '')}, outside the source dir; on the host it would point outside the release`, fix: `replace the link with what it points to, add "${e.path}" to source.exclude, or set source.allow_external_symlinks: true if the target exists on every host on purpose` });
        }
    }
    const keys = [['shared.files', spec.shared.files], ['shared.dirs', spec.shared.dirs], ['writable', spec.writable], ['copy_from_previous', spec.copy_from_previous]];
    for (const [key, paths] of keys) {
        paths.forEach((p, i) => {
            const parts = p.split('/');
            for (let n = 1; n <= parts.length; n++) {
                const link = byPath.get(parts.slice(0, n).join('/'));
                if (link?.type !== 'symlink')
                    continue;
                problems.push({ ...pos(spec, `${key}[${i}]`), path: `${key}[${i}]`, message: `${show(p)} goes through ${show(link.path)}, a symlink in the source dir (to ${show(link.linkTarget ?? '')}); linking or making it writable on the host would follow the link`, fix: `make ${show(link.path)} a real directory or file in the source, or add it to source.exclude` });
                break;
            }
        });
    }
    return { problems, entries };
}

export { RESERVED_PREFIX, linkInside, treeProblems };
