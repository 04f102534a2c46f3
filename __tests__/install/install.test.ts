/**
 * Slipway as a dependency, installed the three ways a user does it: from the `npm pack` tarball (what the registry
 * would serve), from a git URL (npm clones it, installs its dev dependencies and runs `prepare`, which builds lib/),
 * and from a local directory. Each time, in a scratch project: the library imports and runs, its types check
 * with tsc, and the `slipway` binary runs. The package itself comes from this working tree (no network); its
 * dependencies come from the npm registry or the local npm cache.
 */
import { afterAll, describe, expect, test } from '@jest/globals'
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const root = process.cwd()
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> }
const work = mkdtempSync(join(tmpdir(), 'slipway-install-'))
const MINUTES = 60_000

/** The environment of a user's shell: no jest NODE_OPTIONS, no npm_* variables of an `npm test` around us. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'NODE_OPTIONS'))

const options = (cwd: string) => ({ cwd, env: { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, encoding: 'utf8' as const, timeout: 8 * MINUTES })
const failed = (cwd: string, command: string, args: string[], error: unknown) => {
  const e = error as { stdout?: string; stderr?: string; message: string }
  return new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
}

function sh(cwd: string, command: string, ...args: string[]): string {
  try {
    return execFileSync(command, args, { ...options(cwd), stdio: 'pipe' })
  } catch (error) {
    throw failed(cwd, command, args, error)
  }
}

/** `sh` without blocking: the three installs run side by side (they wait mostly on npm's registry and disk). */
async function shAsync(cwd: string, command: string, ...args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(command, args, options(cwd))).stdout
  } catch (error) {
    throw failed(cwd, command, args, error)
  }
}

/** This working tree as a one-commit git repository: the files git tracks or would track, nothing it ignores. */
function snapshot(): string {
  const repo = join(work, 'slipway')
  for (const file of sh(root, 'git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0')) {
    if (!file || !existsSync(join(root, file))) continue
    mkdirSync(dirname(join(repo, file)), { recursive: true })
    cpSync(join(root, file), join(repo, file))
  }
  sh(repo, 'git', 'init', '-q', '-b', 'main')
  sh(repo, 'git', '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'add', '-A')
  sh(repo, 'git', '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'snapshot')
  return repo
}

const USE = `import { checkMigrations, deploy, listReleases, rollback, type CheckResult, type DeployResult, type Spec } from 'slipway'

export type Ops = [typeof deploy, typeof rollback, typeof listReleases]
export async function findings(cwd: string): Promise<string[]> {
  const result: CheckResult = await checkMigrations({ cwd })
  return result.findings.map((f) => \`\${f.ruleId} \${f.file}:\${f.line}\`)
}
export const released = (r: DeployResult): string => r.release
export const app = (s: Spec): string => s.app
// @ts-expect-error a deploy needs a spec: the types say so
void deploy({})
`

/** A scratch project that installs `what` next to @types/node, the way a TypeScript user's project would. */
async function consumer(name: string, what: string): Promise<string> {
  const dir = join(work, name)
  mkdirSync(join(dir, 'app/migrations'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, private: true, type: 'module' }))
  writeFileSync(join(dir, 'use.ts'), USE)
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'] }, files: ['use.ts'] }))
  writeFileSync(join(dir, 'app/migrations/001_drop.sql'), 'DROP TABLE users;\n')
  await shAsync(dir, 'npm', 'install', '--prefer-offline', what, `@types/node@${pkg.devDependencies['@types/node']}`)
  return dir
}

/** What every install must give: the library runs, its types check, the binary runs. */
async function expectWorking(dir: string): Promise<void> {
  const run = `import * as s from 'slipway'
const r = await s.checkMigrations({ cwd: 'app' })
console.log([typeof s.deploy, typeof s.rollback, typeof s.listReleases].join(' '))
console.log(r.findings.map((f) => f.ruleId + ' ' + f.file + ':' + f.line).join(', '))`
  expect(await shAsync(dir, 'node', '--input-type=module', '-e', run)).toBe('function function function\npg-drop-table migrations/001_drop.sql:1, pg-missing-lock-timeout migrations/001_drop.sql:1\n')
  expect(await shAsync(dir, join(root, 'node_modules/.bin/tsc'), '-p', '.')).toBe('')
  expect(await shAsync(dir, 'npm', 'exec', '--no', '--', 'slipway', '--version')).toBe(`${pkg.version}\n`)
  const schema = JSON.parse(await shAsync(dir, 'npm', 'exec', '--no', '--', 'slipway', 'schema')) as { properties: Record<string, unknown> }
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['app', 'path', 'hosts', 'keep_releases']))
}

let repo: string
let tarball: string
let packed: Promise<void> | undefined
// Concurrent tests can start before a beforeAll has run: each awaits the one snapshot and pack.
const ready = () => (packed ??= (async () => {
  repo = snapshot()
  // `npm pack` runs `prepare` (the lib/ build) with this repository's dev dependencies.
  symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'))
  tarball = join(work, (await shAsync(repo, 'npm', 'pack', '--silent', '--pack-destination', work)).trim().split('\n').at(-1) as string)
})())
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('installed as a dependency', () => {
  test('the npm pack tarball holds the library, its types, the CLI bundle and the schema, and no sources or tests', async () => {
    await ready()
    const files = sh(work, 'tar', '-tzf', tarball).split('\n').filter(Boolean)
    expect(files).toEqual(expect.arrayContaining(['package/lib/index.js', 'package/lib/index.d.ts', 'package/bin/slipway.js', 'package/dist/cli.js', 'package/dist/libpg-query.wasm', 'package/slipway.schema.json', 'package/package.json']))
    expect(files.filter((f) => /^package\/(src|__tests__|examples|scripts)\//.test(f))).toEqual([])
    // The pack (its prepare builds lib/ with tsc) shares the machine with the installs and other suites: over a minute under load.
  }, 15 * MINUTES)

  // The three installs run concurrently, each in its own scratch project.
  test.concurrent('from the tarball', async () => {
    await ready()
    await expectWorking(await consumer('from-tarball', tarball))
  }, 15 * MINUTES)

  test.concurrent('from a git URL: npm runs prepare, which builds lib/ (lib/ is not committed)', async () => {
    await ready()
    expect(sh(repo, 'git', 'ls-files', 'lib')).toBe('')
    const dir = await consumer('from-git', `git+file://${repo}#main`)
    expect(existsSync(join(dir, 'node_modules/slipway/lib/index.d.ts'))).toBe(true)
    await expectWorking(dir)
  }, 15 * MINUTES)

  test.concurrent('from a local directory (a checkout whose prepare has run)', async () => {
    await ready()
    await expectWorking(await consumer('from-dir', repo))
  }, 15 * MINUTES)
})
