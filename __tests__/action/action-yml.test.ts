import { describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ownedBy } from '../../src/deploy/release-lock.js'
import { inputEnv, parseFileCommands } from './support/runner.js'

interface ActionYml {
  runs: Record<string, string>
  branding: Record<string, string>
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}
const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const sources = readdirSync('src/action').map((f) => readFileSync(join('src/action', f), 'utf8')).join('\n')

describe('action.yml', () => {
  test('node24, the bundle, a post step that always runs, branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/post.js', 'post-if': 'always()' })
    expect(Object.keys(action.branding).sort()).toEqual(['color', 'icon'])
  })

  test('every input is documented, optional, kebab-case, and read by the code; secrets carry a security note', () => {
    expect(Object.keys(action.inputs)).toEqual(['command', 'spec', 'environment', 'ssh-private-key', 'known-hosts', 'release', 'db', 'migrations', 'lock-wait', 'strategy', 'verify-rollback', 'hosts', 'exclude', 'roles', 'dry-run', 'github-token', 'working-directory', 'url'])
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/)
      expect(input.description.length).toBeGreaterThan(30)
      expect(input.required).toBe(false)
      expect(sources).toContain(`'${name}'`)
    }
    for (const name of ['ssh-private-key', 'known-hosts', 'github-token']) expect(action.inputs[name].description).toContain('SECURITY:')
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}')
  })

  test('every output is documented and set by the code', () => {
    expect(Object.keys(action.outputs)).toEqual(['release', 'previous-release', 'rolled-back', 'migrations', 'url', 'findings', 'sarif'])
    for (const name of Object.keys(action.outputs)) expect(sources).toMatch(new RegExp(`['{ ]${name}'?(:| })`))
  })
})

describe('the runner harness', () => {
  test('INPUT_* like the runner: upper case, dashes kept, defaults from action.yml', () => {
    const env = inputEnv({ command: 'rollback' }, 'ghs_t')
    expect(env['INPUT_COMMAND']).toBe('rollback')
    expect(env['INPUT_SSH-PRIVATE-KEY']).toBe('')
    expect(env['INPUT_GITHUB-TOKEN']).toBe('ghs_t')
    expect(env['INPUT_SPEC']).toBe('slipway.yml')
  })

  test('reads back the file commands @actions/core writes (multi-line values, last value wins)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-fc-')), 'out')
    writeFileSync(file, '')
    const saved = process.env.GITHUB_OUTPUT
    process.env.GITHUB_OUTPUT = file
    try {
      core.setOutput('a', 'one\ntwo')
      core.setOutput('b', '{"x":1}')
      core.setOutput('a', 'three')
    } finally {
      process.env.GITHUB_OUTPUT = saved
    }
    expect(parseFileCommands(readFileSync(file, 'utf8'))).toEqual({ a: 'three', b: '{"x":1}' })
  })
})

describe('ownedBy: which lock the post step may release', () => {
  const held = { app: 'shop', by: 'octocat', run: '42', operation: 'deploy', notBefore: '2026-01-01T00:00:00.000Z' }
  const owner = { token: 't1', app: 'shop', by: 'octocat', run: '42', operation: 'deploy', since: '2026-01-01T00:00:01.000Z' }
  test('the same run, operation and actor, taken after the step began', () => {
    expect(ownedBy(owner, held)).toBe(true)
    expect(ownedBy(owner, { ...held, token: 't1' })).toBe(true)
  })
  test('anything else is someone else\'s', () => {
    expect(ownedBy({ ...owner, run: '43' }, held)).toBe(false)
    expect(ownedBy({ ...owner, by: 'mallory' }, held)).toBe(false)
    expect(ownedBy({ ...owner, operation: 'rollback' }, held)).toBe(false)
    expect(ownedBy({ ...owner, app: 'blog' }, held)).toBe(false)
    expect(ownedBy({ ...owner, since: '2025-12-31T23:59:59.000Z' }, held)).toBe(false)
    expect(ownedBy(owner, { ...held, token: 't2' })).toBe(false)
  })
})
