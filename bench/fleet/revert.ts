/**
 * bench/fleet, time to revert: a deploy whose smoke check fails (a server here answers 500), timed from that answer
 * to the moment every host's `current` points at the old release again (each host's disk read every 2 ms).
 */
import { spawn } from 'node:child_process'
import { readlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { basename } from 'node:path'

/** The release each host's `current` points at (read on the host's disk, as the runner sees it). */
const lives = (currents: string[]) => currents.map((c) => basename(readlinkSync(c)))

/** Runs the CLI to its end (any exit code); resolves when it has exited. */
function run(bin: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' })
    child.on('close', resolve)
  })
}

/**
 * `runs` deploys of `specText` plus a failing smoke check; `currents` are the hosts' `current` links. Resolves with
 * each run's ms from the failing answer to every host back on the release that was live before.
 */
export async function revertTimes(bin: string, specFile: string, specText: string, currents: string[], runs: number): Promise<number[]> {
  let answered = 0
  const server = createServer((_req, res) => { res.writeHead(500).end('failing on purpose\n'); answered ||= performance.now() })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  writeFileSync(specFile, `${specText}smoke:\n  - { name: fails, http: "http://127.0.0.1:${port}/", retries: 0, timeout: 5 }\n`)
  const xs: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const old = lives(currents)
      let left = false
      let back = 0
      answered = 0
      const poll = setInterval(() => {
        const now = lives(currents)
        if (now.some((id, h) => id !== old[h])) left = true
        else if (left && !back) back = performance.now()
      }, 2)
      const code = await run(bin, ['deploy', '--spec', specFile])
      clearInterval(poll)
      if (code === 0 || !left || !back || !answered || lives(currents).some((id, h) => id !== old[h])) throw new Error(`revert run ${i}: exit ${code}; the new release ${left ? 'went live' : 'never went live'} and ${back ? 'was' : 'was not'} reverted on every host`)
      xs.push(back - answered)
    }
  } finally {
    server.close()
  }
  return xs
}
