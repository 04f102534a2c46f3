import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The migration corpus: __tests__/fixtures/check. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'check')

/** The Laravel 8 fixture app (owned by the e2e tests; only ever copied). */
export const LARAVEL_APP = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'laravel-app')

/** `rule@line` for every `@expect rule [rule…]` marker of a fixture file, sorted. */
export function expectedMarkers(file: string): string[] {
  const out: string[] = []
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const m = /@expect ([\w -]+)$/.exec(line)
    if (m) for (const id of (m[1] as string).trim().split(/\s+/)) out.push(`${id}@${i + 1}`)
  })
  return out.sort()
}

/** The fixture files of a corpus directory (relative to FIXTURES). */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir)).filter((f) => /\.(php|sql)$/.test(f)).sort().map((f) => `${dir}/${f}`)
}
