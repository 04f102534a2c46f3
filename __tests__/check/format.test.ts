import { describe, expect, test } from '@jest/globals'
import { formatGithub, formatJson, formatSarif, formatText, RULES, type CheckResult, type Finding } from '../../src/check/index.js'
import { escapeData, escapeProperty } from '../../src/check/format/github.js'

const dropColumn: Finding = {
  ruleId: 'drop-column', severity: 'error', file: 'database/migrations/2024_01_01_000000_drop.php', line: 14, column: 13, endLine: 14,
  message: 'dropping users.nickname breaks the code still reading it and destroys the data', reason: 'breaks-running-code', fix: 'Contract in two deploys.'
}
const addIndex: Finding = {
  ruleId: 'add-index', severity: 'warning', file: 'db/a,b:c.php', line: 3, column: 1,
  message: '100% of writes block\r\nwhile it builds', reason: 'lock', fix: 'Use CONCURRENTLY.'
}

function result(findings: Finding[], extra: Partial<CheckResult> = {}): CheckResult {
  const counts = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return { findings, suppressed: [], files: ['a.php', 'b.php'], counts, exitCode: counts.error > 0 ? 1 : 0, ...extra }
}

describe('formatGithub', () => {
  test('escapes data and properties as the Actions toolkit does', () => {
    expect(escapeData('a%b\r\nc')).toBe('a%25b%0D%0Ac')
    expect(escapeProperty('x%,y:z\n')).toBe('x%25%2Cy%3Az%0A')
  })

  test('emits one workflow command per finding, errors first', () => {
    expect(formatGithub(result([addIndex, dropColumn]))).toBe(
      '::error file=database/migrations/2024_01_01_000000_drop.php,line=14,col=13,endLine=14,title=drop-column%3A breaks-running-code::' +
      'dropping users.nickname breaks the code still reading it and destroys the data%0AFix: Contract in two deploys.\n' +
      '::warning file=db/a%2Cb%3Ac.php,line=3,col=1,title=add-index%3A lock::100%25 of writes block%0D%0Awhile it builds%0AFix: Use CONCURRENTLY.\n')
  })

  test('keeps the worst N per level and counts the rest', () => {
    const many = Array.from({ length: 12 }, (_, i): Finding => ({ ...dropColumn, line: i + 1, reason: i === 11 ? 'data-loss' : 'lock' }))
    const lines = formatGithub(result(many), { limit: 10 }).trimEnd().split('\n')
    expect(lines).toHaveLength(11)
    expect(lines[0]).toMatch(/^::error file=database\/migrations\/2024_01_01_000000_drop\.php,line=12,/)
    expect(lines[1]).toMatch(/,line=1,/)
    expect(lines[10]).toBe('slipway check: 2 errors not annotated (GitHub shows 10 per level); see the full report.')
  })

  test('prints nothing when there is nothing to annotate', () => {
    expect(formatGithub(result([]))).toBe('')
  })
})

describe('formatSarif', () => {
  test('is SARIF 2.1.0 with every rule and one result per finding', () => {
    const sarif = JSON.parse(formatSarif(result([dropColumn]))) as {
      version: string; runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string; defaultConfiguration: { level: string } }> } }; results: Array<Record<string, unknown>> }>
    }
    expect(sarif.version).toBe('2.1.0')
    const run = sarif.runs[0]
    expect(run?.tool.driver.name).toBe('slipway')
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id))
    const index = RULES.findIndex((r) => r.id === 'drop-column')
    expect(run?.tool.driver.rules[index]?.defaultConfiguration.level).toBe('error')
    expect(run?.results).toEqual([{
      ruleId: 'drop-column',
      ruleIndex: index,
      level: 'error',
      message: { text: 'dropping users.nickname breaks the code still reading it and destroys the data\nFix: Contract in two deploys.' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'database/migrations/2024_01_01_000000_drop.php', uriBaseId: '%SRCROOT%' }, region: { startLine: 14, startColumn: 13, endLine: 14 } } }],
      properties: { reason: 'breaks-running-code' }
    }])
  })

  test('maps notice to note and leaves suppressed findings out unless asked', () => {
    const suppressed = { ...addIndex, suppression: { kind: 'inline' as const, reason: 'small table', line: 2 } }
    const r = result([{ ...addIndex, severity: 'notice' }], { suppressed: [suppressed] })
    const plain = JSON.parse(formatSarif(r)) as { runs: Array<{ results: Array<{ level: string }> }> }
    expect(plain.runs[0]?.results.map((x) => x.level)).toEqual(['note'])
    const all = JSON.parse(formatSarif(r, { includeSuppressed: true })) as { runs: Array<{ results: Array<{ suppressions?: unknown }> }> }
    expect(all.runs[0]?.results[1]?.suppressions).toEqual([{ kind: 'inSource', justification: 'small table' }])
  })
})

describe('formatText and formatJson', () => {
  test('text groups by file and ends with the summary', () => {
    const text = formatText(result([dropColumn, { ...addIndex, detail: '- a\n+ b' }], { suppressed: [{ ...addIndex, suppression: { kind: 'config', reason: 'r' } }] }))
    expect(text).toBe([
      'database/migrations/2024_01_01_000000_drop.php',
      '  14:13  error    drop-column  dropping users.nickname breaks the code still reading it and destroys the data',
      '      why: breaks-running-code. fix: Contract in two deploys.',
      '',
      'db/a,b:c.php',
      '  3:1  warning  add-index  100% of writes block\r\nwhile it builds',
      '      | - a',
      '      | + b',
      '      why: lock. fix: Use CONCURRENTLY.',
      '',
      '1 error, 1 warning, 0 notices in 2 files (1 suppressed)',
      ''
    ].join('\n'))
  })

  test('text says so when all is well, and lists verify outcomes', () => {
    expect(formatText(result([], { verify: [{ file: 'a.php', status: 'ok' }] }))).toBe(
      'verify (up → down → up on a scratch database):\n  ok                a.php\n\n0 errors, 0 warnings, 0 notices in 2 files\n')
  })

  test('json carries version, exit code, counts and findings', () => {
    const json = JSON.parse(formatJson(result([dropColumn]))) as Record<string, unknown>
    expect(json).toEqual({ version: 1, exitCode: 1, counts: { error: 1, warning: 0, notice: 0 }, files: ['a.php', 'b.php'], findings: [dropColumn], suppressed: [] })
  })
})
