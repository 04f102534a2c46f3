/**
 * Runs the bundled Action through GitHub's own local runner, `@github/local-action` (a dev dependency):
 * `local-action run <repo> dist/index.js <.env> --post dist/post.js` imports each entry and calls its exported
 * `run()`, main then post, in one process. Inputs and the GITHUB_* environment go in the .env file, as a user
 * of local-action writes them; outputs, state and summary are read back from the file commands.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputEnv, parseFileCommands } from './runner.js'

const root = process.cwd()

/** What one local-action run did. */
export interface LocalRun {
  code: number | null
  /** Everything printed (local-action's own banners and the action's log). */
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  runnerTemp: string
}

/** A .env line; dotenv turns `\n` in a double-quoted value back into a newline. */
function envLine(name: string, value: string): string {
  if (/["\\]/.test(value)) throw new Error(`${name}: a value with " or \\ cannot be written to a .env file as is`)
  return `${name}="${value.replace(/\n/g, '\\n')}"`
}

/** Runs main and post of the bundle under local-action with these inputs (action.yml defaults for the rest). */
export async function runLocalAction(inputs: Record<string, string>, extra: Record<string, string> = {}): Promise<LocalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-local-action-'))
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary') }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const runnerTemp = join(dir, 'runner-temp')
  mkdirSync(runnerTemp)
  const vars: Record<string, string> = {
    ...inputEnv(inputs),
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: inputs['working-directory'] ?? root,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '4343',
    GITHUB_ACTOR: 'octocat',
    ...extra
  }
  const dotenv = join(dir, '.env')
  writeFileSync(dotenv, Object.entries(vars).map(([k, v]) => envLine(k, v)).join('\n') + '\n')
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('GITHUB_') && !k.startsWith('INPUT_') && k !== 'NODE_OPTIONS'))
  const bin = join(root, 'node_modules/@github/local-action/bin/local-action.js')
  const child = spawn(process.execPath, [bin, root, 'dist/index.js', dotenv, '--post', 'dist/post.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  const read = (f: string) => readFileSync(f, 'utf8')
  return { code, log, outputs: parseFileCommands(read(files.GITHUB_OUTPUT)), state: parseFileCommands(read(files.GITHUB_STATE)), summary: read(files.GITHUB_STEP_SUMMARY), runnerTemp }
}
