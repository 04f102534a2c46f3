import { finding } from '../catalog.js'
import type { LineRange } from '../suppress.js'
import type { Finding } from '../types.js'
import { locator, parseSql } from './parse.js'
import { sqlFindings } from './rules.js'

/** Where the "down" half of a goose / sql-migrate / dbmate file starts: only the "up" half is checked. */
const DOWN_MARKER = /^--\s*(\+goose\s+down|\+migrate\s+down|migrate:down)\b/im

/** Checks one `.sql` migration with the PostgreSQL parser; a file that does not parse is a finding, not a crash. */
export function checkSqlFile(file: string, text: string): { findings: Finding[]; statements: LineRange[] } {
  const down = DOWN_MARKER.exec(text)
  const up = down ? text.slice(0, down.index) : text
  const locate = locator(text)
  if (up.trim() === '') return { findings: [], statements: [] }
  const parsed = parseSql(up)
  if (!parsed.ok) {
    return { findings: [finding('pg-parse-error', { file, ...locate(parsed.offset) }, `SQL does not parse: ${parsed.message}: needs review`)], statements: [] }
  }
  const statements: LineRange[] = parsed.statements.map((s) => [locate(s.start).line, locate(Math.max(s.start, s.end - 1)).line])
  return { findings: sqlFindings(parsed.statements, { file, locate, embedded: false, created: new Set() }), statements }
}
