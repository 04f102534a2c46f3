/**
 * Messages and the post step after a failed deploy, run as the runner runs the bundle: a smoke check that fails
 * without output ends in "exit 1, no output" (no dangling `exit 1: `), a GitHub API that does not answer is a
 * network problem (not a permission one), and the post step of a run whose lock was already released connects nowhere.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { appDir, deployRoot, freePort, hostWrite, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { runPost, runStep } from './support/runner.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

describe('a deploy whose smoke check fails silently, with an API that does not answer', () => {
  test('exact messages; lock state cleared; the post step only removes the key', async () => {
    const root = deployRoot()
    const app = appDir({ 'index.html': 'v1\n' })
    const spec = (smoke: string) => ['app: shop', `path: ${root}`, 'hosts:', `  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER} }`, 'smoke:', `  - { name: quiet, run: "${smoke}" }`, ''].join('\n')
    const inputs = { 'working-directory': app, 'ssh-private-key': readFileSync(lab.key, 'utf8'), 'known-hosts': readFileSync(lab.knownHosts, 'utf8') }
    const closed = `http://127.0.0.1:${await freePort()}`
    const env = { GITHUB_API_URL: closed, GITHUB_SHA: 'a'.repeat(40) }
    writeSpec(app, spec('true'))
    const good = await runStep({ inputs, githubToken: 'ghs_fake', env })
    expect(good.code).toBe(0)
    const warnings = good.commands.filter((c) => c.name === 'warning').map((c) => c.message)
    expect(warnings).toHaveLength(1) // creating the deployment failed; no status is set on a deployment that does not exist
    expect(warnings[0]).toMatch(new RegExp(`^GitHub deployment record: creating the deployment failed: ${closed.replace(/\./g, '\\.')} did not answer \\(.+\\)\\. The deploy itself is not affected; check GITHUB_API_URL and the runner's network, or set github-token: '' to turn records off$`))
    expect(warnings[0]).not.toContain('permissions')

    writeSpec(app, spec('false'))
    const bad = await runStep({ inputs, env: { GITHUB_SHA: 'b'.repeat(40) } })
    expect(bad.code).toBe(1)
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${good.outputs.release}`)
    const host = `${LAB_USER}@127.0.0.1:${lab.port}`
    const errors = bad.commands.filter((c) => c.name === 'error').map((c) => c.message)
    expect(errors).toEqual([
      `smoke FAIL quiet on ${host}: exit 1, no output`,
      `deploy of ${bad.outputs.release} was rolled back to ${good.outputs.release}: smoke check failed: quiet on ${host}: exit 1, no output`
    ])
    expect(bad.stdout).not.toMatch(/exit 1: *$/m)
    expect(bad.state.slipway_lock).toBe('')
    const post = await runPost(bad, inputs)
    expect(post.code).toBe(0)
    expect(post.stdout).not.toContain('not locked')
    expect(post.commands.map((c) => c.name)).toEqual(['debug'])
    expect(existsSync((JSON.parse(bad.state.slipway_paths) as string[])[0])).toBe(false)
  }, 120_000)
})

describe('the post step after a run that failed without holding a lock at the end', () => {
  test('a refused rollback and a deploy stopped by another run\'s lock: the post step connects nowhere and leaves the other lock alone', async () => {
    const root = deployRoot()
    const app = appDir({ 'index.html': 'v1\n' })
    const spec = (build: string) => ['app: shop', `path: ${root}`, 'hosts:', `  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER} }`, 'build:', `  - ${build}`, ''].join('\n')
    const inputs = { 'working-directory': app, 'ssh-private-key': readFileSync(lab.key, 'utf8'), 'known-hosts': readFileSync(lab.knownHosts, 'utf8') }
    writeSpec(app, spec('true'))
    expect((await runStep({ inputs })).code).toBe(0)
    writeSpec(app, spec('false'))
    const failed = await runStep({ inputs })
    expect(failed.code).toBe(1)

    const refused = await runStep({ inputs: { ...inputs, command: 'rollback', release: failed.outputs.release } })
    expect(refused.code).toBe(1)
    expect(refused.commands.filter((c) => c.name === 'error').map((c) => c.message).join('\n')).toContain(`release ${failed.outputs.release} is marked failed`)
    expect(refused.state.slipway_lock).toBe('')
    const afterRollback = await runPost(refused, inputs)
    expect(afterRollback.stdout).not.toContain('not locked')
    expect(afterRollback.commands.map((c) => c.name)).toEqual(['debug'])

    const foreign = JSON.stringify({ token: 'f00d', app: 'shop', by: 'someone', operation: 'deploy', since: new Date().toISOString() })
    hostWrite(join(root, '.slipway/lock/owner.json'), foreign)
    writeSpec(app, spec('true'))
    const blocked = await runStep({ inputs })
    expect(blocked.code).toBe(1)
    expect(blocked.state.slipway_lock).toBe('')
    const afterBlocked = await runPost(blocked, inputs)
    expect(afterBlocked.commands.map((c) => c.name)).toEqual(['debug'])
    expect(readFileSync(join(root, '.slipway/lock/owner.json'), 'utf8')).toBe(foreign)
  }, 120_000)
})
