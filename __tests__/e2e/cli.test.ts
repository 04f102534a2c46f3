/** The CLI as users run it: the committed bundle (bin/slipway.js → dist/cli.js) against a real sshd. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appDir, deployRoot, hostsYaml, startLab, writeSpec, type Lab } from '../support/lab.js'

let lab: Lab
beforeAll(async () => { lab = await startLab() })
afterAll(() => lab.stop())

const bin = join(process.cwd(), 'bin/slipway.js')
function slipway(cwd: string, ...args: string[]) {
  const r = spawnSync('node', [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000, env: { ...process.env, GITHUB_ACTOR: 'cli-user' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const logins = () => readFileSync(join(lab.dir, 'sshd.log'), 'utf8').split('\n').filter((l) => l.includes('Accepted publickey')).length

describe('slipway CLI (dist bundle)', () => {
  test('deploy, releases, rollback, unlock, exit codes', async () => {
    const root = deployRoot()
    const app = appDir({ 'index.html': 'one\n' })
    writeSpec(app, `app: web\npath: ${root}\n${hostsYaml([lab])}\nbuild:\n  - echo "building in $(basename $PWD)"\n`)
    const d1 = slipway(app, 'deploy')
    expect(d1.err).toBe('')
    expect(d1.code).toBe(0)
    expect(d1.out).toMatch(/==> Prepare release (\d{14})\n {2}\[slipway@127\.0\.0\.1:\d+\] building in \1\n/)
    const first = readlinkSync(join(root, 'current')).split('/')[1]
    writeFileSync(join(app, 'index.html'), 'two\n')
    expect(slipway(app, 'deploy').code).toBe(0)
    const second = readlinkSync(join(root, 'current')).split('/')[1]
    expect(second > first).toBe(true)

    const list = slipway(app, 'releases')
    expect(list.code).toBe(0)
    const lines = list.out.trim().split('\n')
    expect(lines[0]).toBe(`slipway@127.0.0.1:${lab.port}`)
    expect(lines[1]).toMatch(/^cur\s+release\s+commit\s+time \(UTC\)\s+state\s+by\s+migrations\s+note$/)
    expect(lines[3]).toMatch(new RegExp(`^\\*\\s+${second.replace('.', '\\.')}\\s+-\\s+\\S+ \\S+Z\\s+healthy\\s+cli-user\\s+-$`))
    expect(lines[4]).toMatch(new RegExp(`^\\s+${first}\\s+-\\s+\\S+ \\S+Z\\s+healthy\\s+cli-user\\s+-$`))
    const json = JSON.parse(slipway(app, 'releases', '--json').out)
    expect(json.hosts[0].releases.map((r: { id: string; current: boolean }) => [r.id, r.current])).toEqual([[second, true], [first, false]])

    const back = slipway(app, 'rollback')
    expect(back.code).toBe(0)
    expect(back.out).toContain(`Rolled back ${second} → ${first}`)
    expect(back.err).toContain('warning: A code rollback does not revert:\n  - the database')
    expect(readFileSync(join(root, 'current/index.html'), 'utf8')).toBe('one\n')

    expect(slipway(app, 'rollback', '--to', 'nope').code).toBe(2)
    expect(slipway(app, 'deploy', '--bogus').code).toBe(2)

    spawnSync('runuser', ['-u', 'slipway', '--', 'bash', '-c', `mkdir ${root}/.slipway/lock && echo '{"operation":"deploy","app":"web","by":"ghost","since":"then","token":"t"}' > ${root}/.slipway/lock/owner.json`])
    const blocked = slipway(app, 'deploy')
    expect(blocked.code).toBe(3)
    expect(blocked.err).toContain('another operation holds the deploy lock: deploy of web by ghost since then')
    // Its owner file was written a moment ago: to unlock, that holder is alive.
    const refused = slipway(app, 'unlock')
    expect(refused.code).toBe(2)
    expect(refused.err).toMatch(/: the lock is held by a live run: deploy of web by ghost since then \(last sign of life \d+ s ago\)\. Breaking it would let two deploys run at once\. Fix: .*slipway unlock --force\n$/)
    expect(existsSync(join(root, '.slipway/lock'))).toBe(true)
    const un = slipway(app, 'unlock', '--force')
    expect(un.out).toMatch(new RegExp(`^slipway@127\\.0\\.0\\.1:${lab.port}: lock broken \\(was held by deploy of web by ghost since then \\(last sign of life \\d+ s ago\\)\\)\\n$`))
    expect(existsSync(join(root, '.slipway/lock'))).toBe(false)
  })

  test('an invalid spec exits 2 with file:line:col and never connects', () => {
    const root = deployRoot()
    const app = appDir()
    writeSpec(app, `app: web\npath: ${root}\n${hostsYaml([lab])}\nbuild:\n  - make\nshraed:\n  files: [.env]\n`)
    const before = logins()
    const r = slipway(app, 'deploy')
    expect(r.code).toBe(2)
    expect(r.err).toBe(`slipway: ${join(app, 'slipway.yml')}:9:1: shraed: unknown key "shraed". Fix: did you mean "shared"?\n`)
    expect(logins()).toBe(before)
    expect(readdirSync(root)).toEqual([])
  })

  test('--dry-run prints the exact scripts per host and touches nothing', () => {
    const root = deployRoot()
    const app = appDir()
    writeSpec(app, `app: web\npath: ${root}\n${hostsYaml([lab])}\nbuild:\n  - composer install\n`)
    const before = logins()
    const r = slipway(app, 'deploy', '--dry-run')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`# host slipway@127.0.0.1:${lab.port}\n## lock\nbash -s <<'SCRIPT'\n{ (\nset -euo pipefail\n`)
    expect(r.out).toMatch(/step:lock\n\[ -d \S+\/.slipway\/releases \] \|\| mkdir -p \S+\/.slipway\/releases\n/)
    expect(r.out).toContain('## upload, shared files, build (then the upload, a tar, on stdin)\n')
    expect(r.out).toContain('## switch, prune, finish\n')
    expect(r.out).toMatch(/\(cd \S+\/releases\/\d{14} && composer install\)/)
    expect(r.out).toContain(`mv -T -f ${root}/current.next ${root}/current`)
    expect(logins()).toBe(before)
    expect(readdirSync(root)).toEqual([])
  })
})
