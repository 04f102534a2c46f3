import { RULES } from '../catalog.js'
import type { CheckResult, Finding, Severity, SuppressedFinding } from '../types.js'

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' }

/** Tool version reported in SARIF. */
export const TOOL_VERSION = '0.1.0'

/** Options of {@link formatSarif}. */
export interface SarifFormatOptions {
  /**
   * Also emit suppressed findings, each with a SARIF `suppressions` entry. Off by default: GitHub code scanning
   * ignores `suppressions` and would open alerts for them.
   */
  includeSuppressed?: boolean
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule in `tool.driver.rules` (so a rule that stops firing
 * closes its alert), one result per finding, URIs relative to the repository root (`%SRCROOT%`).
 */
export function formatSarif(result: CheckResult, options: SarifFormatOptions = {}): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]))
  const toResult = (f: Finding | SuppressedFinding): object => {
    const region: Record<string, number> = { startLine: f.line, startColumn: f.column }
    if (f.endLine !== undefined) region.endLine = f.endLine
    if (f.endColumn !== undefined && (f.endLine === undefined || f.endLine === f.line ? f.endColumn > f.column : true)) region.endColumn = f.endColumn
    const out: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: `${f.message}${f.detail ? `\n${f.detail}` : ''}\nFix: ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' }, region } }],
      properties: { reason: f.reason }
    }
    if ('suppression' in f) {
      out.suppressions = [{ kind: f.suppression.kind === 'inline' ? 'inSource' : 'external', justification: f.suppression.reason }]
    }
    return out
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'slipway',
          version: TOOL_VERSION,
          rules: RULES.map((r) => ({
            id: r.id,
            name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: r.title },
            fullDescription: { text: `${r.title} (${r.reason}).` },
            help: { text: r.fix },
            defaultConfiguration: { level: LEVEL[r.severity] },
            properties: { tags: ['migration', r.reason] }
          }))
        }
      },
      results: [...result.findings.map(toResult), ...(options.includeSuppressed ? result.suppressed.map(toResult) : [])]
    }]
  }
  return `${JSON.stringify(sarif, null, 2)}\n`
}
