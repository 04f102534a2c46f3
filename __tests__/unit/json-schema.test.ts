import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { specJsonSchema } from '../../src/spec/json-schema.js'

describe('JSON Schema', () => {
  test('the committed slipway.schema.json is generated from the spec schema (npm run schema)', () => {
    expect(JSON.parse(readFileSync('slipway.schema.json', 'utf8'))).toEqual(specJsonSchema())
  })
  test('documents keys, defaults and closed objects', () => {
    const s = specJsonSchema() as { properties: Record<string, { default?: unknown; description?: string }>; required: string[]; additionalProperties: boolean }
    expect(s.required).toEqual(['app', 'path', 'hosts'])
    expect(s.additionalProperties).toBe(false)
    expect(s.properties.keep_releases.default).toBe(5)
    expect(s.properties.insecure_skip_host_key_check.description).toMatch(/Unsafe/)
  })
})
