import { describe, expect, test } from '@jest/globals'
import { checkMigrations, CheckInputError, type Finding } from '../../src/check/index.js'
import { matchesGlob } from '../../src/check/glob.js'
import { applySuppressions, readDirectives } from '../../src/check/suppress.js'
import { FIXTURES } from './helpers.js'

const at = (line: number, ruleId = 'drop-column'): Finding =>
  ({ ruleId, severity: 'error', file: 'm.php', line, column: 1, message: 'm', reason: 'data-loss', fix: 'f' })

describe('inline suppressions', () => {
  const text = [
    '<?php',                                                      // 1
    '// slipway-ignore drop-column, rename-column: unused since v3', // 2
    'Schema::table(\'users\', function ($t) {',                    // 3
    '    $t->dropColumn(\'a\');',                                   // 4
    '});',                                                        // 5
    '$x->dropColumn(\'b\'); # slipway-ignore drop-column: trailing', // 6
    '$y->dropColumn(\'c\');',                                       // 7
    '/* slipway-ignore * : reviewed by the DBA */',               // 8
    '$z->foo();'                                                  // 9
  ].join('\n')
  const statements: Array<[number, number]> = [[3, 5], [4, 4], [6, 6], [7, 7], [9, 9]]

  test('a comment on its own line covers the whole next statement; a trailing one only its line', () => {
    const { directives, findings } = readDirectives('m.php', text, statements)
    expect(findings).toEqual([])
    expect(directives).toEqual([
      { rules: ['drop-column', 'rename-column'], reason: 'unused since v3', line: 2, from: 2, to: 5 },
      { rules: ['drop-column'], reason: 'trailing', line: 6, from: 6, to: 6 },
      { rules: ['*'], reason: 'reviewed by the DBA', line: 8, from: 8, to: 9 }
    ])
    const split = applySuppressions([at(4), at(6), at(7), at(9, 'raw-sql')], directives, [])
    expect(split.kept.map((f) => f.line)).toEqual([7])
    expect(split.suppressed.map((f) => [f.line, f.suppression.reason])).toEqual([[4, 'unused since v3'], [6, 'trailing'], [9, 'reviewed by the DBA']])
  })

  test('slipway-ignore-file covers the file; a suppression without a reason is a finding and suppresses nothing', () => {
    const { directives, findings } = readDirectives('m.sql', '-- slipway-ignore-file pg-drop-table: staging only\n-- slipway-ignore pg-drop-column\nx', [])
    expect(directives).toEqual([{ rules: ['pg-drop-table'], reason: 'staging only', line: 1, from: 1, to: 3 }])
    expect(findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
      ['suppression-without-reason', 2, 1, 'slipway-ignore pg-drop-column has no reason, so it suppresses nothing']])
  })
})

describe('config suppressions', () => {
  test('match a rule and a path glob', async () => {
    const r = await checkMigrations({ cwd: FIXTURES, paths: ['sql/unsafe'], config: { ignore: [
      { rule: 'pg-drop-table', path: 'sql/**/pg-drop-*.sql', reason: 'legacy tables, backed up (OPS-9)' },
      { rule: 'pg-delete-data', path: '*.php', reason: 'never matches a .sql file' }
    ] } })
    expect(r.suppressed.map((f) => [f.file, f.ruleId, f.suppression])).toEqual([
      ['sql/unsafe/pg-drop-table.sql', 'pg-drop-table', { kind: 'config', reason: 'legacy tables, backed up (OPS-9)' }]])
    expect(r.findings.filter((f) => f.ruleId === 'pg-delete-data')).toHaveLength(2)
  })

  test('an entry without a reason is bad input', async () => {
    await expect(checkMigrations({ cwd: FIXTURES, paths: ['sql/unsafe'], config: { ignore: [{ rule: 'pg-drop-table', reason: ' ' }] } }))
      .rejects.toThrow(new CheckInputError('check.ignore[0] (pg-drop-table): a reason is required'))
  })

  test.each([
    [{ ignore: [{ rule: 'drop-colum', reason: 'typo' }] }, 'check.ignore[0]: unknown rule drop-colum'],
    [{ rules: { 'no-such-rule': 'off' as const } }, 'check.rules: unknown rule no-such-rule'],
    [{ rules: { 'raw-sql': 'fatal' as unknown as 'error' } }, 'check.rules.raw-sql: fatal is not error, warning, notice or off']
  ])('config %j is bad input', async (config, message) => {
    await expect(checkMigrations({ cwd: FIXTURES, paths: ['sql/safe'], config })).rejects.toThrow(new CheckInputError(message))
  })

  test('rules can be turned off or re-levelled', async () => {
    const r = await checkMigrations({ cwd: FIXTURES, paths: ['laravel/unsafe/add-index.php', 'laravel/unsafe/raw-sql.php'],
      config: { rules: { 'add-index': 'off', 'raw-sql': 'notice' } } })
    expect(r.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['raw-sql:notice', 'raw-sql:notice'])
    expect(r.exitCode).toBe(0)
  })
})

test.each([
  ['database/migrations/a.php', 'database/**/*.php', true],
  ['database/migrations/a.php', '*.php', true],
  ['database/migrations/a.php', 'database/*.php', false],
  ['db/x.sql', 'db/{x,y}.sql', true],
  ['db/z.sql', 'db/{x,y}.sql', false],
  ['a.b.sql', 'a?b.sql', true]
])('matchesGlob(%j, %j) is %j', (path, glob, expected) => {
  expect(matchesGlob(path, glob)).toBe(expected)
})
