/** Pure parts of the Action's plumbing: which module runs itself, what the post step is left, what a failed record means. */
import { describe, expect, test } from '@jest/globals'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { recordProblem } from '../../src/action/deployments.js'
import { isEntry } from '../../src/action/entry.js'
import { readPostState, saveLock, saveTempPaths } from '../../src/action/state.js'

describe('isEntry: the bundle runs itself only when node was started with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-entry-'))
  const file = join(dir, 'index.js')
  writeFileSync(file, '')
  symlinkSync(file, join(dir, 'link.js'))
  test('started as `node dist/index.js` (also through a symlink)', () => {
    expect(isEntry(pathToFileURL(file).href, file)).toBe(true)
    expect(isEntry(pathToFileURL(file).href, join(dir, 'link.js'))).toBe(true)
  })
  test('imported by another program (local-action), or no script at all', () => {
    expect(isEntry(pathToFileURL(file).href, join(dir, 'local-action.js'))).toBe(false)
    expect(isEntry(pathToFileURL(file).href, undefined)).toBe(false)
  })
})

describe('post state', () => {
  test('also kept in this process, so a post step run in the same process (local-action --post) reads it', () => {
    const saved = { state: process.env.GITHUB_STATE, paths: process.env.STATE_slipway_paths, lock: process.env.STATE_slipway_lock }
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-state-')), 'state')
    writeFileSync(file, '')
    process.env.GITHUB_STATE = file
    try {
      saveTempPaths(['/tmp/slipway-x'])
      saveLock({ held: { app: 'shop', by: 'octocat', operation: 'deploy', notBefore: '2026-01-01T00:00:00.000Z' }, spec: '/w/slipway.yml' })
      expect(readPostState()).toEqual({ paths: ['/tmp/slipway-x'], lock: { held: { app: 'shop', by: 'octocat', operation: 'deploy', notBefore: '2026-01-01T00:00:00.000Z' }, spec: '/w/slipway.yml' } })
      saveLock(undefined)
      expect(readPostState()).toEqual({ paths: ['/tmp/slipway-x'] })
    } finally {
      for (const [k, v] of [['GITHUB_STATE', saved.state], ['STATE_slipway_paths', saved.paths], ['STATE_slipway_lock', saved.lock]] as const) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})

describe('recordProblem: what a failed deployment-record call means', () => {
  const api = 'https://api.github.com'
  test('no answer: a network problem, never a permission one', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { status: 500 })
    expect(recordProblem(error, api)).toBe("https://api.github.com did not answer (connect ECONNREFUSED 127.0.0.1:9). The deploy itself is not affected; check GITHUB_API_URL and the runner's network, or set github-token: '' to turn records off")
  })
  test('a refusal (401, 403, 404): the permission the job needs', () => {
    const error = Object.assign(new Error('Resource not accessible by integration'), { status: 403, response: { status: 403 } })
    expect(recordProblem(error, api)).toBe("HTTP 403: Resource not accessible by integration. The deploy itself is not affected; give the job `permissions: deployments: write`, or set github-token: '' to turn records off")
  })
  test('any other answer: its status, without a guess', () => {
    const error = Object.assign(new Error('Validation Failed'), { status: 422, response: { status: 422 } })
    expect(recordProblem(error, api)).toBe("HTTP 422: Validation Failed. The deploy itself is not affected; set github-token: '' to turn records off")
  })
})
