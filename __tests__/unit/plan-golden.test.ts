/**
 * The whole Laravel plan as one golden file: every round trip for two hosts (lock, upload + prepare,
 * migrate with its backup, switch + activate, smoke on the hosts, prune + finish), exactly as
 * `slipway deploy --dry-run` prints it. Rewrite it on purpose with SLIPWAY_UPDATE_GOLDEN=1.
 */
import { expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { planDeploy } from '../../src/deploy/deploy.js'
import { parseSpec } from '../../src/spec/load.js'

const golden = join(process.cwd(), '__tests__/fixtures/plan/laravel-two-hosts.txt')
const source = join(process.cwd(), '__tests__/fixtures/laravel-app')

const yaml = `app: shop
path: /srv/shop
preset: laravel
php_fpm_reload: sudo systemctl reload php8.2-fpm
hosts:
  - { host: 203.0.113.10, user: deploy, name: web-1 }
  - { host: 203.0.113.11, user: deploy, name: web-2 }
insecure_skip_host_key_check: true
source: { dir: ${source} }
migrate:
  backup: "cp shared/database.sqlite shared/backups/{release}.sqlite"
smoke:
  - { name: health, http: "https://shop.example/health", status: 200 }
  - { name: queue, run: "php artisan queue:monitor default --max=100" }
`

test('the Laravel plan for two hosts matches the golden file', async () => {
  const spec = parseSpec(yaml, '/work/slipway.yml')
  const plan = await planDeploy({ spec, now: () => new Date('2026-06-01T12:00:00Z'), lockToken: '0123456789abcdef', actor: 'tester', runId: '42' })
  const text = plan.map((h) => [`# host ${h.host}`, ...h.phases.map((p) => `## ${p.phase}\n${p.command}\n`)].join('\n')).join('\n')
    .replace(/@@slipway-[0-9a-f]+@@/g, '@@slipway-MARKER@@')
    .replace(/"commit":"[0-9a-f]{40}",/g, '')
    .replace(/ commit [0-9a-f]{12}:/g, ':')
    .replace(/\t[0-9a-f]{32}(?=$|' \|)/gm, '\tDIGEST') // the source's directory digests hash file modes, which depend on the checkout's umask
  if (process.env.SLIPWAY_UPDATE_GOLDEN) writeFileSync(golden, text)
  expect(text).toBe(readFileSync(golden, 'utf8'))
  expect(plan.map((h) => h.phases.map((p) => p.phase))).toEqual([
    ['lock', 'upload, shared files, build, pending (then the upload, a tar, on stdin)', 'migrate', 'watchdog, switch, activate', 'smoke', 'confirm, prune, finish'],
    ['lock', 'upload, shared files, build (then the upload, a tar, on stdin)', 'watchdog, switch, activate', 'smoke', 'confirm, prune, finish'],
    ['smoke health']
  ])
})

test('with smoke.bake the plan shows the bake, and the watchdog armed at the switch waits for it', async () => {
  const baked = yaml.replace(/smoke:\n[\s\S]*$/, 'smoke:\n  bake: 300\n  checks:\n    - { name: health, http: "https://shop.example/health", deadline: 30 }\n    - { name: queue, run: "php artisan queue:monitor default --max=100", timeout: 10 }\n')
  const plan = await planDeploy({ spec: parseSpec(baked, '/work/slipway.yml'), now: () => new Date('2026-06-01T12:00:00Z'), lockToken: '0123456789abcdef' })
  expect(plan[2]).toEqual({ host: 'runner', phases: [
    { phase: 'smoke health', command: 'from the runner: GET https://shop.example/health, expect 200' },
    { phase: 'bake', command: 'after the smoke checks first pass: health, queue again every 2 s for 300 s; a failure rolls back like a smoke failure; confirm, prune and finish only after the bake' }
  ] })
  // confirm_within's default (30 + 10 + 120) plus the bake plus one more round of the checks (30 + 10).
  expect(plan[0].phases.find((p) => p.phase.includes('watchdog'))!.command).toContain(`+ ${30 + 10 + 120 + 300 + 40} ))`)
})
