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
  if (process.env.SLIPWAY_UPDATE_GOLDEN) writeFileSync(golden, text)
  expect(text).toBe(readFileSync(golden, 'utf8'))
  expect(plan.map((h) => h.phases.map((p) => p.phase))).toEqual([
    ['lock', 'upload, shared files, build (then the upload, a tar, on stdin)', 'migrate', 'watchdog, switch, activate', 'smoke', 'confirm, prune, finish'],
    ['lock', 'upload, shared files, build (then the upload, a tar, on stdin)', 'watchdog, switch, activate', 'smoke', 'confirm, prune, finish'],
    ['smoke health']
  ])
})
