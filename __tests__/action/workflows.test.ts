/**
 * The copy-paste material: example workflows, the example spec, the README's YAML blocks and the repository's own
 * workflows. Each workflow is parsed and its slipway steps checked against action.yml; each spec is validated the
 * way the action loads it, for every environment the workflows name; official actions are pinned by SHA.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { loadActionSpec } from '../../src/action/spec.js'
import { parseSpec } from '../../src/spec/load.js'

interface Step { uses?: string; run?: string; with?: Record<string, string | number>; if?: string; id?: string }
interface Job { environment?: { name: string; deployment?: boolean }; steps: Step[] }
interface Workflow { on: Record<string, Record<string, unknown> | null>; permissions?: Record<string, string>; concurrency?: { group: string; 'cancel-in-progress': boolean }; jobs: Record<string, Job> }

/** How the examples and the README name the action: the repository's owner and a commit are the user's to fill in. */
const USES = '<owner>/slipway@<commit-sha>'
const load = (file: string) => parse(readFileSync(file, 'utf8')) as Workflow
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps)
const slipway = (list: Step[]) => list.filter((s) => s.uses?.includes('/slipway@'))
const inputs = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs)
const examples = ['examples/deploy.yml', 'examples/rollback.yml', 'examples/migration-check.yml']
const repoWorkflows = ['.github/workflows/ci.yml', '.github/workflows/check-dist.yml']
const readme = readFileSync('README.md', 'utf8')
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
const KNOWN_HOSTS = '203.0.113.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample\n'

/** The environment names a workflow's slipway steps can pass: literal, or the options of the dispatch input they read. */
function environments(w: Workflow): string[] {
  const dispatch = (w.on.workflow_dispatch as { inputs?: Record<string, { options?: string[] }> } | undefined)?.inputs
  return slipway(steps(w)).flatMap((s) => {
    const value = String(s.with?.environment ?? '')
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1]
    return input ? dispatch?.[input]?.options ?? [] : value ? [value] : []
  })
}

describe('ready-to-copy example workflows', () => {
  test('every slipway step uses the honest placeholder and passes only inputs that action.yml declares; no run: script expands an expression', () => {
    for (const file of examples) {
      const w = load(file)
      expect(slipway(steps(w)).map((s) => s.uses)).toEqual([USES])
      for (const s of slipway(steps(w))) for (const key of Object.keys(s.with ?? {})) expect(inputs).toContain(key)
      for (const s of steps(w)) if (s.run) expect(s.run).not.toContain('${{')
    }
  })

  test('deploy on push to main: one deploy per environment, never cancelled half-way, no duplicate deployment record', () => {
    const w = load('examples/deploy.yml')
    expect(w.on.push).toEqual({ branches: ['main'] })
    expect(w.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false })
    expect(w.permissions).toEqual({ contents: 'read', deployments: 'write' })
    expect(w.jobs.deploy.environment).toEqual({ name: 'production', deployment: false })
    expect(slipway(steps(w))[0].with).toMatchObject({ command: 'deploy', environment: 'production', 'ssh-private-key': '${{ secrets.DEPLOY_SSH_KEY }}', 'known-hosts': '${{ vars.DEPLOY_KNOWN_HOSTS }}' })
  })

  test('dispatch rollback: an environment choice and a release input, the same concurrency group as deploys', () => {
    const w = load('examples/rollback.yml')
    const dispatch = w.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }
    expect(dispatch.inputs.environment).toMatchObject({ type: 'choice', options: ['production', 'staging'] })
    expect(dispatch.inputs.release.type).toBe('string')
    expect(dispatch.inputs.db).toMatchObject({ type: 'choice', options: ['keep', 'stepback', 'restore'] })
    expect(w.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false })
    expect(w.jobs.rollback.environment).toEqual({ name: '${{ inputs.environment }}', deployment: false })
    expect(slipway(steps(w))[0].with).toMatchObject({ command: 'rollback', environment: '${{ inputs.environment }}', release: '${{ inputs.release }}', db: '${{ inputs.db }}' })
  })

  test('PR migration check: pull_request (never pull_request_target), full history, SARIF uploaded even when the check fails', () => {
    const w = load('examples/migration-check.yml')
    expect(Object.keys(w.on)).toEqual(['pull_request'])
    const all = steps(w)
    expect(all[0]).toEqual({ uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', with: { 'fetch-depth': 0 } })
    expect(slipway(all)[0]).toMatchObject({ id: 'check', with: { command: 'check' } })
    const upload = all.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))
    expect(upload?.with?.sarif_file).toBe('${{ steps.check.outputs.sarif }}')
    expect(upload?.if).toMatch(/^always\(\) && /)
    expect(w.permissions).toEqual({ contents: 'read', 'security-events': 'write' })
  })
})

describe('the example spec (examples/slipway.yml)', () => {
  test('loads, as the action loads it, for every environment the workflows name; those are exactly its environments', () => {
    const named = [...new Set(examples.flatMap((f) => environments(load(f))))].sort()
    expect(named).toEqual(['production', 'staging'])
    const own = Object.keys((parse(readFileSync('examples/slipway.yml', 'utf8')) as { environments: Record<string, unknown> }).environments).sort()
    expect(own).toEqual(named)
    for (const env of named) {
      const spec = loadActionSpec('examples/slipway.yml', env, undefined, KNOWN_HOSTS)
      expect(spec.known_hosts).toBe(KNOWN_HOSTS)
      expect(spec.path).toBe(env === 'production' ? '/var/www/shop' : '/var/www/shop-staging')
    }
  })

  test('follows the zero-downtime advice: preset caches built before the switch, FPM reload after it and after a rollback, nothing cleared in a live release', () => {
    const spec = loadActionSpec('examples/slipway.yml', 'production', undefined, KNOWN_HOSTS)
    // The preset builds the caches in the new release: `optimize --except=views` where artisan has it, else config + route caches.
    expect(spec.build).toContainEqual(expect.stringMatching(/optimize --except=views; else php artisan config:cache && php artisan route:cache; fi$/))
    const reload = 'sudo /usr/bin/systemctl reload php8.2-fpm'
    const restart = `if php -r 'require "vendor/autoload.php"; exit(class_exists(Illuminate\\Foundation\\Console\\ReloadCommand::class) ? 0 : 1);'; then php artisan reload; else php artisan queue:restart; fi`
    expect(spec.activate).toEqual([restart, reload])
    expect(spec.rollback_hooks).toEqual(['php artisan cache:clear', restart, reload])
    for (const cmd of [...spec.activate, ...spec.rollback_hooks]) expect(cmd).not.toMatch(/(config|route):(cache|clear)/)
    expect(spec.keep_releases).toBe(5)
    expect(spec.smoke.map((c) => c.name)).toEqual(['health', 'queue'])
    const text = readFileSync('examples/slipway.yml', 'utf8')
    expect(text).toContain('fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;')
    expect(text).toContain('process_control_timeout = 10s')
  })
})

describe('the README', () => {
  test('every spec in it validates, and none runs a config or route cache command after the switch', () => {
    const specs = yamlBlocks.filter((b) => /^app: /m.test(b) && /^hosts:/m.test(b))
    expect(specs.length).toBeGreaterThanOrEqual(1)
    for (const text of specs) {
      const envs = Object.keys((parse(text) as { environments?: Record<string, unknown> }).environments ?? {})
      expect(envs).toEqual(expect.arrayContaining(['production']))
      for (const env of [undefined, ...envs]) {
        const spec = parseSpec(text, 'README.md', { env })
        for (const cmd of [...spec.activate, ...spec.rollback_hooks]) expect(cmd).not.toMatch(/(config|route):(cache|clear)/)
      }
    }
  })

  test('every workflow step in it names the action like the examples and passes only declared inputs', () => {
    const fragments = yamlBlocks.map((b) => parse(b) as unknown)
    const found: Step[] = []
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object') {
        if (typeof (v as Step).uses === 'string') found.push(v as Step)
        Object.values(v).forEach(walk)
      }
    }
    fragments.forEach(walk)
    const ours = slipway(found)
    expect(ours.length).toBeGreaterThanOrEqual(6)
    for (const s of ours) {
      expect(s.uses).toBe(USES)
      for (const key of Object.keys(s.with ?? {})) expect(inputs).toContain(key)
    }
    expect(readme).not.toMatch(/uses: slipway\/slipway@/)
  })
})

describe('official actions: current majors, pinned by commit SHA with the version in a comment', () => {
  const PINS: Record<string, { major: number; sha: string }> = {
    'actions/checkout': { major: 7, sha: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
    'actions/setup-node': { major: 7, sha: '820762786026740c76f36085b0efc47a31fe5020' },
    'actions/upload-artifact': { major: 7, sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f' },
    'github/codeql-action': { major: 4, sha: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e' }
  }
  test.each([...examples, ...repoWorkflows, 'README.md'])('%s', (file) => {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => /uses: (actions|github)\//.test(l))
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      const m = /uses: ((?:actions|github)\/[\w-]+)(?:\/[\w-]+)?@([0-9a-f]{40}) # v(\d+)\.\d+\.\d+(?:\s|$)/.exec(line)
      expect({ line, pinned: m !== null }).toEqual({ line, pinned: true })
      const pin = PINS[m![1]]
      expect({ action: m![1], sha: m![2], major: Number(m![3]) }).toEqual({ action: m![1], sha: pin.sha, major: pin.major })
    }
  })
})

describe('the repository\'s own workflows', () => {
  test('ci runs the test suite; check-dist fails on a stale dist/', () => {
    expect(steps(load('.github/workflows/ci.yml')).map((s) => s.run).filter(Boolean).at(-1)).toBe('bash .ci/run')
    expect(steps(load('.github/workflows/check-dist.yml')).map((s) => s.run)).toContain('bash scripts/check-dist.sh')
  })
})
