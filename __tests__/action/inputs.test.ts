import { describe, expect, test } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readInputs } from '../../src/action/inputs.js'

const cwd = mkdtempSync(join(tmpdir(), 'slipway-inputs-'))
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----'
const read = (inputs: Record<string, string>) => readInputs((name) => inputs[name] ?? '', cwd)
const fails = (inputs: Record<string, string>) => {
  try {
    read(inputs)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('readInputs', () => {
  test('defaults: deploy slipway.yml in the workspace, switches off, no secrets', () => {
    expect(read({})).toEqual({
      command: 'deploy', spec: join(cwd, 'slipway.yml'), environment: undefined, sshKey: undefined, knownHosts: undefined,
      release: undefined, migrations: false, db: undefined, lockWait: 0, verifyRollback: false, dryRun: false, token: undefined, workingDirectory: cwd, url: undefined
    })
  })

  test('typed values: CRLF key normalized with one trailing newline, known_hosts without comments, YAML booleans', () => {
    const s = read({ command: 'rollback', spec: 'deploy/app.yml', environment: 'staging', 'ssh-private-key': `${KEY.replace(/\n/g, '\r\n')}\r\n\r\n`, 'known-hosts': '# scanned 2026-01-01\n[h]:22 ssh-ed25519 AAAAC3Nz\n\n', release: '20260102030405.01', migrations: 'True', 'dry-run': 'false', 'github-token': 'ghs_x', url: 'https://shop.example' })
    expect(s).toMatchObject({ command: 'rollback', spec: join(cwd, 'deploy/app.yml'), environment: 'staging', sshKey: `${KEY}\n`, knownHosts: '[h]:22 ssh-ed25519 AAAAC3Nz\n', release: '20260102030405.01', migrations: true, dryRun: false, token: 'ghs_x', url: 'https://shop.example' })
  })

  test('each bad input names the input and the fix', () => {
    expect(fails({ command: 'ship' })).toBe('input "command": "ship" is not a command. Fix: use one of deploy, rollback, releases, check')
    expect(fails({ 'dry-run': 'yes' })).toBe('input "dry-run": "yes" is not a boolean. Fix: use true or false')
    expect(fails({ 'ssh-private-key': 'ssh-ed25519 AAAAC3Nz deploy@ci' })).toBe('input "ssh-private-key" is not a private key (it looks like a public key). Fix: store the whole private key file, BEGIN and END lines included, in a secret and pass ${{ secrets.NAME }}')
    expect(fails({ 'ssh-private-key': '~/.ssh/id_ed25519' })).toContain('(it looks like a file name, not key text)')
    expect(fails({ 'ssh-private-key': KEY.split('\n').slice(0, 3).join('\n') })).toContain('(the BEGIN/END lines are missing or damaged)')
    expect(fails({ 'known-hosts': 'example.com' })).toBe('input "known-hosts": "example.com" is not a known_hosts line (host keytype key). Fix: paste the output of ssh-keyscan -p PORT HOST')
    expect(fails({ command: 'rollback', release: '../../etc' })).toContain('input "release": "../../etc" is not a release id.')
    expect(fails({ release: '20260102030405' })).toBe('input "release" is only for command "rollback" (command is "deploy"). Fix: remove it, or set command: rollback')
    expect(fails({ command: 'deploy', migrations: 'true' })).toContain('input "migrations" is only for command "rollback"')
    expect(fails({ command: 'deploy', 'verify-rollback': 'true' })).toBe('input "verify-rollback" is only for command "check" (command is "deploy"). Fix: remove it, or set command: check')
    expect(fails({ command: 'deploy', db: 'restore' })).toContain('input "db" is only for command "rollback"')
    expect(fails({ command: 'rollback', db: 'drop' })).toContain('input "db": "drop" is not a mode. Fix: use keep (the default), stepback or restore')
    expect(fails({ command: 'rollback', db: 'restore', migrations: 'true' })).toContain('input "migrations: true" means db: stepback and contradicts db: restore')
    expect(read({ command: 'rollback', db: 'restore' }).db).toBe('restore')
    expect(fails({ 'working-directory': 'nope' })).toBe(`input "working-directory": ${join(cwd, 'nope')} is not a directory. Fix: check out the repository first (actions/checkout) or correct the path`)
    expect(read({ 'lock-wait': ' 600 ' }).lockWait).toBe(600)
    expect(read({ command: 'rollback', 'lock-wait': '30' }).lockWait).toBe(30)
    expect(fails({ 'lock-wait': '10m' })).toBe('input "lock-wait": "10m" is not a number of seconds. Fix: use whole seconds from 0 to 86400, e.g. 600')
    expect(fails({ command: 'releases', 'lock-wait': '60' })).toBe('input "lock-wait" is only for commands "deploy" and "rollback" (command is "releases"). Fix: remove it')
    expect(fails({ url: 'shop.example' })).toBe('input "url": "shop.example" is not an http(s) URL. Fix: use the address users open, e.g. https://shop.example.com')
  })

  test('the error says nothing of the key it rejected', () => {
    const secretish = 'not-a-key-but-secret-material-1234567890'
    expect(fails({ 'ssh-private-key': secretish })).not.toContain(secretish)
  })
})
