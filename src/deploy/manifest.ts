/**
 * Release manifests: one line per uploaded path (`type \t hash \t mode \t path`), kept on the host
 * per release, so a redeploy sends only what changed and the host copies the rest from the live release.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import type { SourceEntry } from './source.js'

/** One manifest line, parsed. */
export interface ManifestLine {
  type: 'F' | 'L' | 'D'
  hash: string
  mode: string
  path: string
}

/** The manifest line of an entry (files hashed with SHA-256, links by their target). */
export async function manifestLine(dir: string, e: SourceEntry): Promise<string> {
  const mode = e.mode.toString(8)
  if (e.type === 'dir') return `D\t-\t${mode}\t${e.path}`
  if (e.type === 'symlink') return `L\t${createHash('sha256').update(e.linkTarget ?? '').digest('hex').slice(0, 32)}\t${mode}\t${e.path}`
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(join(dir, e.path))) hash.update(chunk as Buffer)
  return `F\t${hash.digest('hex').slice(0, 32)}\t${mode}\t${e.path}`
}

/** Manifest lines for every entry, in entry order. */
export async function buildManifest(dir: string, entries: SourceEntry[]): Promise<string[]> {
  const out: string[] = new Array(entries.length)
  let next = 0
  const worker = async () => {
    while (next < entries.length) {
      const i = next++
      out[i] = await manifestLine(dir, entries[i])
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

/** Paths that can take part in a delta (a manifest line holds no tab or newline in a path). */
export function deltaSafe(entries: SourceEntry[]): boolean {
  return entries.every((e) => !/[\t\n\r]/.test(e.path))
}

/**
 * Compares the local manifest with the live release's; entries under `always` (shared paths,
 * replaced by links on the host) are always sent and never copied.
 */
export function diffManifest(entries: SourceEntry[], local: string[], previous: string[], always: (path: string) => boolean): Delta {
  const before = new Map(previous.map((l) => [pathOf(l), l]))
  const send: SourceEntry[] = []
  const upload: string[] = []
  const seen = new Set<string>()
  entries.forEach((e, i) => {
    seen.add(e.path)
    if (always(e.path)) {
      send.push(e)
      return
    }
    if (before.get(e.path) !== local[i]) {
      send.push(e)
      upload.push(local[i])
    }
  })
  for (const path of before.keys()) if (!seen.has(path) || always(path)) upload.push(`X\t-\t-\t${path}`)
  return { send, upload }
}
