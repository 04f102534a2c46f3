/**
 * Layers only point down: errors, reporter and the standalone check at the bottom, then spec → commands →
 * remote → migrations → deploy → report → action/cli → index. A test fails on an import that runs back
 * up, across at the same level, or in a cycle between files.
 */
import { expect, test } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'

const RANK: Record<string, number> = { 'errors.ts': 0, 'reporter.ts': 0, check: 0, spec: 1, commands: 2, remote: 3, migrations: 4, deploy: 5, report: 6, action: 7, cli: 7, 'index.ts': 8 }
const src = join(process.cwd(), 'src')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []))
}

/** Each source file's relative imports, as paths under src/. */
function imports(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const file of files(src)) {
    const specs = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1])
    out.set(relative(src, file), specs.map((s) => relative(src, normalize(join(dirname(file), s))).replace(/\.js$/, '.ts')))
  }
  return out
}

const layer = (path: string) => path.split('/')[0]

test('every import points to a lower layer, or stays inside its own', () => {
  const wrong: string[] = []
  for (const [file, deps] of imports()) {
    for (const dep of deps) {
      const [from, to] = [layer(file), layer(dep)]
      expect(RANK[from]).toBeDefined()
      if (from !== to && RANK[to] >= RANK[from]) wrong.push(`${file} -> ${dep}`)
    }
  }
  expect(wrong).toEqual([])
})

test('no import cycle between files', () => {
  const graph = imports()
  const state = new Map<string, 'open' | 'done'>()
  const cycles: string[] = []
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '))
    state.set(file, 'open')
    for (const dep of graph.get(file) ?? []) visit(dep, [...path, file])
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file, [])
  expect(cycles).toEqual([])
})
