import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface Step { uses?: string; run?: string; with?: Record<string, string | number>; if?: string; id?: string }
interface Workflow { on: Record<string, Record<string, unknown> | null>; permissions?: Record<string, string>; concurrency?: { group: string; 'cancel-in-progress': boolean }; jobs: Record<string, { environment?: Record<string, unknown>; steps: Step[] }> }

const load = (file: string) => parse(readFileSync(file, 'utf8')) as Workflow
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps)
const slipway = (w: Workflow) => steps(w).filter((s) => s.uses?.startsWith('slipway/slipway@'))
const inputs = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs)

describe('ready-to-copy example workflows', () => {
  const files = ['examples/deploy.yml', 'examples/rollback.yml', 'examples/migration-check.yml']

  test('every slipway step passes only inputs that action.yml declares; no run: script expands an expression', () => {
    for (const file of files) {
      const w = load(file)
      expect(slipway(w)).toHaveLength(1)
      for (const s of slipway(w)) for (const key of Object.keys(s.with ?? {})) expect(inputs).toContain(key)
      for (const s of steps(w)) if (s.run) expect(s.run).not.toContain('${{')
    }
  })

  test('deploy on push to main: one deploy per environment, never cancelled half-way, no duplicate deployment record', () => {
    const w = load('examples/deploy.yml')
    expect(w.on.push).toEqual({ branches: ['main'] })
    expect(w.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false })
    expect(w.permissions).toEqual({ contents: 'read', deployments: 'write' })
    expect(w.jobs.deploy.environment).toEqual({ name: 'production', deployment: false })
    expect(slipway(w)[0].with).toMatchObject({ command: 'deploy', environment: 'production', 'ssh-private-key': '${{ secrets.DEPLOY_SSH_KEY }}' })
  })

  test('dispatch rollback: an environment choice and a release input, the same concurrency group as deploys', () => {
    const w = load('examples/rollback.yml')
    const dispatch = w.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }
    expect(dispatch.inputs.environment).toMatchObject({ type: 'choice', options: ['production', 'staging'] })
    expect(dispatch.inputs.release.type).toBe('string')
    expect(dispatch.inputs.migrations.type).toBe('boolean')
    expect(w.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false })
    expect(slipway(w)[0].with).toMatchObject({ command: 'rollback', environment: '${{ inputs.environment }}', release: '${{ inputs.release }}', migrations: '${{ inputs.migrations }}' })
  })

  test('PR migration check: pull_request (never pull_request_target), full history, SARIF uploaded even when the check fails', () => {
    const w = load('examples/migration-check.yml')
    expect(Object.keys(w.on)).toEqual(['pull_request'])
    const all = steps(w)
    expect(all[0]).toEqual({ uses: 'actions/checkout@v5', with: { 'fetch-depth': 0 } })
    expect(slipway(w)[0]).toMatchObject({ id: 'check', with: { command: 'check' } })
    const upload = all.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))
    expect(upload?.with?.sarif_file).toBe('${{ steps.check.outputs.sarif }}')
    expect(upload?.if).toMatch(/^always\(\) && /)
    expect(w.permissions).toEqual({ contents: 'read', 'security-events': 'write' })
  })
})

describe('the repository\'s own workflows', () => {
  test('ci runs the test suite; check-dist fails on a stale dist/', () => {
    expect(steps(load('.github/workflows/ci.yml')).map((s) => s.run).filter(Boolean).at(-1)).toBe('bash .ci/run')
    expect(steps(load('.github/workflows/check-dist.yml')).map((s) => s.run)).toContain('bash scripts/check-dist.sh')
  })
})
