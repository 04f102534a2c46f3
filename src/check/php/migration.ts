import { spanOf, type Span } from './chain.js'
import { methodOps } from './method-ops.js'
import type { MethodOps } from './ops.js'
import { nameOf, node, nodes, type PhpNode } from './parse.js'
import { classInfo } from './scope.js'

/** A Laravel migration class, read statically. */
export interface Migration {
  /** The class declaration (anonymous or named). */
  span: Span
  up?: { span: Span; ops: MethodOps }
  down?: { span: Span; ops: MethodOps }
  /** The value of `public $withinTransaction = …` (Laravel's default is true). */
  withinTransaction: boolean
}

/** Finds the migration class in a parsed file (`return new class extends Migration` or a named class). */
export function readMigration(ast: PhpNode): Migration | undefined {
  const classes = topLevelClasses(nodes(ast, 'children'))
  const cls = classes.find((c) => /Migration$/.test(nameOf(node(c, 'extends')) ?? '')) ??
    classes.find((c) => methodOf(c, 'up'))
  if (!cls) return undefined
  const migration: Migration = { span: spanOf(cls), withinTransaction: withinTransaction(cls) }
  const up = methodOf(cls, 'up')
  const down = methodOf(cls, 'down')
  const info = classInfo(cls)
  if (up) migration.up = { span: spanOf(up), ops: methodOps(up, info) }
  if (down) migration.down = { span: spanOf(down), ops: methodOps(down, info) }
  return migration
}

/** Classes declared at the top level, in a namespace, or returned (`return new class …`). */
function topLevelClasses(statements: PhpNode[]): PhpNode[] {
  const out: PhpNode[] = []
  for (const s of statements) {
    if (s.kind === 'class') out.push(s)
    else if (s.kind === 'namespace') out.push(...topLevelClasses(nodes(s, 'children')))
    else if (s.kind === 'return' || s.kind === 'expressionstatement') {
      const what = node(node(s, s.kind === 'return' ? 'expr' : 'expression'), 'what')
      if (what?.kind === 'class') out.push(what)
    }
  }
  return out
}

function methodOf(cls: PhpNode, name: string): PhpNode | undefined {
  return nodes(cls, 'body').find((m) => m.kind === 'method' && nameOf(node(m, 'name'))?.toLowerCase() === name)
}

function withinTransaction(cls: PhpNode): boolean {
  for (const statement of nodes(cls, 'body')) {
    if (statement.kind !== 'propertystatement') continue
    for (const p of nodes(statement, 'properties')) {
      if (nameOf(node(p, 'name')) !== 'withinTransaction') continue
      const value = node(p, 'value')
      return !(value?.kind === 'boolean' && value.value === false)
    }
  }
  return true
}
