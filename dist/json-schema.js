import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { s as specSchema } from './schema.js';

/** Generates the JSON Schema (draft-07) of the deploy spec from the one schema in schema.ts. */
/** The JSON Schema for one field. */
function fieldSchema(field) {
    const doc = field.doc ? { description: field.doc } : {};
    switch (field.kind) {
        case 'string':
            return { type: 'string', ...doc, ...(field.enum ? { enum: field.enum } : {}), ...(field.pattern ? { pattern: field.pattern.source } : {}), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'integer':
            return { type: 'integer', ...doc, ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'boolean':
            return { type: 'boolean', ...doc, ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'list':
            return { type: 'array', ...doc, items: fieldSchema(field.of), ...(field.default !== undefined ? { default: field.default } : {}) };
        case 'map':
            return { type: 'object', ...doc, additionalProperties: fieldSchema(field.of) };
        case 'oneOf':
            return { ...doc, oneOf: field.options.map(fieldSchema) };
        case 'object':
            return {
                type: 'object',
                ...doc,
                properties: Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, fieldSchema(f)])),
                ...(field.required?.length ? { required: field.required } : {}),
                additionalProperties: false
            };
    }
}
/** The whole spec's JSON Schema, for editors (`# yaml-language-server: $schema=...`). */
function specJsonSchema() {
    return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Slipway deploy spec', ...fieldSchema(specSchema) };
}

export { fieldSchema, specJsonSchema };
