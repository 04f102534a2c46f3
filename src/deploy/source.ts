/** The local side of an upload: which files go, streamed as one tar, and the git commit. */
import { execFile } from 'node:child_process'
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
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
  /** Files: what changes whenever the content does (size, mtime, ctime, inode), for the hash cache. */
  stamp?: string
  ctimeMs?: number
}

type Token = { kind: 'char'; ch: string } | { kind: 'one' } | { kind: 'star'; slash: boolean }

/** A glob as tokens: `**` (and a `/` after it) crosses directories, `*` and `?` do not; runs of `*` collapse. */
function tokens(glob: string): Token[] {
  const out: Token[] = []
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] !== '*') {
      out.push(glob[i] === '?' ? { kind: 'one' } : { kind: 'char', ch: glob[i] })
      continue
    }
    let j = i
    while (glob[j + 1] === '*') j++
    const slash = j > i
    if (slash && glob[j + 1] === '/') j++
    const last = out[out.length - 1]
    if (last?.kind === 'star') last.slash ||= slash
    else out.push({ kind: 'star', slash })
    i = j
  }
  return out
}

/**
 * A glob matcher that runs in O(path × pattern) time whatever the input (a set-of-states walk, no backtracking).
 * With `prefixes`, it also matches when the glob matches a leading part of the path that ends at a `/`.
 */
function matcher(glob: string): (path: string, prefixes: boolean) => boolean {
  const t = tokens(glob)
  const close = (on: Uint8Array) => {
    for (let i = 0; i < t.length; i++) if (on[i] && t[i].kind === 'star') on[i + 1] = 1
    return on
  }
  const step = (on: Uint8Array, c: string): Uint8Array | undefined => {
    const next = new Uint8Array(t.length + 1)
    let alive = false
    for (let i = 0; i < t.length; i++) {
      const tok = t[i]
      if (!on[i]) continue
      const to = tok.kind === 'star' ? (tok.slash || c !== '/' ? i : -1) : (tok.kind === 'one' ? c !== '/' : tok.ch === c) ? i + 1 : -1
      if (to >= 0) next[to] = 1
      alive ||= to >= 0
    }
    return alive ? close(next) : undefined
  }
  return (path, prefixes) => {
    let on: Uint8Array | undefined = close(new Uint8Array(t.length + 1).fill(1, 0, 1))
    for (let k = 0; on; k++) {
      const boundary = k === path.length || (prefixes && path[k] === '/')
      if (boundary && on[t.length]) return true
      if (k === path.length) return false
      on = step(on, path[k])
    }
    return false
  }
}

/** A predicate for exclude patterns: a bare name matches at any depth, a path with "/" from the root. */
export function excluder(patterns: string[]): (path: string) => boolean {
  const rules = patterns.map((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '')
    return { anchored: clean.includes('/'), match: matcher(clean) }
  })
  return (path) => {
    const parts = path.split('/')
    return rules.some(({ anchored, match }) => (anchored ? match(path, true) : parts.some((seg) => match(seg, false))))
  }
}

/** The stamp of a listed file: what changes whenever its content does. */
export function stampOf(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`
}

/**
 * Lists what will be uploaded from `dir`, in a stable order, leaving out excluded paths. The calls are synchronous:
 * one asynchronous call per entry waits on the thread pool each time, which on a busy machine made 10,000 entries
 * take seconds.
 */
export async function listSource(dir: string, exclude: string[]): Promise<SourceEntry[]> {
  const skip = excluder(exclude)
  const out: SourceEntry[] = []
  function walk(rel: string): void {
    const names = readdirSync(join(dir, rel)).sort()
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name
      if (skip(path)) continue
      const st = lstatSync(join(dir, path))
      if (st.isSymbolicLink()) out.push({ path, type: 'symlink', mode: st.mode & 0o7777, size: 0, mtime: st.mtime, linkTarget: readlinkSync(join(dir, path)) })
      else if (st.isDirectory()) {
        out.push({ path, type: 'dir', mode: st.mode & 0o7777, size: 0, mtime: st.mtime })
        walk(path)
      } else if (st.isFile()) out.push({ path, type: 'file', mode: st.mode & 0o7777, size: st.size, mtime: st.mtime, stamp: stampOf(st), ctimeMs: st.ctimeMs })
    }
  }
  walk('')
  return out
}

/** Files up to this size are read in one synchronous call (hashing, packing); larger ones are streamed. */
export const SMALL_FILE = 256 * 1024

/** Streams the entries as a tar archive, reading one file at a time; `extra` files (name → text) go first. */
export function tarStream(dir: string, entries: SourceEntry[], extra: Record<string, string> = {}): Readable {
  const tar = pack()
  ;(async () => {
    for (const [name, text] of Object.entries(extra)) tar.entry({ name, mode: 0o600 }, text)
    for (const e of entries) {
      const header = { name: e.path, mode: e.mode, mtime: e.mtime }
      if (e.type === 'dir') tar.entry({ ...header, type: 'directory' })
      else if (e.type === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: e.linkTarget })
      else if (e.size <= SMALL_FILE) {
        const data = readFileSync(join(dir, e.path))
        // As a streamed entry would: a file whose size changed since it was listed fails the upload.
        if (data.length !== e.size) throw new Error(`Size mismatch: ${e.path} is ${data.length} B, listed as ${e.size} B`)
        await new Promise<void>((resolve, reject) => tar.entry({ ...header, size: e.size }, data, (err) => (err ? reject(err) : resolve())))
      } else {
        await new Promise<void>((resolve, reject) => {
          const sink = tar.entry({ ...header, size: e.size }, (err) => (err ? reject(err) : resolve()))
          // A file that changes size while it is packed fails the entry ("Size mismatch"): the upload fails, the process lives.
          sink.on('error', reject)
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
