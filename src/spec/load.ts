/** Reads a deploy spec file: YAML → validated, defaults filled, environment applied. */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { InputError } from '../errors.js'
import { applyPreset } from './presets.js'
import { specSchema, type Field } from './schema.js'
import type { Spec } from './types.js'
import { check, type Problem } from './validate.js'

/** An invalid spec: every problem with file:line:col, key path, what was expected and a fix. */
export class SpecError extends InputError {
  constructor(readonly file: string, readonly problems: Problem[]) {
    super(problems.map((p) => `${file}:${p.line}:${p.col}: ${p.path}: ${p.message}. Fix: ${p.fix}`).join('\n'))
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
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError(`${file}: cannot read the deploy spec (${(error as NodeJS.ErrnoException).code ?? error}). Fix: create it, or pass --spec <file>`)
  }
  return parseSpec(text, file, options)
}

/** Validates spec text; `file` names it in messages and anchors relative paths. */
export function parseSpec(text: string, file: string, options: LoadOptions = {}): Spec {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0])
    return { line: pos.line, col: pos.col, path: '(yaml)', message: e.message.split('\n')[0], fix: 'correct the YAML syntax at this position' }
  })
  if (problems.length) throw new SpecError(file, problems)
  const plain = (check(specSchema, doc.contents, '', lines, problems) ?? {}) as Record<string, unknown>
  if (problems.length) throw new SpecError(file, problems)

  const envs = (plain.environments ?? {}) as Record<string, Record<string, unknown>>
  delete plain.environments
  let merged = plain
  if (options.env !== undefined) {
    const override = envs[options.env]
    if (!override) {
      const names = Object.keys(envs)
      throw new SpecError(file, [{ line: 1, col: 1, path: 'environments', message: `no environment named "${options.env}"`, fix: names.length ? `use one of: ${names.join(', ')}` : 'add it under environments:' }])
    }
    merged = mergeDeep(plain, override)
  }
  const filled = fill(specSchema, applyPreset(merged), '', problems) as Record<string, unknown>
  if (problems.length) throw new SpecError(file, problems)
  return finish(filled, file, problems)
}

function fill(field: Field, value: unknown, path: string, problems: Problem[]): unknown {
  if (field.kind === 'object') {
    if (value === undefined && (field.optional || field.required?.length) && path) return undefined
    const input = (value ?? {}) as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const key of field.required ?? []) {
      if (input[key] === undefined) problems.push({ line: 1, col: 1, path: path ? `${path}.${key}` : key, message: `missing required key "${key}"`, fix: `add "${key}:" (${field.fields[key].doc})` })
    }
    for (const [key, sub] of Object.entries(field.fields)) {
      if (key === 'environments') continue
      const v = fill(sub, input[key], path ? `${path}.${key}` : key, problems)
      if (v !== undefined) out[key] = v
    }
    return out
  }
  if (field.kind === 'list') return value === undefined ? field.default ? [...field.default] : undefined : (value as unknown[]).map((v, i) => fill(field.of, v, `${path}[${i}]`, problems))
  if (field.kind === 'oneOf') {
    const keys = Object.keys(value as object)
    const match = field.options.find((o) => o.kind === 'object' && o.required?.some((r) => keys.includes(r)))
    return match ? fill(match, value, path, problems) : value
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

function finish(raw: Record<string, unknown>, file: string, problems: Problem[]): Spec {
  const spec = raw as unknown as Spec
  spec.file = file
  spec.baseDir = dirname(resolve(file))
  spec.source.dir = resolve(spec.baseDir, spec.source.dir)
  for (const h of spec.hosts) h.name ??= `${h.user}@${h.host}:${h.port}`
  for (const c of spec.smoke) c.name ??= 'http' in c ? c.http : c.run
  if (spec.hosts.length === 0) problems.push({ line: 1, col: 1, path: 'hosts', message: 'no hosts to deploy to', fix: 'add at least one entry under hosts:' })
  const pinned = spec.hosts.every((h) => h.host_key)
  if (!spec.known_hosts && !pinned && !spec.insecure_skip_host_key_check) {
    problems.push({ line: 1, col: 1, path: 'known_hosts', message: 'host keys cannot be verified: no known_hosts and not every host has host_key', fix: 'add known_hosts: <file or text> (ssh-keyscan -p PORT HOST prints it), or host_key: "SHA256:..." per host' })
  }
  if (spec.migrate && !spec.migrate.preset && !spec.migrate.commands) problems.push({ line: 1, col: 1, path: 'migrate', message: 'no migration driver', fix: 'set migrate.preset: laravel, or migrate.commands.run (and status/step_back)' })
  if (spec.migrate?.on && !spec.hosts.some((h) => h.name === spec.migrate!.on || h.host === spec.migrate!.on)) problems.push({ line: 1, col: 1, path: 'migrate.on', message: `no host named "${spec.migrate.on}"`, fix: `use one of: ${spec.hosts.map((h) => h.name).join(', ')}` })
  const names = new Set<string>()
  for (const h of spec.hosts) {
    if (names.has(h.name)) problems.push({ line: 1, col: 1, path: 'hosts', message: `host ${h.name} is listed twice`, fix: 'list each host once' })
    names.add(h.name)
  }
  if (problems.length) throw new SpecError(file, problems)
  return spec
}
