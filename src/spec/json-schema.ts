/** Generates the JSON Schema (draft-07) of the deploy spec from the one schema in schema.ts. */
import { specSchema, type Field } from './schema.js'

type Json = { [key: string]: unknown }

/** The JSON Schema for one field. */
export function fieldSchema(field: Field): Json {
  const doc = field.doc ? { description: field.doc } : {}
  switch (field.kind) {
    case 'string':
      return { type: 'string', ...doc, ...(field.enum ? { enum: field.enum } : {}), ...(field.pattern ? { pattern: field.pattern.source } : {}), ...(field.default !== undefined ? { default: field.default } : {}) }
    case 'integer':
      return { type: 'integer', ...doc, ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}), ...(field.default !== undefined ? { default: field.default } : {}) }
    case 'boolean':
      return { type: 'boolean', ...doc, ...(field.default !== undefined ? { default: field.default } : {}) }
    case 'list':
      return { type: 'array', ...doc, items: fieldSchema(field.of), ...(field.default !== undefined ? { default: field.default } : {}) }
    case 'map':
      return { type: 'object', ...doc, additionalProperties: fieldSchema(field.of) }
    case 'oneOf':
      return { ...doc, oneOf: field.options.map(fieldSchema) }
    case 'object':
      return {
        type: 'object',
        ...doc,
        properties: Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, fieldSchema(f)])),
        ...(field.required?.length ? { required: field.required } : {}),
        additionalProperties: false
      }
  }
}

/** The whole spec's JSON Schema, for editors (`# yaml-language-server: $schema=...`). */
export function specJsonSchema(): Json {
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Slipway deploy spec', ...fieldSchema(specSchema) }
}
