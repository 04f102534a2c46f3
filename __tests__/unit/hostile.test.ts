/** Pure parts of the hostile-input work: release ids, the linear glob, manifests, host keys, credentials, limits. */
import { describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadActionSpec } from '../../src/action/spec.js'
import { withCredentials } from '../../src/action/credentials.js'
import { isReleaseId } from '../../src/deploy/id.js'
import { deltaSafe, diffManifest, usableManifest } from '../../src/deploy/manifest.js'
import { excluder, type SourceEntry } from '../../src/deploy/source.js'
import { fingerprint, verifyKnownHosts } from '../../src/remote/known-hosts.js'
import { loadSpec, parseSpec, SpecError } from '../../src/spec/load.js'
import { credentialProblems } from '../../src/deploy/preflight.js'

const base = 'app: shop\npath: /srv/shop\nhosts:\n  - { host: h, user: u, host_key: "SHA256:' + 'A'.repeat(43) + '" }\n'

describe('release ids', () => {
  test.each([['20260102030405', true], ['20260102030405.01', true], ['20260102030405.123', true], ['2026010203040', false], ['20260102030405.', false],
    ['20260102030405.1', false], ['../../../../tmp/x/evil', false], ['20260102030405/..', false], ['x20260102030405', false], ['', false], ['20260102030405\n', false]])('%j → %s', (id, ok) => {
    expect(isReleaseId(id)).toBe(ok)
  })
})

describe('exclude globs', () => {
  // The glob semantics before the linear matcher, as a reference on short inputs.
  const reference = (patterns: string[]) => {
    const re = (g: string) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*')}$`)
    const rules = patterns.map((p) => { const c = p.replace(/^\.\//, '').replace(/\/+$/, ''); return { anchored: c.includes('/'), re: re(c) } })
    return (path: string) => { const parts = path.split('/'); return rules.some(({ anchored, re }) => (anchored ? parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/'))) : parts.some((s) => re.test(s)))) }
  }
  const patterns = ['.git', 'node_modules', '*.log', 'a/*.txt', 'a/**/b', '**/x?z', 'src/**', 'd*e*f', '**', '*', 'a/b', './a/', 'a**b', 'a/**', '**/b/*', 'x/*/y', '?', '*.*', 'a*/b*', 'a/***', '**/q']
  const paths = ['.git', 'a/.git/x', 'node_modules/q', 'x.log', 'a/b.log', 'a/c.txt', 'a/d/c.txt', 'a/b', 'a/x/y/b', 'a/xb', 'q/xyz', 'xyz', 'src', 'src/a/b', 'dxexf', 'def', 'a', 'b', 'ab', 'axxb', 'a/x/b', 'x/q/y', 'x/q/r/y', 'p/b/z', 'b/z', 'e.f', 'ef', 'a1/b2', 'a1/c/b2', 'q', 'z/q']
  test(`matches like the regex it replaces (${patterns.length * paths.length} pairs)`, () => {
    const diffs = patterns.flatMap((p) => paths.filter((path) => excluder([p])(path) !== reference([p])(path)).map((path) => `${p} ~ ${path}`))
    expect(diffs).toEqual([])
  })
  test('a run of stars collapses: *** is **', () => {
    expect(['q', 'q/xyz', 'z/q', 'zq'].map((p) => excluder(['***/q'])(p))).toEqual(['q', 'q/xyz', 'z/q', 'zq'].map((p) => excluder(['**/q'])(p)))
    expect(excluder(['***/q'])('q')).toBe(true)
  })
  test('many stars against a long name finish (the regex took minutes)', () => {
    const name = 'a'.repeat(20000)
    expect(excluder([`${'*a'.repeat(40)}*c`])(name)).toBe(false)
    expect(excluder([`${'**a'.repeat(40)}/c`])(`${name}/${name}`)).toBe(false)
    expect(excluder([`${'*a'.repeat(40)}*`])(name)).toBe(true)
  })
})

describe('manifests', () => {
  const entry = (path: string): SourceEntry => ({ path, type: 'file', mode: 0o644, size: 1, mtime: new Date(0) })
  const line = (path: string) => `F\t${'0'.repeat(32)}\t644\t${path}`
  test('a name with a newline, tab or CR is sent but never becomes an upload line', () => {
    const entries = ['ok.txt', 'new\nline', 'tab\tx', 'cr\ry'].map(entry)
    expect(deltaSafe(entries)).toBe(false)
    const d = diffManifest(entries, entries.map((e) => line(e.path)), [], () => false)
    expect(d.send.map((e) => e.path)).toEqual(['ok.txt', 'new\nline', 'tab\tx', 'cr\ry'])
    expect(d.upload).toEqual([line('ok.txt')])
  })
  test.each([[[], false], [[line('a'), line('b')], true], [[line('a'), 'line'], false], [[line('a'), line('a')], false], [[`${line('a')}\tx`], false],
    [['F\tzz\t644\ta'], false], [['D\t-\t755\tdir'], true], [['X\t-\t-\ta'], false], [[`L\t${'f'.repeat(32)}\t777\tl`], true]])('usable %j → %s', (lines, ok) => {
    expect(usableManifest(lines as string[])).toBe(ok)
  })
})

describe('host keys', () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 7)])
  test('@revoked is reported as revoked, not as changed', () => {
    const text = `@revoked [h]:2222 ssh-ed25519 ${blob.toString('base64')}\n[h]:2222 ssh-ed25519 ${blob.toString('base64')}\n`
    expect(verifyKnownHosts(text, 'h', 2222, blob)).toEqual({ ok: false, reason: 'revoked', type: 'ssh-ed25519', fingerprint: fingerprint(blob) })
  })
  test('the known-hosts input wins over host_key and insecure', () => {
    const spec = parseSpec(base, 's.yml')
    const applied = withCredentials({ ...spec, insecure_skip_host_key_check: true }, '/k', 'h ssh-ed25519 AAAA\n')
    expect(applied.hosts[0]).toEqual({ host: 'h', port: 22, user: 'u', name: 'u@h:22', identity: '/k', roles: [] })
    expect([applied.known_hosts, applied.insecure_skip_host_key_check]).toEqual(['h ssh-ed25519 AAAA\n', false])
  })
  test('a spec that skips host key checks is refused when the Action gives known-hosts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-unit-'))
    writeFileSync(join(dir, 's.yml'), 'app: shop\npath: /srv/shop\nhosts: [{ host: h, user: u }]\ninsecure_skip_host_key_check: true\n')
    expect(() => loadActionSpec(join(dir, 's.yml'), undefined, undefined, 'h ssh-ed25519 AAAA\n')).toThrow(`${join(dir, 's.yml')}:4:31: insecure_skip_host_key_check: true contradicts known_hosts (or the Action's known-hosts input)`)
  })
})

describe('local credentials and limits', () => {
  test('a private key readable by others is used with a warning; its .pub is refused with a fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-unit-'))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')])
    chmodSync(join(dir, 'id'), 0o644)
    const spec = { ...parseSpec(base, join(dir, 's.yml')), known_hosts: undefined }
    const warnings: string[] = []
    expect(credentialProblems({ ...spec, hosts: [{ ...spec.hosts[0], identity: 'id' }] }, (m) => warnings.push(m), {})).toEqual([])
    expect(warnings).toEqual([`identity file ${join(dir, 'id')} is readable by others (mode 0644); OpenSSH would refuse it. Fix: chmod 600 ${join(dir, 'id')}`])
    const pub = credentialProblems({ ...spec, hosts: [{ ...spec.hosts[0], identity: 'id.pub' }] }, () => undefined, {})
    expect(pub.map((p) => `${p.path}: ${p.message}. Fix: ${p.fix}`)).toEqual([`hosts[0].identity: identity file ${join(dir, 'id.pub')} is a public key; SSH logs in with the private half. Fix: use the private key file (${join(dir, 'id')}); the .pub line belongs in ~/.ssh/authorized_keys on the host`])
  })
  test('a file with 400 syntax errors prints the first 20 and a count', () => {
    const noise = Array.from({ length: 400 }, (_, i) => `k${i}: [a\n`).join('')
    let lines: string[] = []
    try { parseSpec(noise, 'bad.yml') } catch (error) { lines = (error as SpecError).message.split('\n') }
    expect(lines.length).toBe(21)
    expect(lines[20]).toBe('bad.yml: ... and 380 more problems (the first 20 are listed)')
  })
  test('a 5 MB spec is refused by size; 19k keys are checked, the duplicate named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-unit-'))
    writeFileSync(join(dir, 'big.yml'), base + 'check:\n  rules:\n' + Array.from({ length: 400000 }, (_, i) => `    r${i}: off`).join('\n'))
    expect(() => loadSpec(join(dir, 'big.yml'))).toThrow(`${join(dir, 'big.yml')}:1:1: (file): the spec is larger than 1048576 bytes`)
    const many = base + 'check:\n  rules:\n' + Array.from({ length: 19000 }, (_, i) => `    r${i}: off`).join('\n') + '\n    r5: off\n'
    expect(() => parseSpec(many, 'm.yml')).toThrow('m.yml:19007:5: check.rules.r5: duplicate key "r5". Fix: keep one "r5" in this mapping')
  })
})
