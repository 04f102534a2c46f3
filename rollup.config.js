// Bundles the Action (dist/index.js, dist/post.js) and the CLI (dist/cli.js).
// ssh2's native add-ons (cpu-features, sshcrypto.node) are optional: they are left
// out so the bundle is byte-identical on every machine and falls back to pure JS.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { existsSync, readFileSync } from 'node:fs'

const native = /(cpu-features|sshcrypto\.node|\.node$)/

/** Whether an ESTree node holds a tagged template (String.raw`…` and the like) anywhere below it. */
function hasTaggedTemplate(node) {
  if (!node || typeof node !== 'object') return false
  if (node.type === 'TaggedTemplateExpression') return true
  return Object.values(node).some((v) => (Array.isArray(v) ? v.some(hasTaggedTemplate) : typeof v === 'object' && hasTaggedTemplate(v)))
}

export default {
  input: Object.fromEntries(Object.entries({ index: 'src/action/main.ts', post: 'src/action/post.ts', cli: 'src/cli/main.ts' }).filter(([, f]) => existsSync(f))),
  output: { dir: 'dist', format: 'es', sourcemap: false, entryFileNames: '[name].js', chunkFileNames: '[name].js',
    banner: [
      "import { createRequire as __slipwayCreateRequire } from 'node:module'",
      "import { fileURLToPath as __slipwayPath } from 'node:url'",
      "const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\\\/][^\\\\/]*$/, '')",
      "const __slipwayRequire = __slipwayCreateRequire(import.meta.url)",
      "// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.",
      "const require = (id) => { if (/cpu-features|\\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }"
    ].join('\n') },
  external: (id) => native.test(id),
  plugins: [
    // A chunk with one non-ASCII character is held by V8 as two-byte text, slower to read and parse (the spec
    // loader is 330 kB): escape such characters, except in chunks with a tagged template, whose raw text an escape
    // would change.
    { name: 'ascii-only', renderChunk(code) {
      if (!/[^\x00-\x7f]/.test(code) || hasTaggedTemplate(this.parse(code))) return null
      return { code: code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), map: null }
    } },
    // libpg-query (the check's SQL parser) loads its WASM from next to the bundle.
    { name: 'copy-pg-wasm', generateBundle() { this.emitFile({ type: 'asset', fileName: 'libpg-query.wasm', source: readFileSync('node_modules/libpg-query/wasm/libpg-query.wasm') }) } },
    typescript({ tsconfig: 'tsconfig.bundle.json', module: 'NodeNext', moduleResolution: 'NodeNext' }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs({ ignoreDynamicRequires: true, ignore: (id) => native.test(id) }),
    json()
  ],
  onwarn(warning, warn) {
    // Cycles inside third-party packages are theirs; a cycle in src/ is reported (and __tests__/unit/layers.test.ts fails on it).
    if (warning.code === 'CIRCULAR_DEPENDENCY' && (warning.ids ?? []).every((id) => id.includes('node_modules'))) return
    if (warning.code === 'THIS_IS_UNDEFINED') return
    warn(warning)
  }
}
