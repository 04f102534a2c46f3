/** Walks a parsed YAML document against the schema, keeping line:col for every problem. */
import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml'
import type { Field } from './schema.js'

/** One thing wrong with a spec, with where it is and how to fix it. */
export interface Problem {
  line: number
  col: number
  path: string
  message: string
  fix: string
}

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain }

/** Converts a YAML node to a plain value of the field's shape, recording problems (no defaults yet). */
export function check(field: Field, node: unknown, path: string, lines: LineCounter, problems: Problem[]): Plain | undefined {
  const at = (message: string, fix: string, where: unknown = node, wherePath = path): undefined => {
    const range = (where as Node | undefined)?.range
    const pos = range ? lines.linePos(range[0]) : { line: 1, col: 1 }
    problems.push({ line: pos.line, col: pos.col, path: wherePath || '(top level)', message, fix })
    return undefined
  }
  if (node == null || (isScalar(node) && node.value === null)) return at(`expected ${describe(field)}, found nothing`, `give a value or remove the key`)
  switch (field.kind) {
    case 'string': {
      if (!isScalar(node) || typeof node.value === 'object') return at(`expected a string, found ${shape(node)}`, `write it as a quoted string`)
      const value = String(node.value)
      if (field.enum && !field.enum.includes(value)) return at(`"${value}" is not one of ${field.enum.join(', ')}`, `use one of: ${field.enum.join(', ')}`)
      if (field.pattern && !field.pattern.test(value)) return at(`"${value}" is not valid: ${field.doc}`, `see the spec reference for ${path}`)
      return value
    }
    case 'integer': {
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) return at(`expected a whole number, found ${shape(node)}`, `write a number such as ${field.default ?? 1}`)
      if (field.min !== undefined && node.value < field.min) return at(`${node.value} is below the minimum ${field.min}`, `use ${field.min} or more`)
      if (field.max !== undefined && node.value > field.max) return at(`${node.value} is above the maximum ${field.max}`, `use ${field.max} or less`)
      return node.value
    }
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') return at(`expected true or false, found ${shape(node)}`, `write true or false`)
      return node.value
    case 'list': {
      if (!isSeq(node)) return at(`expected a list, found ${shape(node)}`, `write it as a YAML list ("- item" lines or [a, b])`)
      const out: Plain[] = []
      node.items.forEach((item, i) => {
        const value = check(field.of, item, `${path}[${i}]`, lines, problems)
        if (value !== undefined) out.push(value)
      })
      return out
    }
    case 'oneOf': {
      const keys = isMap(node) ? node.items.map((p) => String((p.key as { value?: unknown })?.value)) : []
      const match = field.options.find((o) => o.kind === 'object' && o.required?.some((r) => keys.includes(r)))
      if (!match) return at(`expected ${describe(field)}`, `give one of the keys ${field.options.flatMap((o) => (o.kind === 'object' ? o.required ?? [] : [])).join(' or ')}`)
      return check(match, node, path, lines, problems)
    }
    case 'map':
    case 'object': {
      if (!isMap(node)) return at(`expected a mapping (key: value), found ${shape(node)}`, `write "key: value" lines under ${path || 'the top level'}`)
      const out: Record<string, Plain> = {}
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : ''
        const keyPath = path ? `${path}.${key}` : key
        const sub = field.kind === 'map' ? field.of : field.fields[key]
        if (!sub) {
          const near = closest(key, Object.keys(field.kind === 'object' ? field.fields : {}))
          at(`unknown key "${key}"`, near ? `did you mean "${near}"?` : `remove it; known keys: ${Object.keys(field.kind === 'object' ? field.fields : {}).join(', ')}`, pair.key, keyPath)
          continue
        }
        const prev = problems.length
        const value = check(sub, pair.value, keyPath, lines, problems)
        if (value !== undefined) out[key] = value
        else if (problems.length === prev) at(`expected a value`, `give a value`, pair.key, keyPath)
      }
      return out
    }
  }
}

function describe(field: Field): string {
  switch (field.kind) {
    case 'list': return 'a list'
    case 'object': case 'map': return 'a mapping'
    case 'oneOf': return `one of: ${field.doc}`
    case 'integer': return 'a whole number'
    case 'boolean': return 'true or false'
    default: return 'a string'
  }
}

function shape(node: unknown): string {
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) return typeof node.value === 'string' ? `"${node.value}"` : String(node.value)
  return 'something else'
}

/** The known key closest to a typo, if it is close enough to be a likely intent. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]
}
