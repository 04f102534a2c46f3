/**
 * A stand-in for the GitHub runner's node24 handler: runs the bundled dist/index.js (and later dist/post.js)
 * with plain node in a child process, with INPUT_* (action.yml defaults filled in), GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_STATE files and STATE_* for the post step; then reads the file commands back
 * and parses stdout the way the runner does (workflow commands, stop-commands).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = process.cwd()

/** One workflow command the runner would act on. */
export interface WorkflowCommand {
  name: string
  props: Record<string, string>
  message: string
}

/** What one step did. */
export interface StepRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>
  /** GITHUB_STEP_SUMMARY as written. */
  summary: string
  /** GITHUB_STATE, parsed (the post step gets these as STATE_*). */
  state: Record<string, string>
  /** Commands the runner would process. */
  commands: WorkflowCommand[]
  /** Lines the runner would show as plain log text. */
  text: string[]
  env: Record<string, string>
}

/** Options of {@link runStep}. */
export interface StepOptions {
  inputs: Record<string, string>
  entry?: 'index' | 'post'
  /** Extra environment (GITHUB_API_URL, GITHUB_SHA, …). */
  env?: Record<string, string>
  /** STATE_* values for a post step. */
  state?: Record<string, string>
  /** Value the `${{ github.token }}` default evaluates to. */
  githubToken?: string
  /** Kills the step with SIGKILL once stdout so far satisfies this (a cancelled job). */
  killWhen?: (stdout: string) => boolean
  timeoutMs?: number
  /** Shared RUNNER_TEMP (the post step must see the main step's). */
  runnerTemp?: string
}

/** INPUT_* for the given inputs, with action.yml defaults for the rest, the way the runner builds them. */
export function inputEnv(inputs: Record<string, string>, githubToken = ''): Record<string, string> {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name] ?? String(spec.default ?? '').replace('${{ github.token }}', githubToken)
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const name of Object.keys(inputs)) if (!(name in action.inputs)) throw new Error(`input ${name} is not in action.yml`)
  return env
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIM` blocks and `name=value` lines; the last value wins. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      if (end < 0) throw new Error(`unterminated ${heredoc[1]}`)
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else {
      const eq = line.indexOf('=')
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')

/**
 * Reads stdout like the runner: `::name k=v,…::message` at the start of a (trimmed) line, the legacy `##[name …]`
 * anywhere in a line, and `::stop-commands::TOKEN` … `::TOKEN::` regions in which nothing is a command.
 */
export function parseLog(stdout: string): { commands: WorkflowCommand[]; text: string[] } {
  const commands: WorkflowCommand[] = []
  const text: string[] = []
  let stopToken: string | undefined
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim()
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined
      else text.push(raw)
      continue
    }
    const v2 = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    const legacy = /##\[([A-Za-z-]+)([^\]]*)\](.*)$/.exec(line)
    const m = v2 ?? legacy
    if (!m) {
      text.push(raw)
      continue
    }
    const props: Record<string, string> = {}
    for (const kv of (m[2] ?? '').trim().split(',').filter(Boolean)) {
      const eq = kv.indexOf('=')
      props[kv.slice(0, eq).trim()] = unescape(kv.slice(eq + 1))
    }
    const command = { name: m[1], props, message: unescape(m[3]) }
    commands.push(command)
    if (command.name === 'stop-commands') stopToken = command.message
  }
  return { commands, text }
}

/** Runs one step of the action and collects what the runner would. */
export async function runStep(o: StepOptions): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-step-'))
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state'), GITHUB_ENV: join(dir, 'env'), GITHUB_PATH: join(dir, 'path') }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const runnerTemp = o.runnerTemp ?? join(dir, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: o.inputs['working-directory'] ?? root,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.example',
    ...files,
    ...inputEnv(o.inputs, o.githubToken),
    ...Object.fromEntries(Object.entries(o.state ?? {}).map(([k, v]) => [`STATE_${k}`, v])),
    ...o.env
  }
  const child = spawn(process.execPath, [join(root, 'dist', `${o.entry ?? 'index'}.js`)], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (o.killWhen?.(stdout)) child.kill('SIGKILL')
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 45000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(timer)
  const read = (f: string) => readFileSync(f, 'utf8')
  return {
    code, signal, stdout, stderr, env,
    outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    state: parseFileCommands(read(files.GITHUB_STATE)),
    ...parseLog(stdout)
  }
}

/** Runs the post step after `main`, with its state, inputs and RUNNER_TEMP, like the runner at the end of the job. */
export function runPost(main: StepRun, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<StepRun> {
  return runStep({ inputs, entry: 'post', state: main.state, runnerTemp: main.env.RUNNER_TEMP, env })
}
