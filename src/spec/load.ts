/** Reads a deploy spec file: YAML → validated, defaults filled, environment applied. */
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { InputError } from '../errors.js'
import { crossProblems, locator, type Where } from './cross.js'
import { applyPreset } from './presets.js'
import { specSchema, type Field } from './schema.js'
import type { FromSchema } from './types.js'
import type { Spec } from './types.js'
import { check, walk, type Problem } from './validate.js'

/** The largest spec file read, in bytes. */
export const MAX_SPEC_BYTES = 1024 * 1024
/** How many problems an error message lists (the rest are counted). */
export const MAX_PRINTED = 20

const oneLine = (s: string) => JSON.stringify(s).slice(1, -1).slice(0, 120)

/** An invalid spec: every problem with file:line:col, key path, what was expected and a fix. */
export class SpecError extends InputError {
  constructor(readonly file: string, readonly problems: Problem[]) {
    const shown = problems.slice(0, MAX_PRINTED).map((p) => `${file}:${p.line}:${p.col}: ${oneLine(p.path)}: ${p.message}. Fix: ${p.fix}`)
    if (problems.length > MAX_PRINTED) shown.push(`${file}: ... and ${problems.length - MAX_PRINTED} more problems (the first ${MAX_PRINTED} are listed)`)
    super(shown.join('\n'))
    this.name = 'SpecError'
  }
}

/** Options for {@link loadSpec}. */
export interface LoadOptions {
  /** Name of an entry under `environments:` to apply. */
  env?: string
}

/** Reads and validates a spec file. Throws {@link SpecError} (exit 2) when it is invalid. */
export function loadSpec(file: string, options: LoadOptions = {}): Spec {
  let text: string
  try {
    if (statSync(file).size > MAX_SPEC_BYTES) throw tooBig(file)
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof SpecError) throw error
    throw new InputError(`${file}: cannot read the deploy spec (${(error as NodeJS.ErrnoException).code ?? error}). Fix: create it, or pass --spec <file>`)
  }
  return parseSpec(text, file, options)
}

function tooBig(file: string): SpecError {
  return new SpecError(file, [{ line: 1, col: 1, path: '(file)', message: `the spec is larger than ${MAX_SPEC_BYTES} bytes`, fix: 'a deploy spec is small: check that --spec names the right file' }])
}

/** Validates spec text; `file` names it in messages and anchors relative paths. */
export function parseSpec(text: string, file: string, options: LoadOptions = {}): Spec {
  if (text.length > MAX_SPEC_BYTES) throw tooBig(file)
  const lines = new LineCounter()
  const nul = text.indexOf('\u0000')
  if (nul >= 0) {
    const at = { line: text.slice(0, nul).split('\n').length, col: nul - text.lastIndexOf('\n', nul - 1) }
    throw new SpecError(file, [{ ...at, path: '(file)', message: 'contains a NUL byte: this is not a YAML text file', fix: 'check that --spec names the deploy spec, and remove the byte' }])
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false })
  const syntax: Problem[] = doc.errors.map((e) => {
    const quote = /^Missing closing (["'])quote/.exec(e.message)?.[1]
    // An unclosed quote runs to the end of the file, where the parser notices; point at the quote that opened it.
    const open = quote ? openingQuote(text, quote) : -1
    const pos = lines.linePos(open >= 0 ? open : e.pos[0])
    const message = open >= 0 ? `this ${quote} quote is never closed` : e.message.split('\n')[0]
    return { line: pos.line, col: pos.col, path: '(yaml)', message, fix: open >= 0 ? `close the string with ${quote}` : 'correct the YAML syntax at this position' }
  })
  if (syntax.length) throw new SpecError(file, syntax)
  const w = walk(lines, doc)
  const plain = (check(specSchema, doc.contents, '', w) ?? {}) as Record<string, unknown>
  if (w.problems.length) throw new SpecError(file, w.problems)
  const where = locator(w.positions, options.env)

  const envs = (plain.environments ?? {}) as Record<string, Record<string, unknown>>
  delete plain.environments
  let merged = plain
  if (options.env !== undefined) {
    const override = envs[options.env]
    if (!override) {
      const names = Object.keys(envs)
      throw new SpecError(file, [{ ...where('environments'), path: 'environments', message: `no environment named "${oneLine(options.env)}"`, fix: names.length ? `use one of: ${names.join(', ')}` : 'add it under environments:' }])
    }
    merged = mergeDeep(plain, override)
  }
  const problems: Problem[] = []
  // The validator walked the value against the schema and found no problem: it has the schema's derived type.
  const filled = fill(specSchema, applyPreset(merged), '', problems, where) as FromSchema
  if (problems.length) throw new SpecError(file, problems)
  return finish(filled, file, where)
}

/** Offset of the quote that opens a string running to the end of the text: the last one not escaped. */
function openingQuote(text: string, quote: string): number {
  for (let i = text.lastIndexOf(quote); i >= 0; i = text.lastIndexOf(quote, i - 1)) {
    if (quote === "'" || text[i - 1] !== '\\') return i
  }
  return -1
}

function fill(field: Field, value: unknown, path: string, problems: Problem[], where: Where): unknown {
  if (field.kind === 'object') {
    if (value === undefined && (field.optional || field.required?.length) && path) return undefined
    const input = (value ?? {}) as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const key of field.required ?? []) {
      if (input[key] === undefined) problems.push({ ...where(path), path: path ? `${path}.${key}` : key, message: `missing required key "${key}"`, fix: `add "${key}:" (${field.fields[key].doc})` })
    }
    for (const [key, sub] of Object.entries(field.fields)) {
      if (key === 'environments') continue
      const v = fill(sub, input[key], path ? `${path}.${key}` : key, problems, where)
      if (v !== undefined) out[key] = v
    }
    return out
  }
  if (field.kind === 'list') return value === undefined ? field.default ? [...field.default] : undefined : (value as unknown[]).map((v, i) => fill(field.of, v, `${path}[${i}]`, problems, where))
  if (field.kind === 'oneOf') {
    if (value === undefined) return undefined
    const keys = Object.keys(value as object)
    const match = Array.isArray(value) ? field.options.find((o) => o.kind === 'list') : field.options.find((o) => o.kind === 'object' && o.required?.some((r) => keys.includes(r)))
    return match ? fill(match, value, path, problems, where) : value
  }
  if (value !== undefined) return value
  return 'default' in field ? field.default : undefined
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
    out[key] = isObj(prev) && isObj(value) ? mergeDeep(prev as Record<string, unknown>, value as Record<string, unknown>) : value
  }
  return out
}

/** The checks of `smoke:`, written as a list or as `{ checks, bake }`. */
function smokeChecks(smoke: FromSchema['smoke']): SmokeSchema[] {
  return smoke === undefined ? [] : Array.isArray(smoke) ? smoke : smoke.checks
}

type SmokeSchema = Extract<NonNullable<FromSchema['smoke']>, unknown[]>[number]

/** The validated spec with what loading adds: names, the source dir resolved, where it came from. */
function finish(raw: FromSchema, file: string, where: Where): Spec {
  const baseDir = dirname(resolve(file))
  const spec: Spec = {
    ...raw,
    source: { ...raw.source, dir: resolve(baseDir, raw.source.dir) },
    hosts: raw.hosts.map((h) => ({ ...h, name: h.name ?? `${h.user}@${h.host}:${h.port}` })),
    smoke: smokeChecks(raw.smoke).map((c) => ('http' in c ? { ...c, name: c.name ?? c.http } : { ...c, name: c.name ?? c.run })),
    bake: raw.smoke && 'bake' in raw.smoke ? raw.smoke.bake : 0,
    file,
    baseDir,
    where
  }
  const problems = crossProblems(spec, where)
  if (problems.length) throw new SpecError(file, problems)
  return spec
}
