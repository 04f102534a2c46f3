// Bundles the Action (dist/index.js, dist/post.js) and the CLI (dist/cli.js).
// ssh2's native add-ons (cpu-features, sshcrypto.node) are optional: they are left
// out so the bundle is byte-identical on every machine and falls back to pure JS.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

const native = /(cpu-features|sshcrypto\.node|\.node$)/

export default {
  input: { index: 'src/action/main.ts', post: 'src/action/post.ts', cli: 'src/cli/main.ts' },
  output: { dir: 'dist', format: 'es', sourcemap: false, entryFileNames: '[name].js', chunkFileNames: '[name].js',
    banner: "import { createRequire as __slipwayRequire } from 'module'; const require = __slipwayRequire(import.meta.url);" },
  external: (id) => native.test(id),
  plugins: [
    typescript({ tsconfig: 'tsconfig.build.json', include: ['src/**/*.ts'], exclude: [], outDir: 'dist', declaration: false, sourceMap: false, noEmit: false }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs({ ignoreDynamicRequires: true, ignore: (id) => native.test(id) }),
    json()
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return
    warn(warning)
  }
}
