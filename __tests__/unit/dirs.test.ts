/** Directory digests: what decides which directories' manifest lines a redeploy reads and compares. */
import { describe, expect, test } from '@jest/globals'
import { changedDirs, dirDigests, dirOf, usableDigests } from '../../src/deploy/dirs.js'
import { diffManifest } from '../../src/deploy/manifest.js'
import type { SourceEntry } from '../../src/deploy/source.js'

const line = (path: string, hash = 'a'.repeat(32)) => `F\t${hash}\t644\t${path}`
const entry = (path: string): SourceEntry => ({ path, type: 'file', mode: 0o644, size: 1 }) as SourceEntry

describe('directory digests', () => {
  test('one digest per directory, independent of line order; a changed line changes only its directory', () => {
    expect(dirOf('a/b/c.php')).toBe('a/b')
    expect(dirOf('top.php')).toBe('.')
    const lines = [line('a/x'), line('a/y'), line('b/z'), line('top')]
    const d = dirDigests(lines)
    expect(d.map((l) => l.split('\t')[0])).toEqual(['.', 'a', 'b'])
    expect(dirDigests([...lines].reverse())).toEqual(d)
    expect(usableDigests(d)).toBe(true)
    expect(usableDigests([])).toBe(false)
    expect(usableDigests(['a\tnot-a-digest'])).toBe(false)
    const changed = dirDigests([line('a/x', 'b'.repeat(32)), line('a/y'), line('b/z'), line('top')])
    expect([...changedDirs(changed, d)]).toEqual(['a'])
    expect([...changedDirs(d.slice(1), d)]).toEqual(['.'])
    expect([...changedDirs([...d, 'new\t' + '0'.repeat(32)], d)]).toEqual(['new'])
  })

  test('entries of matching directories are neither sent nor listed; a changed directory is compared line by line', () => {
    const entries = ['a/x', 'a/y', 'b/z', 'c/new'].map(entry)
    const local = [line('a/x', 'b'.repeat(32)), line('a/y'), line('b/z'), line('c/new')]
    // The host sent a/'s lines only (a/gone was removed locally); b/ matched; c/ is new.
    const changed = new Set(['a', 'c'])
    const d = diffManifest(entries, local, [line('a/x'), line('a/y'), line('a/gone')], () => false, (p) => !changed.has(dirOf(p)))
    expect(d.send.map((e) => e.path)).toEqual(['a/x', 'c/new'])
    expect(d.upload).toEqual([local[0], local[3], 'X\t-\t-\ta/gone'])
  })
})
