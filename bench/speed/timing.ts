/** Timed child processes for bench/speed: wall time, and the time of the first line that matches (stamped on arrival). */
import { spawn } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'

/** Runs a command to its end; resolves with its wall-clock ms (a non-zero exit is returned, not thrown, when `anyExit`). */
export function timed(cmd: string, args: string[], log: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string; anyExit?: boolean; onLine?: (line: string, at: number) => void } = {}): Promise<number> {
  appendFileSync(log, `\n$ ${cmd} ${args.join(' ')}\n`)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const take = (chunk: Buffer) => {
      const at = performance.now()
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        appendFileSync(log, `[+${((at - started) / 1000).toFixed(3)}] ${line}\n`)
        opts.onLine?.(line, at)
      }
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      const ms = performance.now() - started
      if (code === 0 || opts.anyExit) resolve(ms)
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}; see ${log}`))
    })
  })
}

/** A TCP listener that records when each connection arrives (and drops it). */
export async function connectClock(): Promise<{ port: number; next(): Promise<number>; close(): void }> {
  const server: Server = createServer()
  const waiting: Array<(at: number) => void> = []
  server.on('connection', (s) => {
    const at = performance.now()
    s.destroy()
    waiting.shift()?.(at)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as { port: number }).port,
    next: () => new Promise<number>((r) => waiting.push(r)),
    close: () => server.close()
  }
}

/** Spawns a command and resolves with the ms from spawn to the clock's next connection; the child is killed then. */
export async function timeToConnect(cmd: string, args: string[], clock: { next(): Promise<number> }): Promise<number> {
  const arrived = clock.next()
  const started = performance.now()
  const child = spawn(cmd, args, { stdio: 'ignore' })
  const at = await Promise.race([arrived, new Promise<number>((r) => setTimeout(() => r(NaN), 30_000))])
  child.kill('SIGKILL')
  await new Promise((r) => child.on('close', r))
  return at - started
}

/** CPU time (user + system, ms) a command used, from wait4's rusage (Python's os.wait4: microseconds); load on the machine barely changes it. */
export function cpuOf(cmd: string, args: string[]): Promise<number> {
  const py = 'import os,sys\npid=os.fork()\nif pid==0:\n  os.execvp(sys.argv[1],sys.argv[1:])\n_,st,ru=os.wait4(pid,0)\nprint((ru.ru_utime+ru.ru_stime)*1000)\nsys.exit(os.waitstatus_to_exitcode(st))'
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', py, cmd, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.on('close', () => {
      const ms = Number(out.trim().split('\n').pop())
      if (Number.isFinite(ms)) resolve(ms)
      else reject(new Error(`no CPU time for ${cmd} ${args.join(' ')}`))
    })
  })
}

/** Like {@link timeToConnect}, but the CPU time (user + system, ms; 10 ms ticks from /proc) the child had used when its connection arrived. */
export async function cpuToConnect(cmd: string, args: string[], clock: { next(): Promise<number> }): Promise<number> {
  const arrived = clock.next()
  const child = spawn(cmd, args, { stdio: 'ignore' })
  await Promise.race([arrived, new Promise((r) => setTimeout(r, 30_000))])
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  child.kill('SIGKILL')
  await new Promise((r) => child.on('close', r))
  return (Number(fields[11]) + Number(fields[12])) * 10
}
