/**
 * Injection over every spec field (and the actor) whose value reaches a host shell, with real deploys on a real
 * sshd: each payload tries to create a canary file; it never appears. Values the spec allows are deployed with the
 * payload as literal text; values it refuses are refused before connecting (a SpecError), never run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deploy } from '../../src/deploy/deploy.js'
import { loadSpec, SpecError } from '../../src/spec/load.js'
import { appDir, deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const canaryDir = mkdtempSync(join(tmpdir(), 'slipway-injection-'))
const canary = join(canaryDir, 'pwned')
const payloads = [`$(touch ${canary})`, `\`touch ${canary}\``, `x;touch ${canary};`, `x' ; touch ${canary} ; '`, `"$(touch ${canary})"`, `x|touch ${canary}`]
const yamlString = (v: string) => JSON.stringify(v)

type Case = { field: string; yaml: (p: string, root: string) => string; actor?: (p: string) => string; prepare?: (root: string, p: string) => void }
const cases: Case[] = [
  { field: 'path', yaml: () => '' },
  { field: 'shared.files', yaml: (p) => `shared:\n  files: [${yamlString(`cfg${p}.env`)}]\n`, prepare: (root, p) => hostWrite(join(root, 'shared', `cfg${p}.env`), 'x=1\n') },
  { field: 'shared.dirs', yaml: (p) => `shared:\n  dirs: [${yamlString(`data${p}`)}]\n` },
  { field: 'writable', yaml: (p) => `writable: [${yamlString(`cache${p}`)}]\n` },
  { field: 'copy_from_previous', yaml: (p) => `copy_from_previous: [${yamlString(`vendor${p}`)}]\n` },
  { field: 'app', yaml: (p) => `app: ${yamlString(`shop${p}`)}\n` },
  { field: 'actor', yaml: () => '', actor: (p) => `octo${p}` },
  { field: 'smoke.http (from host)', yaml: (p) => `smoke:\n  - { http: ${yamlString(`http://127.0.0.1:9/?q=${p}`)}, from: host, retries: 0, timeout: 1 }\nrollback:\n  on_smoke_failure: false\n` }
]

describe('injection over every spec field that reaches a shell', () => {
  test.each(cases)('$field: no payload ever runs', async (c) => {
    const outcomes: string[] = []
    for (const p of payloads) {
      const base = deployRoot()
      const root = c.field === 'path' ? join(base, `root${p}`) : base
      if (c.field === 'path') hostWrite(join(root, '.keep'), '')
      c.prepare?.(root, p)
      const app = appDir({ 'index.html': 'v1\n' })
      const yaml = c.yaml(p, root)
      const file = writeSpec(app, `${yaml.startsWith('app:') ? '' : 'app: shop\n'}path: ${yamlString(root)}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\n${yaml}`)
      try {
        await deploy({ spec: loadSpec(file), actor: c.actor?.(p) })
        outcomes.push('deployed')
      } catch (error) {
        outcomes.push(error instanceof SpecError ? 'refused before connecting' : `failed: ${(error as Error).message.split('\n')[0]}`)
      }
      expect(existsSync(canary)).toBe(false)
    }
    expect(readdirSync(canaryDir)).toEqual([])
    // Each outcome is a deploy that ran with the payload as text, a refusal before connecting, or (the smoke URL
    // on a closed port) a check that failed on curl's own terms — never the payload's command.
    for (const o of outcomes) expect(o).toMatch(/^(deployed|refused before connecting|failed: deploy of \d{14} is live but its smoke check failed: .*curl on the host failed)/)
    if (['path', 'shared.files', 'writable', 'actor'].includes(c.field)) expect(outcomes.filter((o) => o === 'deployed').length).toBeGreaterThan(0)
  })
})
