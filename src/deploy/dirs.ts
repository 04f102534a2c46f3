/**
 * Directory digests of a release manifest: one line per directory (`dir \t digest`), the digest of that
 * directory's own manifest lines. The host keeps them next to the manifest; a redeploy reads them (small) and
 * only the lines of the directories whose digest differs, instead of the whole manifest.
 */
import { createHash } from 'node:crypto'

const pathOf = (line: string) => line.slice(line.lastIndexOf('\t') + 1)

/** The directory a manifest path is in (`.` for the top). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '.' : path.slice(0, slash)
}

/** `dir \t digest` per directory of these manifest lines, sorted by directory (the digest does not depend on line order). */
export function dirDigests(lines: string[]): string[] {
  const byDir = new Map<string, string[]>()
  for (const line of lines) {
    const dir = dirOf(pathOf(line))
    const list = byDir.get(dir)
    if (list) list.push(line)
    else byDir.set(dir, [line])
  }
  return [...byDir.keys()].sort().map((dir) => `${dir}\t${createHash('sha256').update(byDir.get(dir)!.sort().join('\n')).digest('hex').slice(0, 32)}`)
}

const DIGEST = /^[^\t\n\r]+\t[0-9a-f]{32}$/

/** True when the digest lines read from a host are well formed (anything else means: use the whole manifest). */
export function usableDigests(lines: string[]): boolean {
  return lines.length > 0 && lines.every((l) => DIGEST.test(l))
}

/** The directories whose lines differ between two digest lists (in one and not the other, or another digest). */
export function changedDirs(mine: string[], theirs: string[]): Set<string> {
  const split = (l: string) => [l.slice(0, l.lastIndexOf('\t')), l.slice(l.lastIndexOf('\t') + 1)] as const
  const a = new Map(mine.map(split))
  const b = new Map(theirs.map(split))
  const changed = new Set<string>()
  for (const [dir, digest] of a) if (b.get(dir) !== digest) changed.add(dir)
  for (const dir of b.keys()) if (!a.has(dir)) changed.add(dir)
  return changed
}
