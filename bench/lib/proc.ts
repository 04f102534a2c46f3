/** Child processes for the benches: timed, bounded, output kept in a log file (never on the console). */
import { spawn } from 'node:child_process'
import { appendFileSync, openSync, closeSync, readFileSync } from 'node:fs'

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
  const fd = openSync(o.log, 'a')
  const started = performance.now()
  return new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', fd, fd] })
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000)
    child.on('error', (e) => { clearTimeout(timer); closeSync(fd); reject(e) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      closeSync(fd)
      const ms = performance.now() - started
      if (code === 0) return resolve(ms)
      const tail = readFileSync(o.log, 'utf8').split('\n').slice(-25).join('\n')
      reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal} after ${(ms / 1000).toFixed(1)} s\n--- ${o.log} (tail) ---\n${tail}`))
    })
  })
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
