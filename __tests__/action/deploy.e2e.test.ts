/**
 * The Action end to end, as a runner runs it: dist/index.js then dist/post.js with node, INPUT_* and the file
 * commands, against a real sshd, the Laravel fixture, and a local server standing in for the GitHub API.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { deployRoot, hostWrite, LAB_USER, startLab, writeSpec, type Lab } from '../support/lab.js'
import { startApi, type FakeApi } from './support/github-api.js'
import { commit, git, laravelRepo } from './support/laravel.js'
import { runPost, runStep, type StepRun } from './support/runner.js'

let lab: Lab
let api: FakeApi
beforeAll(async () => {
  lab = await startLab()
  api = await startApi()
})
afterAll(async () => {
  lab.stop()
  await api.close()
})

const HOST = () => `${LAB_USER}@127.0.0.1:${lab.port}`
const LOG = 'https://github.example/o/r/actions/runs/4242'

/** A Laravel repo whose spec has no key and no known_hosts: both come from the inputs. */
function setup(activate = ['php artisan --version']) {
  const root = deployRoot()
  const repo = laravelRepo()
  hostWrite(join(root, 'shared/.env'), 'APP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n')
  const spec = (steps: string[]) => [
    'app: shop', `path: ${root}`, 'hosts:', `  - { host: 127.0.0.1, port: ${lab.port}, user: ${LAB_USER} }`,
    'shared: { files: [.env], dirs: [storage] }', 'writable: [bootstrap/cache]',
    'build:', `  - "echo '::warning::from-remote'; echo 'x ##[error]legacy-from-remote'; echo '::add-mask::Laravel'"`,
    'activate:', ...steps.map((s) => `  - ${JSON.stringify(s)}`),
    'environments:', '  staging: { keep_releases: 4 }', ''
  ].join('\n')
  writeSpec(repo, spec(activate))
  const sha = commit(repo, {}, 'spec')
  const inputs = { 'working-directory': repo, 'ssh-private-key': readFileSync(lab.key, 'utf8'), 'known-hosts': readFileSync(lab.knownHosts, 'utf8') }
  return { root, repo, sha, inputs, spec }
}

function deployStep(inputs: Record<string, string>, sha: string, extra: Record<string, string> = {}): Promise<StepRun> {
  api.requests.length = 0
  return runStep({ inputs, githubToken: 'ghs_fake', env: { GITHUB_API_URL: api.url, GITHUB_SHA: sha, ...extra } })
}

const current = (root: string) => readlinkSync(join(root, 'current'))
const record = (root: string, id: string) => JSON.parse(readFileSync(join(root, '.slipway/releases', `${id}.json`), 'utf8')) as { state: string; note?: string; commit?: string }
const named = (run: StepRun, name: string) => run.commands.filter((c) => c.name === name)
/** The title of the log group a line of stdout was printed in. */
const groupOf = (run: StepRun, line: string): string | undefined => {
  let group: string | undefined
  for (const l of run.stdout.split('\n')) {
    if (l.startsWith('::group::')) group = l.slice(9)
    else if (l === '::endgroup::') group = undefined
    else if (l === line) return group
  }
  return undefined
}

describe('the action on a real sshd with the Laravel fixture', () => {
  test('deploy: release live, outputs, summary, deployment record, remote output cannot issue commands, post removes the key', async () => {
    const t = setup()
    const run = await deployStep({ ...t.inputs, url: 'https://shop.example/' }, t.sha)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const id = run.outputs.release
    expect(id).toMatch(/^\d{14}$/)
    expect(run.outputs).toEqual({ release: id, 'previous-release': '', 'rolled-back': 'false', migrations: '{"ran":[],"steppedBack":[],"stillApplied":[]}', url: 'https://shop.example/' })
    // On the host: the Laravel release is live, with its shared .env linked in.
    expect(current(t.root)).toBe(`releases/${id}`)
    expect(readlinkSync(join(t.root, 'current/.env'))).toBe('../../shared/.env')
    expect(existsSync(join(t.root, 'current/artisan'))).toBe(true)
    expect(record(t.root, id)).toMatchObject({ state: 'healthy', commit: t.sha })
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)

    // Remote lines are shown as text; none of them became a workflow command.
    expect(run.text).toContain(`[${HOST()}] ::warning::from-remote`)
    expect(run.text).toContain(`[${HOST()}] x ##[error]legacy-from-remote`)
    expect(run.text).toContain(`[${HOST()}] Laravel Framework 8.83.26`)
    // Debug lines name the steps (the spec's own hook text, escaped by @actions/core); remote output issues no command.
    expect(run.commands.filter((c) => c.name !== 'debug' && /from-remote|^Laravel$/.test(c.message))).toEqual([])
    expect(named(run, 'warning')).toEqual([])
    // One flat group per phase (GitHub does not nest them); each remote line sits in the group of its phase.
    expect(run.commands.filter((c) => c.name.endsWith('group')).map((c) => c.name).join(' ')).toMatch(/^(group endgroup ?)+$/)
    expect(named(run, 'group').map((c) => c.message)).toEqual(expect.arrayContaining(['Connect', `Prepare release ${id}`, `Switch to ${id}`, 'Read the release history']))
    expect(groupOf(run, `[${HOST()}] ::warning::from-remote`)).toBe(`Prepare release ${id}`)
    expect(groupOf(run, `[${HOST()}] Laravel Framework 8.83.26`)).toBe(`Switch to ${id}`)
    // The key is masked (whole and line by line) before anything else is printed, and never shown.
    const key = readFileSync(lab.key, 'utf8').trim()
    expect(run.commands[0]).toEqual({ name: 'add-mask', props: {}, message: key })
    const keyLines = key.split('\n').slice(1, -1)
    expect(named(run, 'add-mask').slice(1, 1 + keyLines.length).map((c) => c.message)).toEqual(keyLines)
    expect(run.text.join('\n')).not.toContain(keyLines[1])

    expect(run.summary).toContain(`### ✅ Deployed ${id}\n`)
    expect(run.summary).toContain(`- **Commit:** ${t.sha}\n`)
    expect(run.summary).toMatch(new RegExp(`\\| ▶ current \\| ${id} \\| ${t.sha.slice(0, 12)} \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\| healthy \\| octocat \\|  \\|`))
    const dep = api.deployments.at(-1)?.id
    expect(api.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: 'POST', path: '/repos/o/r/deployments', body: { ref: t.sha, environment: 'production', description: 'slipway deploy of shop', payload: { app: 'shop' }, auto_merge: false, required_contexts: [], transient_environment: false } },
      { method: 'POST', path: `/repos/o/r/deployments/${dep}/statuses`, body: { state: 'in_progress', description: 'deploying shop', log_url: LOG } },
      { method: 'POST', path: `/repos/o/r/deployments/${dep}/statuses`, body: { state: 'success', description: `release ${id} is live`, log_url: LOG, environment_url: 'https://shop.example/' } }
    ])
    expect(api.requests.every((r) => r.authorization === 'token ghs_fake')).toBe(true)

    // The key sat in a 0600 file under RUNNER_TEMP until the post step removed it; the lock state was cleared.
    const [keyDir] = JSON.parse(run.state.slipway_paths) as string[]
    expect(keyDir.startsWith(`${run.env.RUNNER_TEMP}/slipway-`)).toBe(true)
    expect(statSync(join(keyDir, 'id_key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(keyDir, 'id_key'), 'utf8')).toBe(`${key}\n`)
    expect(run.state.slipway_lock).toBe('')
    const post = await runPost(run, t.inputs)
    expect(post.code).toBe(0)
    expect(existsSync(keyDir)).toBe(false)
    expect(post.commands.map((c) => c.name)).toEqual(['debug'])
  })

  test('a failing activate hook after the switch: automatic rollback, shown in outputs, summary, annotation and deployment status', async () => {
    const t = setup()
    const first = await deployStep(t.inputs, t.sha)
    expect(first.code).toBe(0)
    const good = first.outputs.release
    commit(t.repo, { VERSION: '2.0.0\n', 'slipway.yml': t.spec(['php artisan --version', 'php artisan no-such-command']) }, 'broken activate')
    const sha2 = git(t.repo, 'rev-parse', 'HEAD')
    const run = await deployStep(t.inputs, sha2)
    expect(run.code).toBe(1)
    const bad = run.outputs.release
    expect(bad > good).toBe(true)
    expect(run.outputs).toEqual({ release: bad, 'previous-release': good, 'rolled-back': 'true', migrations: '{"ran":[],"steppedBack":[],"stillApplied":[]}', url: '' })
    expect(current(t.root)).toBe(`releases/${good}`)
    expect(record(t.root, bad).state).toBe('failed')
    const errors = named(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].message.split('\n')[0]).toBe(`deploy of ${bad} failed after the switch and was rolled back to ${good}.`)
    expect(run.summary).toContain(`### ↩️ Release ${bad} failed and was rolled back to ${good}\n`)
    expect(run.summary).toContain('#### Not reverted by the rollback\n\n- the database: schema changes')
    expect(run.summary).toMatch(new RegExp(`\\| ▶ current \\| ${good} \\|`))
    expect(run.summary).toMatch(new RegExp(`\\|  \\| ${bad} \\| ${sha2.slice(0, 12)} \\| [^|]+ \\| failed \\|`))
    const dep = api.deployments.at(-1)?.id
    expect(api.requests.map(({ method, path, body }) => ({ method, path, state: body?.state, description: body?.description }))).toEqual([
      { method: 'POST', path: '/repos/o/r/deployments', state: undefined, description: 'slipway deploy of shop' },
      { method: 'POST', path: `/repos/o/r/deployments/${dep}/statuses`, state: 'in_progress', description: 'deploying shop' },
      { method: 'POST', path: `/repos/o/r/deployments/${dep}/statuses`, state: 'failure', description: `release ${bad} failed; rolled back to ${good}` }
    ])
    expect(api.requests[0].body?.ref).toBe(sha2)
    // The library released its lock itself (the history read for the summary shows no lock), so the lock state is
    // cleared: the post step opens no connection and only removes the key.
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
    expect(run.state.slipway_lock).toBe('')
    const [keyDir] = JSON.parse(run.state.slipway_paths) as string[]
    const post = await runPost(run, t.inputs)
    expect(post.code).toBe(0)
    expect(post.commands.map((c) => c.name)).toEqual(['debug'])
    expect(post.text.filter((l) => l.trim())).toEqual([])
    expect(existsSync(keyDir)).toBe(false)
  })

  test('dispatch rollback to a given release in an environment: outputs, summary, success + inactive deployment statuses; releases lists it', async () => {
    const t = setup()
    const shas = [t.sha]
    const ids: string[] = []
    for (const v of ['1', '2', '3']) {
      if (v !== '1') shas.push(commit(t.repo, { VERSION: `${v}.0.0\n` }, `v${v}`))
      const run = await deployStep({ ...t.inputs, environment: 'staging', 'github-token': '' }, shas.at(-1) as string)
      expect(run.code).toBe(0)
      ids.push(run.outputs.release)
    }
    expect(api.requests).toEqual([]) // github-token: '' writes no records
    api.deployments.push({ id: 7, sha: shas[2], environment: 'staging' }, { id: 8, sha: shas[2], environment: 'production' })
    const dry = await deployStep({ ...t.inputs, command: 'rollback', release: ids[0], environment: 'staging', 'dry-run': 'true' }, shas[2])
    expect(dry.code).toBe(0)
    expect(dry.outputs).toEqual({ release: ids[0], 'previous-release': ids[2], 'rolled-back': 'false' })
    expect(dry.summary.split('\n')[0]).toBe(`### Dry run: would roll back ${ids[2]} → ${ids[0]}; nothing was changed`)
    expect(current(t.root)).toBe(`releases/${ids[2]}`)
    expect(api.requests).toEqual([])
    const run = await deployStep({ ...t.inputs, command: 'rollback', release: ids[0], environment: 'staging', url: 'https://staging.shop.example/' }, 'f'.repeat(40))
    expect(run.code).toBe(0)
    const dep = api.deployments.at(-1)?.id
    expect(run.outputs).toEqual({ release: ids[0], 'previous-release': ids[2], 'rolled-back': 'true', migrations: '{"ran":[],"steppedBack":[],"stillApplied":[]}', url: 'https://staging.shop.example/' })
    expect(current(t.root)).toBe(`releases/${ids[0]}`)
    expect(record(t.root, ids[2])).toMatchObject({ state: 'rolled-back', note: `rolled back to ${ids[0]} by octocat` })
    expect(readFileSync(join(t.root, 'current/VERSION'), 'utf8')).toBe(`${git(t.repo, 'show', `${shas[0]}:VERSION`)}\n`)
    expect(run.summary).toContain(`### ↩️ Rolled back ${ids[2]} → ${ids[0]}\n`)
    expect(run.summary).toContain('#### Not reverted by the rollback\n')
    expect(run.summary).toMatch(new RegExp(`\\| ▶ current \\| ${ids[0]} \\| ${shas[0].slice(0, 12)} \\|`))
    expect(run.summary).toMatch(new RegExp(`\\|  \\| ${ids[2]} \\| ${shas[2].slice(0, 12)} \\| [^|]+ \\| rolled-back \\|`))
    expect(api.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: 'POST', path: '/repos/o/r/deployments', body: { ref: shas[0], environment: 'staging', description: `slipway rollback of shop to ${ids[0]}`, payload: { app: 'shop', release: ids[0], rolled_back_from: ids[2] }, auto_merge: false, required_contexts: [], transient_environment: false } },
      { method: 'POST', path: `/repos/o/r/deployments/${dep}/statuses`, body: { state: 'success', description: `rolled back ${ids[2]} → ${ids[0]}`, log_url: LOG, environment_url: 'https://staging.shop.example/' } },
      { method: 'GET', path: `/repos/o/r/deployments?environment=staging&sha=${shas[2]}&per_page=1`, body: undefined },
      { method: 'POST', path: '/repos/o/r/deployments/7/statuses', body: { state: 'inactive', description: `rolled back to ${ids[0]}`, log_url: LOG } }
    ])

    const listing = await deployStep({ ...t.inputs, command: 'releases', environment: 'staging' }, shas[2])
    expect(listing.code).toBe(0)
    expect(listing.outputs).toEqual({ release: ids[0] })
    expect(listing.text.filter((l) => l.startsWith('* '))).toEqual([expect.stringMatching(new RegExp(`^\\* +${ids[0].replace('.', '\\.')} +${shas[0].slice(0, 12)} `))])
    expect(listing.summary).toContain(`### Releases of shop\n`)
  })

  test('a killed main step leaves the lock; the post step releases exactly that lock and never another owner\'s', async () => {
    const t = setup()
    commit(t.repo, { 'slipway.yml': readFileSync(join(t.repo, 'slipway.yml'), 'utf8').replace('build:\n', 'build:\n  - "echo SLOW-BUILD-STARTED; sleep 20"\n') })
    const run = await runStep({ inputs: t.inputs, killWhen: (out) => out.includes('SLOW-BUILD-STARTED') })
    expect(run.signal).toBe('SIGKILL')
    const ownerFile = join(t.root, '.slipway/lock/owner.json')
    const ours = readFileSync(ownerFile, 'utf8')
    expect(JSON.parse(ours)).toMatchObject({ app: 'shop', by: 'octocat', run: '4242', operation: 'deploy' })
    const [keyDir] = JSON.parse(run.state.slipway_paths) as string[]

    // Another run's lock at the same path is left alone (the key is put back for the second post run).
    const foreign = JSON.stringify({ token: 'feedfacefeedface', app: 'shop', by: 'octocat', run: '9999', operation: 'deploy', since: new Date().toISOString() })
    hostWrite(ownerFile, foreign)
    const first = await runPost(run, t.inputs)
    expect(first.code).toBe(0)
    expect(first.text.some((l) => l.startsWith(`${HOST()}: lock held by another operation, left alone: deploy of shop by octocat (run 9999)`))).toBe(true)
    expect(readFileSync(ownerFile, 'utf8')).toBe(foreign)
    expect(existsSync(keyDir)).toBe(false)

    hostWrite(ownerFile, ours)
    hostWrite(join(keyDir, 'id_key'), readFileSync(lab.key, 'utf8'))
    const second = await runPost(run, t.inputs)
    expect(second.code).toBe(0)
    expect(second.text).toContain(`${HOST()}: released`)
    expect(existsSync(join(t.root, '.slipway/lock'))).toBe(false)
    expect(existsSync(keyDir)).toBe(false)
  })

  test('dry-run deploy: the scripts each host would get, nothing connected or changed', async () => {
    const t = setup()
    const run = await deployStep({ ...t.inputs, 'dry-run': 'true' }, t.sha)
    expect(run.code).toBe(0)
    expect(run.outputs).toEqual({})
    expect(named(run, 'group').map((c) => c.message)).toEqual([`Plan for ${HOST()}`])
    expect(run.text.filter((l) => l.startsWith('## '))).toEqual(['## lock', '## upload, shared files, build (then the upload, a tar, on stdin)', '## switch, activate, prune, finish'])
    expect(run.summary.split('\n')[0]).toBe('### Dry run: nothing was changed')
    expect(existsSync(join(t.root, 'releases'))).toBe(false)
    expect(api.requests).toEqual([])
  })

  test('a token without deployments permission: warnings, and the deploy still succeeds', async () => {
    const t = setup()
    api.failWith = 403
    try {
      const run = await deployStep(t.inputs, t.sha)
      expect(run.code).toBe(0)
      expect(current(t.root)).toBe(`releases/${run.outputs.release}`)
      expect(named(run, 'warning').map((c) => c.message.split(':')[0])).toEqual(['GitHub deployment record'])
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/o/r/deployments'])
    } finally {
      api.failWith = undefined
    }
  })
})
