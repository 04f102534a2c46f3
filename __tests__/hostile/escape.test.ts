/**
 * Paths that would reach outside the deploy root are refused on the runner: `rollback --to` traversal and symlinks
 * in the source tree. A canary directory outside the root, with a file in it, must stay exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { deployRoot, LAB_USER, startLab, type Lab } from '../support/lab.js'
import { add, BASE, cli, connections, swap, workspace, type Row } from './harness.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

/** A directory outside every deploy root, owned by the lab user (so the host could write there), with a file. */
function canary(): { dir: string; snapshot: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-canary-'))
  writeFileSync(join(dir, '.env'), 'SECRET=canary\n')
  execFileSync('mkdir', ['-p', join(dir, 'evil/public')])
  writeFileSync(join(dir, 'evil/public/index.html'), 'not yours\n')
  writeFileSync(join(dir, 'evil.json'), JSON.stringify({ id: 'evil', state: 'healthy', created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z' }))
  execFileSync('chown', ['-R', `${LAB_USER}:${LAB_USER}`, dir])
  const snapshot = () => execFileSync('bash', ['-c', 'cd "$1" && find . -printf "%p %y %m %s %T@\\n" | sort && cat .env evil.json evil/public/index.html', '_', dir], { encoding: 'utf8' })
  return { dir, snapshot }
}

const row = (spec: string, files: Row['files'] = {}): Row => ({ name: 'escape', spec, files, key: '', at: null, says: '' })

describe('nothing outside the deploy root is touched', () => {
  test('rollback --to with a path that climbs out of releases/ is refused before connecting', async () => {
    const root = deployRoot()
    const c = canary()
    const { dir } = workspace(row(BASE), lab, root)
    expect((await cli(['deploy'], dir)).code).toBe(0)
    const live = readlinkSync(join(root, 'current'))
    const before = c.snapshot()
    const connected = connections(lab)
    for (const to of [relative(join(root, 'releases'), join(c.dir, 'evil')), `../../../../..${c.dir}/evil`, `${live.split('/')[1]}/../../../..${c.dir}/evil`]) {
      const r = await cli(['rollback', '--to', to], dir)
      expect({ code: r.code, err: r.err }).toEqual({ code: 2, err: `slipway: --to ${JSON.stringify(to)} is not a release id. Fix: give an id from slipway releases (UTC YYYYMMDDHHMMSS, optionally .NN, e.g. 20260102030405), or leave --to out for the newest healthy release before current` })
    }
    expect(connections(lab)).toBe(connected)
    expect(readlinkSync(join(root, 'current'))).toBe(live)
    expect(c.snapshot()).toBe(before)
  })

  const linked = (c: string): Array<[string, string, Row['files'], string]> => [
    ['shared.files through a link to the canary', 'shared: { files: [config/.env] }', { 'app/config': { link: c } }, 'shared.files[0]: "config/.env" goes through "config"'],
    ['writable through a link to the canary', 'writable: [storage]', { 'app/storage': { link: c } }, 'writable[0]: "storage" goes through "storage"'],
    ['shared.dirs through a link to the canary', 'shared: { dirs: [evil/public] }', { 'app/evil': { link: `../../${relative('/', c)}/evil` } }, 'shared.dirs[0]: "evil/public" goes through "evil"']
  ]

  test('a source symlink under a shared or writable path is refused, even with allow_external_symlinks', async () => {
    const c = canary()
    const before = c.snapshot()
    for (const [name, yaml, files, says] of linked(c.dir)) {
      for (const allow of [false, true]) {
        const root = deployRoot()
        const connected = connections(lab)
        const spec = allow ? swap('  exclude: [slipway.yml]\n', `  exclude: [slipway.yml]\n  allow_external_symlinks: true\n${yaml}\n`) : add(yaml)
        const { dir } = workspace(row(spec, files), lab, root)
        const r = await cli(['deploy'], dir)
        expect({ name, allow, code: r.code, has: r.err.includes(says), outside: r.err.includes('outside the source dir') }).toEqual({ name, allow, code: 2, has: true, outside: !allow })
        expect(connections(lab)).toBe(connected)
        expect(readdirSync(root)).toEqual([])
      }
    }
    expect(c.snapshot()).toBe(before)
    expect(readFileSync(join(c.dir, '.env'), 'utf8')).toBe('SECRET=canary\n')
  })

  test('allow_external_symlinks: true uploads a link that points outside, and nothing outside changes', async () => {
    const c = canary()
    const before = c.snapshot()
    const root = deployRoot()
    const spec = swap('  exclude: [slipway.yml]\n', '  exclude: [slipway.yml]\n  allow_external_symlinks: true\n')
    const { dir } = workspace(row(spec, { 'app/docs': { link: c.dir } }), lab, root)
    const r = await cli(['deploy'], dir)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(readlinkSync(join(root, 'current/docs'))).toBe(c.dir)
    expect(c.snapshot()).toBe(before)
  })
})
