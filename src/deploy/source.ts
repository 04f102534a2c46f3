/** The local side of an upload: which files go, streamed as one tar, and the git commit. */
import { execFile } from 'node:child_process'
import { createReadStream, promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { pack } from 'tar-stream'

/** One entry to upload (relative path, POSIX separators). */
export interface SourceEntry {
  path: string
  type: 'file' | 'dir' | 'symlink'
  mode: number
  size: number
  mtime: Date
  linkTarget?: string
}

function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*')
  return new RegExp(`^${re}$`)
}

/** A predicate for exclude patterns: a bare name matches at any depth, a path with "/" from the root. */
export function excluder(patterns: string[]): (path: string) => boolean {
  const rules = patterns.map((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '')
    return { anchored: clean.includes('/'), re: globToRegExp(clean) }
  })
  return (path) => {
    const parts = path.split('/')
    return rules.some(({ anchored, re }) => (anchored ? parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/'))) : parts.some((seg) => re.test(seg))))
  }
}

/** Lists what will be uploaded from `dir`, in a stable order, leaving out excluded paths. */
export async function listSource(dir: string, exclude: string[]): Promise<SourceEntry[]> {
  const skip = excluder(exclude)
  const out: SourceEntry[] = []
  async function walk(rel: string): Promise<void> {
    const names = (await fs.readdir(join(dir, rel))).sort()
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name
      if (skip(path)) continue
      const st = await fs.lstat(join(dir, path))
      if (st.isSymbolicLink()) out.push({ path, type: 'symlink', mode: st.mode & 0o7777, size: 0, mtime: st.mtime, linkTarget: await fs.readlink(join(dir, path)) })
      else if (st.isDirectory()) {
        out.push({ path, type: 'dir', mode: st.mode & 0o7777, size: 0, mtime: st.mtime })
        await walk(path)
      } else if (st.isFile()) out.push({ path, type: 'file', mode: st.mode & 0o7777, size: st.size, mtime: st.mtime })
    }
  }
  await walk('')
  return out
}

/** Streams the entries as a tar archive, reading one file at a time; `extra` files (name → text) go first. */
export function tarStream(dir: string, entries: SourceEntry[], extra: Record<string, string> = {}): Readable {
  const tar = pack()
  ;(async () => {
    for (const [name, text] of Object.entries(extra)) tar.entry({ name, mode: 0o600 }, text)
    for (const e of entries) {
      const header = { name: e.path, mode: e.mode, mtime: e.mtime }
      if (e.type === 'dir') tar.entry({ ...header, type: 'directory' })
      else if (e.type === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: e.linkTarget })
      else {
        await new Promise<void>((resolve, reject) => {
          const sink = tar.entry({ ...header, size: e.size }, (err) => (err ? reject(err) : resolve()))
          createReadStream(join(dir, e.path)).on('error', reject).pipe(sink)
        })
      }
    }
    tar.finalize()
  })().catch((err: Error) => tar.destroy(err))
  return tar as unknown as Readable
}

/** The git commit checked out in `dir`, or undefined outside a repository. */
export async function gitCommit(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 10000 })
    return stdout.trim() || undefined
  } catch {
    return undefined
  }
}
