import { finding } from '../catalog.js'
import type { LineRange } from '../suppress.js'
import type { Finding } from '../types.js'
import { readMigration, type Migration } from './migration.js'
import { parsePhp, walk } from './parse.js'
import { phpFindings, type PhpContext } from './rules.js'

const STATEMENTS = /statement$|^(class|method|return|if|foreach|for|while|do|try|switch)$/

/** The result of checking one PHP file: findings, statement line ranges (for suppressions, when the file has any), the migration read. */
export interface PhpFileResult { findings: Finding[]; statements: LineRange[]; migration?: Migration }

/** Parses one Laravel migration and runs the rules on it. */
export function checkPhpFile(text: string, ctx: PhpContext): PhpFileResult {
  const parsed = parsePhp(text, ctx.file)
  if (!parsed.ok) {
    return { findings: [finding('parse-error', { file: ctx.file, line: parsed.line, column: parsed.column + 1 }, `PHP does not parse: ${parsed.message}`)], statements: [] }
  }
  const statements: LineRange[] = []
  if (text.includes('slipway-ignore')) {
    walk(parsed.ast, (n) => { if (n.loc && STATEMENTS.test(n.kind)) statements.push([n.loc.start.line, n.loc.end.line]) })
  }
  const migration = readMigration(parsed.ast)
  if (!migration) {
    return { findings: [finding('unrecognized-migration', { file: ctx.file, line: 1, column: 1 }, 'no class extending Migration with an up() method was found')], statements }
  }
  return { findings: phpFindings(migration, ctx), statements, migration }
}
