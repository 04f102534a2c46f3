/**
 * A cancel within GitHub's grace even when the undo is slow: 5 s after SIGTERM the CLI stops following its undo
 * (a host job) and exits 143; the host finishes the undo on its own — switch back, record, rollback hook — and
 * only then releases the lock. On a real sshd, with the CLI bundle as users run it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SLIPWAY } from '../support/cli.js'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const env = { ...process.env, GITHUB_ACTOR: 'cancel-test' }

/** Runs `slipway deploy`, sends SIGTERM when stdout shows `when`; resolves with the exit code, stderr and the seconds from the signal to the exit. */
function cancelled(cwd: string, when: string): Promise<{ code: number | null; err: string; seconds: number }> {
  return new Promise((resolve) => {
    const child = spawn('node', [SLIPWAY, 'deploy'], { cwd, env })
    let out = ''
    let err = ''
    let sent = 0
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (sent || !out.includes(when)) return
      sent = Date.now()
      child.kill('SIGTERM')
    })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('close', (code) => resolve({ code, err, seconds: (Date.now() - sent) / 1000 }))
  })
}

describe('a cancel with a slow undo', () => {
  test('SIGTERM during the smoke checks, with an 8 s rollback hook: exit 143 within 7.5 s; the host finishes the undo, then releases the lock', async () => {
    const root = deployRoot()
    const app = appDir({ 'index.html': 'v1\n', 'slow-hook': '' })
    writeSpec(app, `app: shop\npath: ${root}\n${hostsYaml([lab])}\nsource:\n  exclude: [slipway.yml]\nsmoke:\n  - { name: wait, run: "if [ -f slow-smoke ]; then sleep 1; fi" }\nrollback_hooks:\n  - if [ -f slow-hook ]; then sleep 8; echo hook done; fi\n`)
    expect(spawnSync('node', [SLIPWAY, 'deploy'], { cwd: app, env, timeout: 60000 }).status).toBe(0)
    const v1 = readlinkSync(join(root, 'current'))
    writeFileSync(join(app, 'slow-smoke'), '')

    const r = await cancelled(app, '==> Smoke tests')
    expect(r.code).toBe(143)
    expect(r.seconds).toBeLessThan(7.5)
    expect(r.err).toMatch(/was cancelled by SIGTERM; its undo \(back to \S+\) runs on as a host job: .*stopped following the host job \S+\.restore to exit within CI's grace/)
    // The host carries on: the lock stays with its job until the hook is done, then it is released.
    expect(existsSync(join(root, '.slipway/lock'))).toBe(true)
    for (let i = 0; i < 200 && existsSync(join(root, '.slipway/lock')); i++) await new Promise((res) => setTimeout(res, 100))
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
    expect(readlinkSync(join(root, 'current'))).toBe(v1)
    const job = readFileSync(join(root, '.slipway/jobs', `${r.err.match(/host job (\S+)\.restore/)![1]}.restore.log`), 'utf8')
    expect(job).toContain('hook done')
    expect(spawnSync('node', [SLIPWAY, 'deploy'], { cwd: app, env, timeout: 60000 }).status).toBe(0)
  }, 90000)
})
