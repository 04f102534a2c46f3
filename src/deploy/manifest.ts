/**
 * Release manifests: one line per uploaded path (`type \t hash \t mode \t path`), kept on the host
 * per release, so a redeploy sends only what changed and the host copies the rest from the live release.
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HashCache } from './hash-cache.js'
import { SMALL_FILE, type SourceEntry } from './source.js'

/** One manifest line, parsed. */
export interface ManifestLine {
  type: 'F' | 'L' | 'D'
  hash: string
  mode: string
  path: string
}

/** The manifest line of an entry (files hashed with SHA-256, links by their target). */
export async function manifestLine(dir: string, e: SourceEntry, cache?: HashCache): Promise<string> {
  const mode = e.mode.toString(8)
  if (e.type === 'dir') return `D\t-\t${mode}\t${e.path}`
  if (e.type === 'symlink') return `L\t${createHash('sha256').update(e.linkTarget ?? '').digest('hex').slice(0, 32)}\t${mode}\t${e.path}`
  return `F\t${cache?.get(e) ?? await fileHash(dir, e, cache)}\t${mode}\t${e.path}`
}

async function fileHash(dir: string, e: SourceEntry, cache?: HashCache): Promise<string> {
  const hash = createHash('sha256')
  if (e.size <= SMALL_FILE) hash.update(readFileSync(join(dir, e.path)))
  else for await (const chunk of createReadStream(join(dir, e.path))) hash.update(chunk as Buffer)
  const hex = hash.digest('hex').slice(0, 32)
  cache?.set(e, hex)
  return hex
}

/** Manifest lines for every entry, in entry order. */
export async function buildManifest(dir: string, entries: SourceEntry[], cache?: HashCache): Promise<string[]> {
  const out: string[] = new Array(entries.length)
  let next = 0
  const worker = async () => {
    while (next < entries.length) {
      const i = next++
      out[i] = await manifestLine(dir, entries[i], cache)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return out
}

/** What a host needs: entries to send, and the upload list (changed lines, plus `X` lines for removed paths). */
export interface Delta {
  send: SourceEntry[]
  upload: string[]
}

const pathOf = (line: string) => line.slice(line.lastIndexOf('\t') + 1)

/** The paths a manifest lists. */
export function manifestPaths(lines: string[]): Set<string> {
  return new Set(lines.map(pathOf))
}

/** True when a path can be written into a manifest line (no tab, newline or CR, which would split the line). */
export function manifestSafe(path: string): boolean {
  return !/[\t\n\r]/.test(path)
}

/**
 * Paths that can take part in a delta. A tree with a name that cannot be a manifest line goes up whole: such names
 * are sent every time and never written into a manifest, so they cannot corrupt the next deploy's.
 */
export function deltaSafe(entries: SourceEntry[]): boolean {
  return entries.every((e) => manifestSafe(e.path))
}

const LINE = /^[FLD]\t(-|[0-9a-f]{32})\t[0-7]{1,6}\t[^\t\n\r]+$/

/**
 * True when the live release's manifest (as read from the host) can be trusted for a delta: not empty, every
 * line well formed, no path twice. Anything else (missing, cut short, written by a version that let a newline
 * into a path) means a full upload, never a failure.
 */
export function usableManifest(lines: string[]): boolean {
  if (!lines.length) return false
  const paths = new Set<string>()
  for (const line of lines) {
    if (!LINE.test(line)) return false
    const path = pathOf(line)
    if (paths.has(path)) return false
    paths.add(path)
  }
  return true
}

/**
 * Compares the local manifest with the live release's; entries under `always` (shared paths,
 * replaced by links on the host) are always sent and never copied, and so are names that cannot be a manifest
 * line (they never enter the upload list, so the host never writes them into a manifest). `same` names paths known to be
 * unchanged without their previous line (their directory's digest matches).
 */
export function diffManifest(entries: SourceEntry[], local: string[], previous: string[], always: (path: string) => boolean, same?: (path: string) => boolean): Delta {
  const before = new Map(previous.map((l) => [pathOf(l), l]))
  const send: SourceEntry[] = []
  const upload: string[] = []
  const seen = new Set<string>()
  entries.forEach((e, i) => {
    seen.add(e.path)
    if (always(e.path) || !manifestSafe(e.path)) {
      send.push(e)
      return
    }
    if (same?.(e.path)) return // in a directory whose digest matches the host's: the same line there
    if (before.get(e.path) !== local[i]) {
      send.push(e)
      upload.push(local[i])
    }
  })
  for (const path of before.keys()) if (!seen.has(path) || always(path)) upload.push(`X\t-\t-\t${path}`)
  return { send, upload }
}
