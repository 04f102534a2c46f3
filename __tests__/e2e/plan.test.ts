/**
 * The dry-run is the plan: the scripts `planDeploy` prints are byte for byte the scripts a real deploy of
 * the same spec sends to a fresh host (the run's random marker and the migrations it read aside), for a
 * Laravel spec with migrations, a backup command and smoke checks, on one host and on two.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { deploy, planDeploy } from '../../src/deploy/deploy.js'
import { loadSpec } from '../../src/spec/load.js'
import { recording } from '../support/recording.js'
import { deployRoot, hostsYaml, hostWrite, startLab, writeSpec, type Lab } from '../support/lab.js'
import { addMigration, laravelSource, serveCurrent } from '../support/laravel.js'

let one: Lab, a: Lab, b: Lab
beforeAll(async () => { [one, a, b] = await Promise.all([startLab(), startLab({ ownDisk: true }), startLab({ ownDisk: true })]) })
afterAll(() => { one.stop(); a.stop(); b.stop() })

/**
 * What may differ between two runs of the same plan: the per-run marker, and what depends on what the host
 * reported — the release record's `migrations` and `restore_point`, the watchdog's revert commands (which step them
 * back), and the migrate guard's undo (it steps back what step `pending` read as pending).
 */
const WATCHDOG = /setsid bash -c '[\s\S]*?' <\/dev\/null >\/dev\/null 2>&1 &/g
const GUARD = /printf '%s\\n' '\( exec 5<> <\(:\); while :;[\s\S]*?' > \S+\.migrate\.guard\.sh/g
const normal = (script: string) => script.replace(/@@slipway-[0-9a-f]+@@/g, '@@M@@').replace(/,"migrations":\{[^{}]*\}/g, '').replace(/,"restore_point":\{[^{}]*(\{[^{}]*\})?\}/g, '').replace(GUARD, '<guard>').replace(WATCHDOG, '<watchdog>')
const printed = (command: string) => command.replace(/^bash -s <<'SCRIPT'\n/, '').replace(/SCRIPT$/, '')

function laravelSpec(source: string, path: string, labs: Lab[], url: string) {
  return loadSpec(writeSpec(source, [
    'app: shop', `path: ${path}`, 'preset: laravel', hostsYaml(labs),
    'migrate:', '  backup: "mkdir -p shared/backups && cp shared/database.sqlite shared/backups/{release}.sqlite"',
    'source:', '  exclude: [slipway.yml]',
    'smoke:', `  - { name: health, http: "${url}/health", contains: '"ok":true', retries: 1, timeout: 5, deadline: 10 }`,
    '  - { name: artisan, run: "php artisan --version" }', ''
  ].join('\n')))
}

/** Host-side deploy root with the shared .env and an empty sqlite database at `hostPath`. */
function prepareHost(localRoot: string, hostPath: string): void {
  hostWrite(join(localRoot, 'shared/database.sqlite'), '')
  hostWrite(join(localRoot, 'shared/.env'), ['APP_ENV=production', 'APP_DEBUG=false', 'LOG_CHANNEL=stderr', 'CACHE_DRIVER=file', 'DB_CONNECTION=sqlite', `DB_DATABASE=${hostPath}/shared/database.sqlite`, ''].join('\n'))
}

describe('dry-run equals the executed plan', () => {
  const now = () => new Date('2026-04-01T00:00:00Z')
  const lockToken = 'feedfacecafebeef'

  async function compare(spec: ReturnType<typeof laravelSpec>): Promise<Map<string, string[]>> {
    const plan = await planDeploy({ spec, now, lockToken })
    const { connect, sent } = recording()
    await deploy({ spec, now, lockToken, connect })
    for (const host of plan.filter((h) => h.host !== 'runner')) {
      expect(sent.get(host.host)!.map(normal)).toEqual(host.phases.map((p) => normal(printed(p.command))))
    }
    expect(plan.find((h) => h.host === 'runner')?.phases.map((p) => p.phase)).toEqual(['smoke health'])
    return sent
  }

  test('one host: lock, prepare (+ what is pending), migrate, switch, smoke, finish — printed and sent alike', async () => {
    const root = deployRoot()
    const source = laravelSource()
    addMigration(source, '2024_02_02_000000_create_orders_table')
    prepareHost(root, root)
    const web = await serveCurrent(root)
    try {
      const sent = await compare(laravelSpec(source, root, [one], web.url))
      const phases = [...sent.values()][0]
      expect(phases).toHaveLength(6)
      expect(phases[1]).toContain('step:pending')
      expect(phases[2]).toContain('step:migrate')
      expect(phases[2]).toContain('backups/20260401000000.sqlite')
      // The migrate guard steps back what of the new batch gets applied (batch 1: the two migrations read as pending).
      expect(phases[2].match(GUARD)![0]).toContain('rollback-batch 1')
      // The watchdog armed at the switch reverts exactly what migrate reported: the real one steps back, the planned one had nothing to step back.
      expect(phases[3].match(WATCHDOG)![0]).toContain('migrate:rollback')
      expect(readlinkSync(join(root, 'current'))).toBe('releases/20260401000000')
    } finally {
      web.stop()
    }
  })

  test('two hosts: migrate is its own round trip on the first host only', async () => {
    const name = `plan-${Date.now()}`
    const path = `/srv/slipway-hosts/${name}`
    const source = laravelSource()
    for (const lab of [a, b]) prepareHost(join(lab.disk!, name), path)
    const web = await serveCurrent(join(a.disk!, name))
    try {
      const spec = laravelSpec(source, path, [a, b], web.url)
      const sent = await compare(spec)
      const [first, second] = spec.hosts.map((h) => sent.get(h.name)!)
      expect(first.filter((s) => s.includes('step:migrate'))).toHaveLength(1)
      expect(second.some((s) => s.includes('step:migrate'))).toBe(false)
      expect(first).toHaveLength(second.length + 1)
      expect(existsSync(join(b.disk!, name, 'current'))).toBe(true)
    } finally {
      web.stop()
    }
  })
})
