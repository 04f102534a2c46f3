import { beforeAll, describe, expect, test } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { checkMigrations, RULES, type CheckResult } from '../../src/check/index.js'
import { expectedMarkers, FIXTURES, fixtureFiles } from './helpers.js'

// Every fixture marks the lines where a finding must appear with `@expect rule-id`; a file's findings must be
// exactly its markers, so an unsafe form that goes quiet and a safe form that fires both fail.
const DIRS = ['laravel/unsafe', 'laravel/safe', 'laravel/history', 'sql/unsafe', 'sql/safe']
let result: CheckResult
// Opt-in rules report only when check.rules names them: their fixtures run with them turned on.
const OPT_IN = ['sql/opt-in/unsafe', 'sql/opt-in/safe']
let optIn: CheckResult

beforeAll(async () => {
  result = await checkMigrations({ cwd: FIXTURES, paths: DIRS })
  const rules = Object.fromEntries(RULES.filter((r) => r.optIn).map((r) => [r.id, r.severity]))
  optIn = await checkMigrations({ cwd: FIXTURES, paths: OPT_IN, config: { rules } })
})

// Each app under apps/ is checked from its own root, as `slipway check` runs in a repository: what the app is
// (its Laravel version, its database) decides which rules fire.
const APPS = readdirSync(join(FIXTURES, 'apps')).sort()
const apps = new Map<string, CheckResult>()

beforeAll(async () => {
  for (const app of APPS) apps.set(app, await checkMigrations({ cwd: join(FIXTURES, 'apps', app) }))
})

describe.each(APPS)('app %s', (app) => {
  test('every migration\'s findings are exactly its @expect markers', () => {
    const r = apps.get(app) as CheckResult
    expect(r.files.length).toBeGreaterThan(0)
    for (const file of r.files) {
      const got = r.findings.filter((f) => f.file === file).map((f) => `${f.ruleId}@${f.line}`).sort()
      expect({ file, findings: got }).toEqual({ file, findings: expectedMarkers(join(FIXTURES, 'apps', app, file)) })
    }
  })
})

const found = (file: string): string[] => (file.startsWith('sql/opt-in/') ? optIn : result).findings
  .filter((f) => f.file === file).map((f) => `${f.ruleId}@${f.line}`).sort()

describe.each(OPT_IN)('%s (opt-in rules on)', (dir) => {
  test.each(fixtureFiles(dir))('%s: findings are exactly the @expect markers', (file) => {
    expect(found(file)).toEqual(expectedMarkers(join(FIXTURES, file)))
  })
})

test('opt-in rules stay silent unless check.rules names them', async () => {
  const off = await checkMigrations({ cwd: FIXTURES, paths: OPT_IN })
  expect(off.findings.map((f) => f.ruleId)).toEqual([])
})

describe.each(DIRS)('%s', (dir) => {
  test.each(fixtureFiles(dir))('%s: findings are exactly the @expect markers', (file) => {
    expect(found(file)).toEqual(expectedMarkers(join(FIXTURES, file)))
  })
})

const STATIC = RULES.filter((r) => !r.id.startsWith('verify-') && r.id !== 'migration-modified')
const HISTORY: Record<string, { unsafe: string; safe: string }> = {
  'change-column-type': { unsafe: 'laravel/history/2024_01_04_000000_change_articles_views.php', safe: 'laravel/history/2024_01_03_000000_change_articles_summary.php' },
  'change-drops-modifiers': { unsafe: 'laravel/history/2024_01_02_000000_change_articles_title.php', safe: 'laravel/history/2024_01_03_000000_change_articles_summary.php' }
}

describe.each(STATIC.map((r) => r.id))('rule %s', (id) => {
  const lang = RULES.find((r) => r.id === id)?.optIn ? 'sql/opt-in' : id.startsWith('pg-') ? 'sql' : 'laravel'
  const ext = lang.startsWith('sql') ? 'sql' : 'php'
  const unsafe = HISTORY[id]?.unsafe ?? `${lang}/unsafe/${id}.${ext}`
  const safe = HISTORY[id]?.safe ?? `${lang}/safe/${id}.${ext}`

  test('fires on the unsafe form', () => {
    const marked = expectedMarkers(join(FIXTURES, unsafe)).filter((m) => m.startsWith(`${id}@`))
    expect(marked.length).toBeGreaterThan(0)
    expect(found(unsafe).filter((m) => m.startsWith(`${id}@`))).toEqual(marked)
  })

  test('stays quiet on the safe form', () => {
    expect([...result.files, ...optIn.files]).toContain(safe)
    expect(found(safe).filter((m) => m.startsWith(`${id}@`))).toEqual([])
  })
})

test('every finding carries its rule severity, reason and fix', () => {
  const byId = new Map(RULES.map((r) => [r.id, r]))
  for (const f of result.findings) {
    const rule = byId.get(f.ruleId)
    expect(rule).toBeDefined()
    expect([f.severity, f.reason, f.fix]).toEqual([rule?.severity, rule?.reason, rule?.fix])
  }
})

test('change-drops-modifiers says which Laravel version it read and where', () => {
  const f = apps.get('laravel11')?.findings.find((x) => x.ruleId === 'change-drops-modifiers')
  expect(f?.message).toBe('->change() of orders.notes does not restate nullable() (defined in 2024_02_01_000000_create_orders_table.php:14): ' +
    'Laravel 11+ drops it (laravel/framework v11.19.0 in composer.lock)')
  expect(apps.get('laravel10')?.findings.filter((x) => x.ruleId === 'change-drops-modifiers')).toEqual([])
})
