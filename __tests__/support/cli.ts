/** Test support: the CLI bundle as users run it, interrupted the way CI or a crash interrupts it. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { run } from '../../src/cli/run.js'

/** bin/slipway.js → dist/cli.js */
export const SLIPWAY = join(process.cwd(), 'bin/slipway.js')

/**
 * Runs `slipway deploy` in `cwd`; once its stdout shows `when`, waits `afterMs`, then sends `signals` 300 ms apart.
 * Resolves with the exit code and the output. A run still alive after 60 s is SIGKILLed.
 */
export function deployInterrupted(cwd: string, when: string, signals: NodeJS.Signals[], options: { afterMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [SLIPWAY, 'deploy'], { cwd, env: options.env ?? process.env })
    let out = ''
    let err = ''
    let sent = false
    const guard = setTimeout(() => child.kill('SIGKILL'), 60000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (sent || !out.includes(when)) return
      sent = true
      signals.forEach((s, i) => setTimeout(() => child.kill(s), (options.afterMs ?? 0) + 300 * i))
    })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, out, err }) })
  })
}

/** `slipway <argv>` run in this process (the CLI's own code, no bundle) in `cwd`: exit code and output. */
export async function slipwayIn(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await run(argv, { out: (s) => { out += `${s}\n` }, err: (s) => { err += `${s}\n` }, cwd })
  return { code, out, err }
}

/** `slipway <args>` as users run it (the bundle) in `cwd`, bounded at 60 s. */
export function slipwayBin(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [SLIPWAY, ...args], { cwd, env })
    let out = ''
    let err = ''
    const guard = setTimeout(() => child.kill('SIGKILL'), 60000)
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, out, err }) })
  })
}
