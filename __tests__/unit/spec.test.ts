import { describe, expect, test } from '@jest/globals'
import { confirmWithin } from '../../src/deploy/steps/watchdog.js'
import { parseSpec, SpecError } from '../../src/spec/load.js'

const base = `app: shop
path: /var/www/shop
hosts:
  - host: 127.0.0.1
    port: 2222
    user: deploy
known_hosts: ./known_hosts
`

function problems(text: string, env?: string): string[] {
  try {
    parseSpec(text, 'slipway.yml', { env })
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError)
    expect((error as SpecError).exitCode).toBe(2)
    return (error as Error).message.split('\n')
  }
  throw new Error('expected the spec to be refused')
}

describe('deploy spec', () => {
  test('fills defaults', () => {
    const spec = parseSpec(base, '/tmp/x/slipway.yml')
    expect(spec.keep_releases).toBe(5)
    expect(spec.hosts[0]).toEqual({ host: '127.0.0.1', port: 2222, user: 'deploy', name: 'deploy@127.0.0.1:2222', roles: [] })
    expect(spec.source).toEqual({ dir: '/tmp/x', exclude: ['.git', 'node_modules'], allow_external_symlinks: false })
    expect(spec.shared).toEqual({ files: [], dirs: [] })
    expect(spec.rollback).toEqual({ on_smoke_failure: true })
    expect(spec.timeouts).toEqual({ connect: 20, command: 1800, idle: 600, keepalive: 15 })
  })

  test('smoke: a list of checks, or a mapping of checks and a bake; the watchdog waits for the bake', () => {
    const listed = parseSpec(base + 'smoke:\n  - { run: "true" }\n', 'slipway.yml')
    expect([listed.smoke, listed.bake]).toEqual([[{ run: 'true', timeout: 60, name: 'true' }], 0])
    expect(parseSpec(base, 'slipway.yml')).toMatchObject({ smoke: [], bake: 0 })
    const baked = parseSpec(base + 'smoke:\n  bake: 30\n  checks:\n    - { name: up, http: "https://shop.example/up", deadline: 20 }\n', 'slipway.yml')
    expect(baked.smoke.map((c) => c.name)).toEqual(['up'])
    expect(baked.bake).toBe(30)
    expect(confirmWithin(baked)).toBe(20 + 120 + 30 + 20)
    expect(confirmWithin(parseSpec(base + 'rollback: { confirm_within: 10 }\nsmoke: { bake: 30, checks: [{ run: "true", timeout: 5 }] }\n', 'slipway.yml'))).toBe(10 + 30 + 5)
    expect(confirmWithin(listed)).toBe(60 + 120)
    expect(problems(base + 'smoke: { bake: 30 }\n')).toEqual(['slipway.yml:8:8: smoke: expected one of: Checks run after the switch; a failure rolls back: a list of checks, or a mapping with checks and bake. Fix: give a list, or one of the keys checks'])
    expect(problems(base + 'smoke: { bake: 30, checks: [] }\n')).toEqual(['slipway.yml:8:16: smoke.bake: a bake of 30 s with no checks to poll. Fix: add checks under smoke.checks, or remove bake'])
    expect(problems(base + 'smoke: { checks: [{ http: "ftp://x" }] }\n')[0]).toMatch(/^slipway\.yml:8:\d+: smoke\.checks\[0\]\.http: /)
  })

  test('unknown key: line, column, path and a did-you-mean', () => {
    expect(problems(base.replace('    port: 2222', '    prot: 2222'))).toEqual([
      'slipway.yml:5:5: hosts[0].prot: unknown key "prot". Fix: did you mean "port"?'
    ])
    expect(problems(base + 'keep_release: 3\n')).toEqual(['slipway.yml:8:1: keep_release: unknown key "keep_release". Fix: did you mean "keep_releases"?'])
  })

  test('wrong types and ranges name what was expected', () => {
    expect(problems(base + 'keep_releases: many\n')).toEqual(['slipway.yml:8:16: keep_releases: expected a whole number, found "many". Fix: write a number such as 5'])
    expect(problems(base + 'keep_releases: 0\n')).toEqual(['slipway.yml:8:16: keep_releases: 0 is below the minimum 1. Fix: use 1 or more'])
    expect(problems(base + 'build: composer install\n')[0]).toBe('slipway.yml:8:8: build: expected a list, found "composer install". Fix: write it as a YAML list ("- item" lines or [a, b])')
    expect(problems(base.replace('/var/www/shop', 'var/www'))[0]).toBe('slipway.yml:2:7: path: "var/www" is not an absolute path. Fix: write the full path on the host, starting with / (e.g. /var/www/app)')
    expect(problems(base + 'shared:\n  files: [../etc/passwd]\n')[0]).toBe('slipway.yml:9:11: shared.files[0]: "../etc/passwd" has a ".." component and would leave the release directory. Fix: name a path inside the release, without ..')
  })

  test('missing required keys and host-key trust', () => {
    expect(problems('app: shop\n')).toEqual([
      'slipway.yml:1:1: path: missing required key "path". Fix: add "path:" (Deploy root on each host (absolute): releases/, shared/, current and .slipway/ live here.)',
      'slipway.yml:1:1: hosts: missing required key "hosts". Fix: add "hosts:" (The hosts to deploy to; all get the same release.)'
    ])
    expect(problems(base.replace('known_hosts: ./known_hosts\n', ''))[0]).toMatch(/known_hosts: host keys cannot be verified/)
  })

  test('YAML syntax errors carry a position', () => {
    expect(problems('app: [shop\n')[0]).toMatch(/^slipway.yml:\d+:\d+: \(yaml\): /)
  })

  test('environments override keys; an unknown environment is refused', () => {
    const text = base + 'environments:\n  staging: { path: /var/www/staging, keep_releases: 2 }\n'
    expect(parseSpec(text, 's.yml', { env: 'staging' })).toMatchObject({ path: '/var/www/staging', keep_releases: 2, app: 'shop' })
    expect(parseSpec(text, 's.yml').path).toBe('/var/www/shop')
    expect(problems(text, 'prod')).toEqual(['slipway.yml:9:3: environments: no environment named "prod". Fix: use one of: staging'])
    expect(problems(base + 'environments:\n  staging: { paht: /x }\n')).toEqual(['slipway.yml:9:14: environments.staging.paht: unknown key "paht". Fix: did you mean "path"?'])
  })
})
