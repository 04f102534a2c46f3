/** The runner's hash cache: a hash is reused only for the same stamp (size, mtime, ctime, inode), and kept only once a file has settled. */
import { describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cacheFile, openHashCache, SETTLE_MS } from '../../src/deploy/hash-cache.js'
import { buildManifest } from '../../src/deploy/manifest.js'
import { listSource, type SourceEntry } from '../../src/deploy/source.js'

const dir = mkdtempSync(join(tmpdir(), 'slipway-hash-'))
const cache = join(dir, 'cache', 'hashes.tsv')
const later = () => Date.now() + SETTLE_MS + 1000
/** A manifest built with the cache in `file` (as of `now`), then the cache written, as a deploy's plan does. */
async function hashed(src: string, entries: SourceEntry[], file: string, now: number): Promise<string[]> {
  const cache = openHashCache(file, now)
  const lines = await buildManifest(src, entries, cache)
  cache.save()
  return lines
}
const hashOf = (lines: string[], path: string) => lines.find((l) => l.endsWith(`\t${path}`))!.split('\t')[1]

describe('the hash cache', () => {
  test('is named by the source directory, under XDG_CACHE_HOME when set', () => {
    expect(cacheFile('/a/b', { XDG_CACHE_HOME: '/c' })).toMatch(/^\/c\/slipway\/hashes-[0-9a-f]{16}\.tsv$/)
    expect(cacheFile('/a/b', { XDG_CACHE_HOME: '/c' })).not.toBe(cacheFile('/a/x', { XDG_CACHE_HOME: '/c' }))
  })

  test('reuses a hash for an unchanged stamp, and re-reads a file whose content changed even with size and mtime put back', async () => {
    const src = join(dir, 'src')
    mkdirSync(src)
    writeFileSync(join(src, 'a.txt'), 'one\n')
    const entries = await listSource(src, [])
    const first = await hashed(src, entries, cache, later())
    expect(readFileSync(cache, 'utf8')).toContain('\ta.txt\n')
    // A forged cache line with the same stamp is what a hit returns: proof that the file is not read again.
    const forged = readFileSync(cache, 'utf8').replace(hashOf(first, 'a.txt'), 'f'.repeat(32))
    writeFileSync(cache, forged)
    expect(hashOf(await hashed(src, await listSource(src, []), cache, later()), 'a.txt')).toBe('f'.repeat(32))
    // Same size, mtime set back: ctime moved, so the stamp differs and the file is hashed again.
    const { mtime } = statSync(join(src, 'a.txt'))
    writeFileSync(join(src, 'a.txt'), 'two\n')
    utimesSync(join(src, 'a.txt'), mtime, mtime)
    const again = await hashed(src, await listSource(src, []), cache, later())
    expect(hashOf(again, 'a.txt')).not.toBe('f'.repeat(32))
    expect(hashOf(again, 'a.txt')).not.toBe(hashOf(first, 'a.txt'))
  })

  test('does not keep the hash of a file changed within the settle time', async () => {
    const src = join(dir, 'fresh')
    mkdirSync(src)
    writeFileSync(join(src, 'b.txt'), 'b\n')
    const file = join(dir, 'fresh.tsv')
    await hashed(src, await listSource(src, []), file, Date.now())
    expect(readFileSync(file, 'utf8')).toBe('')
  })
})
