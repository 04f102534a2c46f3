/**
 * The runner's cache of file hashes, so a redeploy re-reads only the files that changed (a 10,000-file app spent
 * most of its local time reading and hashing every file). A hash is reused only for the same path with the same
 * stamp: size, mtime, ctime and inode (a write changes ctime, which no tool can set back). A file whose ctime is
 * within {@link SETTLE_MS} of the moment it was hashed is not kept: it could change again within the same clock
 * tick without changing its stamp. The cache is one file per source directory under the user's cache directory;
 * one that cannot be read or written only costs the time of hashing.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { SourceEntry } from './source.js'

/** How long a file must have been left alone before its hash is kept. */
export const SETTLE_MS = 3000

/** Hashes by path, each with the stamp it was computed for. */
export interface HashCache {
  /** The hash kept for `e`, when its stamp is the same. */
  get(e: SourceEntry): string | undefined
  /** Keeps the hash of `e` (unless `e` changed too recently). */
  set(e: SourceEntry, hash: string): void
  /** Writes the cache (best effort). */
  save(): void
}

/** The cache file of a source directory: `$XDG_CACHE_HOME/slipway` (else `~/.cache/slipway`), named by the directory. */
export function cacheFile(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(base, 'slipway', `hashes-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16)}.tsv`)
}

/** Opens the cache in `file` (empty when there is none); `now` is the time the hashes are computed. */
export function openHashCache(file: string, now = Date.now()): HashCache {
  const kept = new Map<string, [string, string]>()
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [stamp, hash, path] = line.split('\t')
      if (path && /^[0-9a-f]{32}$/.test(hash)) kept.set(path, [stamp, hash])
    }
  } catch {
    // no cache yet, or unreadable: every file is hashed
  }
  const next = new Map<string, [string, string]>()
  return {
    get: (e) => {
      const k = kept.get(e.path)
      if (!k || !e.stamp || k[0] !== e.stamp) return undefined
      next.set(e.path, k)
      return k[1]
    },
    set: (e, hash) => {
      if (e.stamp && e.ctimeMs !== undefined && e.ctimeMs < now - SETTLE_MS && !/[\t\n\r]/.test(e.path)) next.set(e.path, [e.stamp, hash])
    },
    save: () => {
      try {
        mkdirSync(join(file, '..'), { recursive: true })
        writeFileSync(`${file}.${process.pid}`, [...next].map(([path, [stamp, hash]]) => `${stamp}\t${hash}\t${path}\n`).join(''))
        renameSync(`${file}.${process.pid}`, file)
      } catch {
        // a cache that cannot be written only costs the next run its hashing
      }
    }
  }
}
