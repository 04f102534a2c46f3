import { describe, expect, test } from '@jest/globals'
import type { ReleaseListing } from '../../src/deploy/releases.js'
import { checkMarkdown, deployMarkdown, escapeCell, hostsMarkdown, fenced, markdownTable, rollbackMarkdown, type DeployReport } from '../../src/report/summary.js'

const listing: ReleaseListing = {
  hosts: [{
    host: 'web-1',
    releases: [
      { id: '20260102030406', state: 'failed', commit: 'bbbbbbbbbbbbbbbbbbbb', created_at: '2026-01-02T03:04:06.000Z', updated_at: '', by: 'octocat', note: 'smoke check failed: health | 500', current: false },
      { id: '20260102030405', state: 'healthy', commit: 'aaaaaaaaaaaaaaaaaaaa', created_at: '2026-01-02T03:04:05.000Z', updated_at: '', by: 'octocat', current: true }
    ]
  }]
}

describe('job summary markdown', () => {
  test('cells: pipes, HTML, backticks and newlines cannot break out of a table', () => {
    expect(escapeCell('a|b <script>`x`\n[l](u) *b*')).toBe('a\\|b &lt;script&gt;\\`x\\`<br>\\[l\\](u) \\*b\\*')
    expect(markdownTable(['A', 'B'], [['1', 'x|y']])).toBe('| A | B |\n| --- | --- |\n| 1 | x\\|y |')
    expect(fenced('out ``` more')).toBe('````text\nout ``` more\n````')
  })

  test('a deploy rolled back after a failed smoke check: headline, facts, error, smoke, migrations, caveats, release table', () => {
    const result: DeployReport['result'] = {
      release: '20260102030406', previous: '20260102030405', commit: 'bbbbbbbbbbbbbbbbbbbb', hosts: ['web-1'], rolledBack: true,
      smoke: [{ name: 'health', ok: false, attempts: 2, detail: 'expected status 200, got 500' }],
      migrations: { ran: ['2024_02_02_create_orders'], steppedBack: ['2024_02_02_create_orders'] }
    }
    expect(deployMarkdown({ result, failure: 'deploy of 20260102030406 was rolled back', listing, notReverted: ['the database: …'] })).toBe([
      '### ↩️ Release 20260102030406 failed and was rolled back to 20260102030405',
      '',
      '- **Release:** 20260102030406\n- **Previous release:** 20260102030405\n- **Commit:** bbbbbbbbbbbbbbbbbbbb\n- **Hosts:** web-1',
      '',
      '```text\ndeploy of 20260102030406 was rolled back\n```',
      '',
      '#### Smoke checks\n\n| Check | Host | Result | Detail |\n| --- | --- | --- | --- |\n| health | runner | ❌ failed | expected status 200, got 500 |',
      '',
      '#### Migrations\n\nRan:\n- 2024_02_02_create_orders\n\nStepped back:\n- 2024_02_02_create_orders',
      '',
      '#### Not reverted by the rollback\n\n- the database: …',
      '',
      '#### Releases on web-1',
      '',
      '|  | Release | Commit | Time (UTC) | State | By | Note |\n| --- | --- | --- | --- | --- | --- | --- |',
      '|  | 20260102030406 | bbbbbbbbbbbb | 2026-01-02 03:04:06Z | failed | octocat | smoke check failed: health \\| 500 |',
      '| ▶ current | 20260102030405 | aaaaaaaaaaaa | 2026-01-02 03:04:05Z | healthy | octocat |  |',
      ''
    ].join('\n'))
  })

  test('a deploy that failed before the switch shows no rollback caveats; a success has no error block', () => {
    const base: DeployReport['result'] = { release: '2', previous: '1', hosts: ['h'], rolledBack: false, smoke: [] }
    const failed = deployMarkdown({ result: base, failure: 'build failed', notReverted: ['x'] })
    expect(failed.split('\n')[0]).toBe('### ❌ Deploy of 2 failed before the switch; 1 is still live')
    expect(failed).not.toContain('Not reverted')
    expect(deployMarkdown({ result: base, url: 'https://shop.example/' })).toBe('### ✅ Deployed 2\n\n- **Release:** 2\n- **Previous release:** 1\n- **Hosts:** h\n- **URL:** https://shop.example/\n')
  })

  test('a fleet split within max_failed: the title says so; a per-host table with the rollout timeline, collapsed beyond 10 hosts', () => {
    const entry = (host: string, serves: string, rolledBack = false) => ({ host, serves, prepared: true, switched: true, smoke: (rolledBack ? 'failed' : 'passed') as 'passed' | 'failed', rolledBack, error: rolledBack ? 'smoke up: exit 1' : undefined })
    const ledger = [entry('h01', '2'), entry('h02', '1', true)]
    const rollout = { strategy: 'rolling', batches: [['h01'], ['h02']], timeline: ['batch 1/2 (h01) passed: h01=2 h02=1', 'h02 failed and were switched back alone: h01=2 h02=1'], dropped: ['h02'] }
    const md = deployMarkdown({ result: { release: '2', previous: '1', hosts: ['h01', 'h02'], rolledBack: false, smoke: [], ledger, rollout }, failure: 'deploy of 2 is live on 1 of 2 hosts' })
    expect(md.split('\n')[0]).toBe('### ⚠️ Release 2 is live on 1 of 2 hosts; h02 failed and serve 1')
    expect(md).toContain([
      '#### Hosts',
      '',
      '| Host | Serves | Prepared | Switched | Smoke | Rolled back | Lock | Error |\n| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| h01 | 2 | yes | yes | passed | no | - |  |',
      '| h02 | 1 | yes | yes | failed | yes | - | smoke up: exit 1 |',
      '',
      'Rollout (rolling):',
      '- batch 1/2 (h01) passed: h01=2 h02=1',
      '- h02 failed and were switched back alone: h01=2 h02=1'
    ].join('\n'))
    const many = Array.from({ length: 11 }, (_, i) => entry(`h${i}`, '2'))
    expect(hostsMarkdown({ ledger: many })).toContain('<details><summary>11 hosts</summary>')
    expect(hostsMarkdown({ ledger: many.slice(0, 10) })).not.toContain('<details>')
  })

  test('a failed migration: what it left and what was removed again, or what it destroyed and the restore command', () => {
    const base: DeployReport['result'] = { release: '2', previous: '1', hosts: ['h'], rolledBack: false, smoke: [] }
    const cleaned = deployMarkdown({ result: { ...base, migrations: { ran: [], steppedBack: [], failed: 'm2', left: ['table audits (1 row)', 'index items_color_index'], removed: ['index items_color_index', 'table audits (1 row)'], schemaCheck: 'the schema now equals the one read before migrating' } }, failure: 'x' })
    expect(cleaned).toContain('Failed part-way: m2\n\nLeft in the schema by the failed migration:\n- table audits (1 row)\n- index items_color_index\n\nRemoved again:\n- index items_color_index\n- table audits (1 row)\n\nthe schema now equals the one read before migrating\n')
    const destroyed = deployMarkdown({ result: { ...base, migrations: { ran: [], steppedBack: [], failed: 'm3', left: [], destroyed: ['column items.name removed'], restore: 'slipway db restore 2' } }, failure: 'x' })
    expect(destroyed).toContain('The failed migration left no trace in the schema.\n\nRemoved or changed what existed before (not repaired):\n- column items.name removed\n\nTo restore the database from the restore point taken before this deploy: `slipway db restore 2` (writes made since that restore point would be lost).')
  })

  test('a rollback: migrations stepped back and kept, and what it did not revert', () => {
    const md = rollbackMarkdown({ result: { release: '1', from: '3', hosts: ['h'], notReverted: ['queued jobs'], migrations: { steppedBack: ['m3'], kept: ['m2'] } } })
    expect(md).toBe('### ↩️ Rolled back 3 → 1\n\n- **Release:** 1\n- **Rolled back from:** 3\n- **Hosts:** h\n\n#### Migrations\n\nStepped back:\n- m3\n\nStill applied:\n- m2\n\n#### Not reverted by the rollback\n\n- queued jobs\n')
  })

  test('a rollback that restored a restore point: the database fact and what the restore discarded', () => {
    const md = rollbackMarkdown({ result: { release: '1', from: '3', hosts: ['h'], notReverted: ['queued jobs'], migrations: { steppedBack: [], kept: [] }, db: { mode: 'restore', restored: { release: '3', at: '2026-01-01T00:00:00Z', file: '/p/3.sqlite' }, lost: ['writes made since 2026-01-01T00:00:00Z (when the point was taken) are gone', 'table items: 5 rows before the restore, 3 at the point (2 rows written since: lost)'] } } })
    expect(md).toBe('### ↩️ Rolled back 3 → 1\n\n- **Release:** 1\n- **Rolled back from:** 3\n- **Hosts:** h\n- **Database:** restored to the point taken before 3 (2026-01-01T00:00:00Z)\n\n#### Lost by the database restore\n\n- writes made since 2026-01-01T00:00:00Z (when the point was taken) are gone\n- table items: 5 rows before the restore, 3 at the point (2 rows written since: lost)\n\n#### Not reverted by the rollback\n\n- queued jobs\n')
  })

  test('the check: counts, every finding, the SARIF path', () => {
    const md = checkMarkdown({
      findings: [{ ruleId: 'drop-column', severity: 'error', file: 'database/migrations/x.php', line: 12, column: 5, message: 'drops users.email', reason: 'breaks-running-code', fix: 'contract later' }],
      suppressed: [], files: ['database/migrations/x.php'], counts: { error: 1, warning: 0, notice: 0 }, exitCode: 1
    }, '/tmp/s.sarif')
    expect(md).toBe('### ❌ Migration check: 1 error(s)\n\n1 file(s) checked: 1 error(s), 0 warning(s), 0 notice(s).\n\n| Severity | Rule | Where | Problem | Fix |\n| --- | --- | --- | --- | --- |\n| error | drop-column | database/migrations/x.php:12 | drops users.email | contract later |\n\nSARIF: /tmp/s.sarif\n')
  })
})
