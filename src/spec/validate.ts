/** Walks a parsed YAML document against the schema, keeping line:col for every problem. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import { q, ruleFor, showControl } from './rules.js'
import type { Field } from './schema.js'

/** One thing wrong with a spec, with where it is and how to fix it. */
export interface Problem {
  line: number
  col: number
  path: string
  message: string
  fix: string
}

/** The most nodes (keys, list items, values, aliases expanded) a spec may have. */
export const MAX_NODES = 20000

/** State of one walk: where problems go, the position of every key path, and the node budget. */
export interface Walk {
  lines: LineCounter
  problems: Problem[]
  /** line:col of every key path visited (the value's start). */
  positions: Map<string, [number, number]>
  /** The document, to resolve aliases. */
  doc?: Document
  nodes: number
}

/** A fresh walk over a document. */
export function walk(lines: LineCounter, doc?: Document): Walk {
  return { lines, problems: [], positions: new Map(), doc, nodes: 0 }
}

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain }

type At = (message: string, fix: string, where?: unknown, wherePath?: string) => undefined

/** Converts a YAML node to a plain value of the field's shape, recording problems (no defaults yet). */
export function check(field: Field, raw: unknown, path: string, w: Walk): Plain | undefined {
  const at: At = (message, fix, where = raw, wherePath = path) => {
    const range = (where as Node | undefined)?.range
    const pos = range ? w.lines.linePos(range[0]) : { line: 1, col: 1 }
    w.problems.push({ line: pos.line, col: pos.col, path: wherePath || '(top level)', message, fix })
    return undefined
  }
  if (++w.nodes > MAX_NODES) {
    if (w.nodes === MAX_NODES + 1) at(`the spec has more than ${MAX_NODES} keys and values (aliases counted expanded)`, 'a deploy spec is small: remove generated or repeated content')
    return undefined
  }
  let node = raw
  if (isAlias(raw)) {
    node = w.doc ? raw.resolve(w.doc) : undefined
    if (!node) return at(`alias *${raw.source} refers to no anchor`, `define &${raw.source} on an earlier value, or write the value here`)
  }
  const range = (raw as Node | undefined)?.range
  if (range && path && !w.positions.has(path)) {
    const pos = w.lines.linePos(range[0])
    w.positions.set(path, [pos.line, pos.col])
  }
  if (node == null || (isScalar(node) && node.value === null)) return at(`expected ${describe(field)}, found nothing`, `give a value or remove the key`)
  switch (field.kind) {
    case 'string': case 'integer': case 'boolean': return scalar(field, node, path, at)
    case 'list': {
      if (!isSeq(node)) return at(`expected a list, found ${shape(node)}`, `write it as a YAML list ("- item" lines or [a, b])`)
      const out: Plain[] = []
      node.items.forEach((item, i) => {
        const value = check(field.of, item, `${path}[${i}]`, w)
        if (value !== undefined) out.push(value)
      })
      return out
    }
    case 'oneOf': {
      const text = field.options.find((o) => o.kind === 'string')
      if (text && !isMap(node)) return check(text, node, path, w)
      const keys = isMap(node) ? node.items.map((p) => String((p.key as { value?: unknown })?.value)) : []
      const match = isSeq(node) ? field.options.find((o) => o.kind === 'list') : field.options.find((o) => o.kind === 'object' && o.required?.some((r) => keys.includes(r)))
      const list = field.options.some((o) => o.kind === 'list') ? 'a list, or ' : ''
      if (!match) return at(`expected ${describe(field)}`, `give ${list}one of the keys ${field.options.flatMap((o) => (o.kind === 'object' ? o.required ?? [] : [])).join(' or ')}`)
      return check(match, node, path, w)
    }
    case 'map': case 'object': return mapping(field, node, path, w, at)
  }
}

function scalar(field: Extract<Field, { kind: 'string' | 'integer' | 'boolean' }>, node: unknown, path: string, at: At): Plain | undefined {
  if (field.kind === 'boolean') {
    if (!isScalar(node) || typeof node.value !== 'boolean') return at(`expected true or false, found ${shape(node)}`, `write true or false`)
    return node.value
  }
  if (field.kind === 'integer') {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) return at(`expected a whole number, found ${shape(node)}`, `write a number such as ${field.default ?? 1}`)
    if (field.min !== undefined && node.value < field.min) return at(`${node.value} is below the minimum ${field.min}`, `use ${field.min} or more`)
    if (field.max !== undefined && node.value > field.max) return at(`${node.value} is above the maximum ${field.max}`, `use ${field.max} or less`)
    return node.value
  }
  if (!isScalar(node) || typeof node.value === 'object') return at(`expected a string, found ${shape(node)}`, `write it as a quoted string`)
  const value = String(node.value)
  if (value.includes('\u0000')) return at(`contains a NUL character (${showControl('\u0000')})`, 'remove it')
  const verdict = ruleFor(path)?.(value)
  if (verdict) return at(verdict.message, verdict.fix)
  if (field.enum && !field.enum.includes(value)) return at(`${q(value)} is not one of ${field.enum.join(', ')}`, `use one of: ${field.enum.join(', ')}`)
  if (field.pattern && !field.pattern.test(value)) return at(`${q(value)} is not valid (${field.doc.replace(/\.$/, '')})`, `write a value that matches ${field.pattern.source}`)
  return value
}

/** A mapping's keys: each once (the duplicate named), each known, each value checked; stops at the node cap. */
function mapping(field: Extract<Field, { kind: 'map' | 'object' }>, node: unknown, path: string, w: Walk, at: At): Plain | undefined {
  if (!isMap(node)) return at(`expected a mapping (key: value), found ${shape(node)}`, `write "key: value" lines under ${path || 'the top level'}`)
  const out: Record<string, Plain> = {}
  const seen = new Set<string>()
  const known = field.kind === 'object' ? Object.keys(field.fields) : []
  for (const pair of node.items) {
    if (w.nodes > MAX_NODES) break
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    const keyPath = path ? `${path}.${key}` : key
    if (seen.has(key)) {
      at(`duplicate key ${q(key)}`, `keep one ${q(key)} in this mapping`, pair.key, keyPath)
      continue
    }
    seen.add(key)
    const sub = field.kind === 'map' ? field.of : field.fields[key]
    if (!sub) {
      const near = closest(key, known)
      at(`unknown key ${q(key)}`, near ? `did you mean "${near}"?` : `remove it; known keys: ${known.join(', ')}`, pair.key, keyPath)
      continue
    }
    const prev = w.problems.length
    const value = check(sub, pair.value, keyPath, w)
    if (value !== undefined) out[key] = value
    else if (w.problems.length === prev) at(`expected a value`, `give a value`, pair.key, keyPath)
  }
  return out
}

function describe(field: Field): string {
  switch (field.kind) {
    case 'list': return 'a list'
    case 'object': case 'map': return 'a mapping'
    case 'oneOf': return `one of: ${field.doc.replace(/\.$/, '')}`
    case 'integer': return 'a whole number'
    case 'boolean': return 'true or false'
    default: return 'a string'
  }
}

function shape(node: unknown): string {
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) return typeof node.value === 'string' ? q(node.value) : String(node.value)
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
  if (a.length > 64 || b.length > 64) return Infinity
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]
}
