/**
 * Child processes for the benches: timed, bounded, output kept in a log file (never on the console),
 * each line stamped with the seconds since the start, so a kept log (BENCH_KEEP=1) shows where time went.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'

/** How to run one command. */
export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** stdout and stderr are appended here. */
  log: string
  /** Killed (and an error thrown) after this long. */
  timeoutMs?: number
}

/** Runs a command to its end; resolves with the wall-clock milliseconds, rejects on a non-zero exit or a timeout. */
export function run(cmd: string, args: string[], o: RunOptions): Promise<number> {
  appendFileSync(o.log, `\n$ ${cmd} ${args.join(' ')}\n`)
  const started = performance.now()
  const stamp = () => `[+${((performance.now() - started) / 1000).toFixed(3)}]`
  return new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const write = (chunk: Buffer) => appendFileSync(o.log, chunk.toString('utf8').split('\n').filter(Boolean).map((l) => `${stamp()} ${l}\n`).join(''))
    child.stdout.on('data', write)
    child.stderr.on('data', write)
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000)
    child.on('error', (e) => { clearTimeout(timer); reject(e) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const ms = performance.now() - started
      appendFileSync(o.log, `${stamp()} exit ${code ?? signal}\n`)
      if (code === 0) return resolve(ms)
      const tail = readFileSync(o.log, 'utf8').split('\n').slice(-25).join('\n')
      reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal} after ${(ms / 1000).toFixed(1)} s\n--- ${o.log} (tail) ---\n${tail}`))
    })
  })
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
