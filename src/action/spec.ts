/** Loads the deploy spec for the Action: the `known-hosts` input counts as the spec's `known_hosts` during validation. */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { InputError } from '../errors.js'
import { loadSpec, parseSpec } from '../spec/load.js'
import type { Spec } from '../spec/types.js'
import { withCredentials } from './credentials.js'

/**
 * Reads the spec with the input credentials applied. When the spec has no top-level `known_hosts`, the input's
 * lines are appended as one (at the end, so every line:col in a validation error still points into the file).
 */
export function loadActionSpec(file: string, environment: string | undefined, keyFile: string | undefined, knownHosts: string | undefined): Spec {
  if (!knownHosts) return withCredentials(loadSpec(file, { env: environment }), keyFile, undefined)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError(`${file}: cannot read the deploy spec (${(error as NodeJS.ErrnoException).code ?? error}). Fix: check out the repository first, or set the spec input`)
  }
  const doc = parseDocument(text)
  const hasKey = doc.errors.length === 0 && typeof doc.has === 'function' && doc.has('known_hosts')
  const withHosts = hasKey ? text : `${text.replace(/\n*$/, '\n')}known_hosts: ${JSON.stringify(knownHosts)}\n`
  return withCredentials(parseSpec(withHosts, file, { env: environment }), keyFile, knownHosts)
}
