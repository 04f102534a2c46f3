import type { Node } from 'libpg-query'
import { relname, unwrap } from './parse.js'

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current'])
/** Built-in functions that are STABLE or IMMUTABLE: a default calling only these does not rewrite the table. */
const STABLE = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'lower', 'upper', 'concat',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'to_jsonb', 'to_json', 'array_fill',
  'make_interval', 'date_trunc', 'timezone', 'length', 'replace', 'btrim', 'trim', 'abs', 'round', 'floor', 'ceil',
  'to_char', 'to_timestamp', 'to_date', 'make_date', 'interval', 'int4', 'int8', 'text', 'jsonb', 'json', 'array'])
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'])

/** Reports one finding of a rule. */
export type Add = (id: string, message: string) => void

/** Findings of one ALTER TABLE command. */
export function alterFindings(table: string, cmd: Record<string, unknown>, recreated: Set<string>, add: Add): void {
  const column = `${table}.${String(cmd.name)}`
  const [defKind, def] = unwrap(cmd.def as Node | undefined)
  switch (String(cmd.subtype)) {
    case 'AT_DropColumn': add('pg-drop-column', `dropping ${column} breaks the code still reading it and destroys its data`); break
    case 'AT_AlterColumnType': add('pg-alter-column-type', `changing the type of ${column} rewrites ${table} under an ACCESS EXCLUSIVE lock`); break
    case 'AT_SetNotNull': add('pg-set-not-null', `SET NOT NULL on ${column} scans ${table} under an ACCESS EXCLUSIVE lock`); break
    case 'AT_AddColumn':
      if (defKind === 'ColumnDef') addColumnFindings(table, def, add)
      add('pg-add-column', `adding ${table}.${String(def.colname)}: code rolled back to the previous release does not know it (SELECT *, positional INSERT, strict serializers)`)
      break
    case 'AT_DropConstraint': if (!recreated.has(String(cmd.name))) add('pg-drop-constraint', `dropping constraint ${String(cmd.name)} on ${table}: code rolled back to the previous release may rely on it (ON CONFLICT, cascades, validation it skips)`); break
    case 'AT_ColumnDefault':
      if (!cmd.def) add('pg-drop-default', `dropping the default of ${column}: the previous release's INSERTs that leave it out get NULL or fail`)
      break
    case 'AT_AddConstraint': if (defKind === 'Constraint') constraintFindings(table, def, add); break
  }
}

function addColumnFindings(table: string, def: Record<string, unknown>, add: Add): void {
  const column = `${table}.${String(def.colname)}`
  const constraints = ((def.constraints as Node[] | undefined) ?? []).map((c) => unwrap(c)[1])
  const has = (type: string): Record<string, unknown> | undefined => constraints.find((c) => c.contype === type)
  const defaultExpr = has('CONSTR_DEFAULT')
  const typeName = typeNameOf(def.typeName)
  if (has('CONSTR_NOTNULL') && !defaultExpr && !has('CONSTR_IDENTITY') && !has('CONSTR_GENERATED') && !SERIAL.has(typeName)) {
    add('pg-add-not-null-column', `${column} is NOT NULL without a DEFAULT: the statement fails on a non-empty table and the running code's INSERTs fail`)
  }
  const volatile = defaultExpr ? volatileCall(defaultExpr.raw_expr) : undefined
  if (volatile || SERIAL.has(typeName) || has('CONSTR_GENERATED')) {
    const what = !volatile ? `as ${typeName || 'a stored generated column'}` : `with DEFAULT ${volatile.name}()`
    add('pg-volatile-default', volatile && !volatile.known
      ? `adding ${column} ${what}, a function the check does not know: unless it is STABLE or IMMUTABLE, this rewrites ${table} under an ACCESS EXCLUSIVE lock`
      : `adding ${column} ${what} rewrites ${table} under an ACCESS EXCLUSIVE lock`)
  }
  const fk = has('CONSTR_FOREIGN')
  if (fk) add('pg-constraint-not-valid', `REFERENCES on new column ${column} takes a SHARE ROW EXCLUSIVE lock on ${relname(fk.pktable) ?? 'the referenced table'} and validates ${table}: add the column, then the constraint NOT VALID`)
  if (has('CONSTR_UNIQUE') || has('CONSTR_PRIMARY')) add('pg-add-unique-constraint', `the UNIQUE/PRIMARY KEY on new column ${column} builds its index under an ACCESS EXCLUSIVE lock`)
}

function constraintFindings(table: string, c: Record<string, unknown>, add: Add): void {
  const name = c.conname ? ` ${String(c.conname)}` : ''
  const type = String(c.contype)
  if ((type === 'CONSTR_FOREIGN' || type === 'CONSTR_CHECK') && c.skip_validation !== true) {
    add('pg-constraint-not-valid', `constraint${name} on ${table} is validated while ${table} is locked${type === 'CONSTR_FOREIGN' ? ' (and the referenced table too)' : ''}: add it NOT VALID`)
  }
  if ((type === 'CONSTR_UNIQUE' || type === 'CONSTR_PRIMARY') && !c.indexname) {
    add('pg-add-unique-constraint', `constraint${name} on ${table} builds its index under an ACCESS EXCLUSIVE lock`)
  }
}

/** The first function call of a default that may be volatile: a known volatile built-in, or one the check does not know. */
function volatileCall(expr: unknown): { name: string; known: boolean } | undefined {
  if (Array.isArray(expr)) { for (const e of expr) { const v = volatileCall(e); if (v) return v } return undefined }
  if (typeof expr !== 'object' || expr === null) return undefined
  const fn = (expr as { FuncCall?: { funcname?: Node[] } }).FuncCall
  if (fn) {
    const names = (fn.funcname ?? []).map((n) => String(unwrap(n)[1].sval ?? ''))
    const name = names[names.length - 1] ?? ''
    if (VOLATILE.has(name)) return { name, known: true }
    if (!STABLE.has(name) && (names.length === 1 || names[0] !== 'pg_catalog')) return { name: names.join('.'), known: false }
  }
  for (const v of Object.values(expr)) { const found = volatileCall(v); if (found) return found }
  return undefined
}

function typeNameOf(t: unknown): string {
  const names = (t as { names?: Node[] } | undefined)?.names ?? []
  return String(unwrap(names[names.length - 1])[1].sval ?? '')
}
