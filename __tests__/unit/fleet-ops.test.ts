/** Fleet operations' pure decisions: host selection, bounded concurrency, a split fleet's verdict, the common rollback target. */
import { describe, expect, test } from '@jest/globals'
import type { HostState, ReleaseRecord } from '../../src/commands/history.js'
import { selectionOf } from '../../src/cli/args.js'
import { readInputs } from '../../src/action/inputs.js'
import { describeDisagreement, disagreement } from '../../src/deploy/agree.js'
import { settleLimited } from '../../src/deploy/limit.js'
import { onEach } from '../../src/deploy/run.js'
import type { Session } from '../../src/deploy/session.js'
import { planFleetRollback } from '../../src/deploy/rollback-plan.js'
import { checkRerun, planRerun } from '../../src/deploy/rerun.js'
import { InputError, UntouchedError } from '../../src/errors.js'
import { releasesMarkdown, rollbackMarkdown } from '../../src/report/summary.js'
import { formatReleases } from '../../src/report/table.js'
import { parseSpec } from '../../src/spec/load.js'
import { parseNames, selectHosts } from '../../src/spec/select.js'

const spec = parseSpec([
  'app: shop', 'path: /srv/app', 'hosts:',
  '  - { name: h01, host: a, user: u, roles: [web] }',
  '  - { name: h02, host: b, user: u, roles: [web, cron] }',
  '  - { name: h03, host: c, user: u, roles: [worker] }', 'insecure_skip_host_key_check: true', ''
].join('\n'), '/tmp/x/slipway.yml')
const names = (s: { hosts: Array<{ name: string }> }) => s.hosts.map((h) => h.name)

describe('host selection', () => {
  test('--hosts, --exclude and --roles narrow the hosts, in the spec order', () => {
    expect(names(selectHosts(spec, { hosts: ['h03', 'h01'] }))).toEqual(['h01', 'h03'])
    expect(names(selectHosts(spec, { exclude: ['h02'] }))).toEqual(['h01', 'h03'])
    expect(names(selectHosts(spec, { roles: ['web'] }))).toEqual(['h01', 'h02'])
    expect(names(selectHosts(spec, { roles: ['web'], exclude: ['h01'] }))).toEqual(['h02'])
    expect(selectHosts(spec, {})).toBe(spec)
    expect(selectHosts(spec, undefined)).toBe(spec)
  })
  test('unknown names and an empty result are input errors naming what is known', () => {
    expect(() => selectHosts(spec, { hosts: ['h01', 'h09'] })).toThrow(new InputError('--hosts: unknown host h09. Fix: the spec\'s hosts are h01, h02, h03'))
    expect(() => selectHosts(spec, { exclude: ['x', 'y'] })).toThrow(new InputError('--exclude: unknown hosts x, y. Fix: the spec\'s hosts are h01, h02, h03'))
    expect(() => selectHosts(spec, { roles: ['db'] })).toThrow(new InputError('--roles: unknown role db. Fix: the spec\'s roles are web, cron, worker'))
    expect(() => selectHosts(spec, { roles: ['worker'], exclude: ['h03'] })).toThrow(new InputError('the host selection (--exclude h03 --roles worker) leaves no host. Fix: the spec\'s hosts are h01, h02, h03'))
  })
  test('comma lists, CLI flags and Action inputs', () => {
    expect(parseNames(' h01, h02 ,,')).toEqual(['h01', 'h02'])
    expect(parseNames(' ')).toBeUndefined()
    expect(selectionOf('rollback', { exclude: 'h03' })).toEqual({ hosts: undefined, exclude: ['h03'], roles: undefined })
    expect(selectionOf('deploy', {})).toBeUndefined()
    expect(() => selectionOf('db', { hosts: 'h01' })).toThrow('--hosts is only for deploy, rollback, releases, unlock. Fix: remove it')
    expect(() => selectionOf('unlock', { roles: ',' })).toThrow('--roles needs a comma-separated list of names, e.g. --roles web')
    const inputs = (extra: Record<string, string>) => readInputs((n) => ({ command: 'rollback', ...extra })[n] ?? '', '/tmp')
    expect(inputs({ exclude: 'h03, h04' }).select).toEqual({ hosts: undefined, exclude: ['h03', 'h04'], roles: undefined })
    expect(inputs({}).select).toBeUndefined()
    expect(() => inputs({ command: 'check', hosts: 'h01' })).toThrow('inputs "hosts", "exclude" and "roles" are for deploy, rollback and releases')
  })
})

describe('bounded concurrency', () => {
  /** Counts how many calls are in flight at once (no timing: each call yields a few times before it settles). */
  async function peakOf(n: number, limit: number): Promise<{ peak: number; results: Array<PromiseSettledResult<number>> }> {
    let now = 0
    let peak = 0
    const results = await settleLimited(Array.from({ length: n }, (_, i) => i), limit, async (x) => {
      peak = Math.max(peak, ++now)
      for (let k = 0; k < 3; k++) await Promise.resolve()
      now--
      if (x === 4) throw new Error('four')
      return x * 2
    })
    return { peak, results }
  }
  test('never more than the limit at once; every item runs; failures settle in place', async () => {
    const { peak, results } = await peakOf(60, 20)
    expect(peak).toBe(20)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(59)
    expect(results[4]).toEqual({ status: 'rejected', reason: new Error('four') })
    expect(results[59]).toEqual({ status: 'fulfilled', value: 118 })
    expect((await peakOf(5, 20)).peak).toBe(5)
    expect((await peakOf(7, 1)).peak).toBe(1)
  })
  test('onEach sends a round trip to every open session at once (max_connections bounds connects only)', async () => {
    let now = 0
    let peak = 0
    const sessions = Array.from({ length: 9 }, () => ({ limit: 4 }) as unknown as Session)
    const out = await onEach(sessions, async (_s, i) => {
      peak = Math.max(peak, ++now)
      for (let k = 0; k < 3; k++) await Promise.resolve()
      now--
      return i
    })
    expect([peak, out]).toEqual([9, [0, 1, 2, 3, 4, 5, 6, 7, 8]])
  })
})

const rec = (id: string, state: ReleaseRecord['state'] = 'healthy'): ReleaseRecord => ({ id, state, created_at: '', updated_at: '', by: 'x' })
const host = (current: string | undefined, ...records: ReleaseRecord[]): HostState => ({ records, current, manifest: [] })
const request = { by: 'me', stamp: 'now' }

describe('a fleet rollback', () => {
  test('hosts that agree go back to the newest release healthy on all of them', () => {
    const states = [host('20260101000003', rec('20260101000001'), rec('20260101000002'), rec('20260101000003')), host('20260101000003', rec('20260101000001'), rec('20260101000002', 'failed'), rec('20260101000003'))]
    const plan = planFleetRollback(states, ['h01', 'h02'], request)
    expect(plan.target).toBe('20260101000001')
    expect(plan.plans.map((p) => p?.from)).toEqual(['20260101000003', '20260101000003'])
  })
  test('a split fleet (9 hosts on A, one left on B): the one goes back to A, the nine stay', () => {
    const onA = () => host('20260101000002', rec('20260101000001'), rec('20260101000002'), rec('20260101000003', 'rolled-back'))
    const states = [host('20260101000003', rec('20260101000001'), rec('20260101000002'), rec('20260101000003', 'live')), ...Array.from({ length: 9 }, onA)]
    const hosts = states.map((_, i) => `h${String(i + 1).padStart(2, '0')}`)
    const plan = planFleetRollback(states, hosts, request)
    expect(plan.target).toBe('20260101000002')
    expect(plan.plans[0]).toMatchObject({ target: '20260101000002', from: '20260101000003', updates: [{ id: '20260101000003', state: 'rolled-back' }] })
    expect(plan.plans.slice(1)).toEqual(Array(9).fill(undefined))
  })
  test('no release healthy on every host: refused (exit 3) with the per-host table', () => {
    const states = [host('20260101000003', rec('20260101000002', 'failed'), rec('20260101000003')), host('20260101000003', rec('20260101000001'), rec('20260101000002'), rec('20260101000003'))]
    let error: unknown
    try { planFleetRollback(states, ['h01', 'h02'], request) } catch (e) { error = e }
    expect(error).toBeInstanceOf(UntouchedError)
    expect((error as Error).message).toBe([
      'no release to roll back to that every host has healthy (at or below each host\'s current). Nothing was changed.',
      '  h01  current 20260101000003  healthy: 20260101000003',
      '  h02  current 20260101000003  healthy: 20260101000003, 20260101000002, 20260101000001',
      'Fix: roll back the hosts that share a release (--hosts or --exclude), or pick one with --to'
    ].join('\n'))
    expect(() => planFleetRollback([host(undefined, rec('20260101000001', 'failed')), host('20260101000001', rec('20260101000001'))], ['h01', 'h02'], request)).toThrow('h01 has no current release')
  })
  test('--to: every host that does not serve it yet; a host without it is named', () => {
    const states = [host('20260101000003', rec('20260101000001'), rec('20260101000002'), rec('20260101000003')), host('20260101000002', rec('20260101000001'), rec('20260101000002'))]
    expect(planFleetRollback(states, ['h01', 'h02'], { ...request, to: '20260101000001' }).plans.map((p) => p?.target)).toEqual(['20260101000001', '20260101000001'])
    expect(planFleetRollback(states, ['h01', 'h02'], { ...request, to: '20260101000002' }).plans.map((p) => p?.target)).toEqual(['20260101000002', undefined])
    expect(() => planFleetRollback(states, ['h01', 'h02'], { ...request, to: '20260101000003' })).toThrow('h02: release 20260101000003 is not in the history')
    expect(() => planFleetRollback([states[1], states[1]], ['h01', 'h02'], { ...request, to: '20260101000002' })).toThrow('release 20260101000002 is already current on every host')
  })
  test('one host: as before (the newest healthy release older than current)', () => {
    expect(planFleetRollback([host('20260101000003', rec('20260101000001'), rec('20260101000002', 'failed'), rec('20260101000003'))], ['h01'], request).target).toBe('20260101000001')
  })
})

describe('releases: a split fleet and an unreachable host', () => {
  test('disagreement is per host; agreement is undefined', () => {
    expect(disagreement([{ host: 'h01', current: 'A' }, { host: 'h02', current: 'A' }])).toBeUndefined()
    expect(disagreement([{ host: 'h01', current: 'B' }, { host: 'h02', current: 'A' }, { host: 'h03' }])).toEqual({ h01: 'B', h02: 'A', h03: 'none' })
    expect(describeDisagreement({ h01: 'B', h02: 'A', h03: 'A' })).toBe('A on h02, h03; B on h01')
  })
  test('the table flags the split and names the unreachable host with its cause', () => {
    const row = (id: string, current: boolean) => ({ ...rec(id), created_at: '2026-01-01T00:00:00.000Z', current })
    const text = formatReleases({
      hosts: [{ host: 'h01', releases: [row('02', true), row('01', false)] }, { host: 'h02', releases: [row('01', true)] }, { host: 'h03', releases: [], unreachable: 'cannot connect: connect ECONNREFUSED 127.0.0.1:1' }],
      disagree: { h01: '02', h02: '01' }
    })
    expect(text.split('\n\n')[0]).toBe('HOSTS DISAGREE: they serve different releases: 01 on h02; 02 on h01')
    expect(text).toContain('h01  (serves 02: the hosts disagree)\ncur')
    expect(text.split('\n\n')[3]).toBe('h03  UNREACHABLE: cannot connect: connect ECONNREFUSED 127.0.0.1:1')
  })
  test('the job summary: the split as a warning, the unreachable host with its cause, the hosts a rollback left as they were', () => {
    const md = releasesMarkdown({ hosts: [{ host: 'h01', releases: [] }, { host: 'h03', releases: [], unreachable: 'cannot connect' }], disagree: { h01: '02', h02: '01' } })
    expect(md.split('\n\n').slice(0, 3)).toEqual(['> [!WARNING]\n> The hosts serve different releases: 01 on h02; 02 on h01', '#### Releases on h01', '(no releases)'])
    expect(md).toContain('#### h03: unreachable\n\ncannot connect')
    const result = { release: '01', from: '02', hosts: ['h01', 'h02'], stayed: ['h02'], notReverted: [], migrations: { steppedBack: [], kept: [] } }
    expect(rollbackMarkdown({ result })).toContain('- **Hosts:** h01, h02\n- **Already on it (left as they were):** h02')
  })
})

describe('deploy --only-failed', () => {
  const at = (id: string, state: ReleaseRecord['state'] = 'healthy', commit = 'c2'): ReleaseRecord => ({ ...rec(id, state), commit })
  const [A, B, C] = ['20260101000001', '20260101000002', '20260101000003']
  test('the newest release some host serves healthy, rerun where it is not served (missing or failed)', () => {
    const states = [host(B, at(A), at(B)), host(A, at(A), at(B, 'failed')), host(A, at(A)), host(B, at(A), at(B))]
    expect(planRerun(states, ['h01', 'h02', 'h03', 'h04'], 'c2')).toEqual({ release: B, hosts: ['h02', 'h03'] })
  })
  test('refused: nothing healthy, nothing to rerun, a newer release served, another source, no commit', () => {
    expect(() => planRerun([host(A, at(A, 'failed'))], ['h01'], 'c2')).toThrow('--only-failed: no host serves a healthy release')
    expect(() => planRerun([host(B, at(B)), host(B, at(B))], ['h01', 'h02'], 'c2')).toThrow(`--only-failed: every host already serves ${B}; nothing to rerun`)
    expect(() => planRerun([host(B, at(B)), host(C, at(B), at(C, 'live'))], ['h01', 'h02'], 'c2')).toThrow(`--only-failed: h02 serves ${C}, newer than the last healthy release ${B}`)
    expect(() => planRerun([host(B, at(B)), host(A, at(A))], ['h01', 'h02'], 'c3')).toThrow(`--only-failed: release ${B} was built from commit c2, the source is at c3`)
    expect(() => planRerun([host(B, rec(B)), host(A, rec(A))], ['h01', 'h02'], undefined)).toThrow(`--only-failed: release ${B} has no recorded commit`)
  })
  test('under the lock: a host that serves the release by now is not built over', () => {
    expect(() => checkRerun([{ current: A }, { current: B }], ['h02', 'h03'], B)).toThrow(`--only-failed: h03 serves ${B} now`)
    expect(() => checkRerun([{ current: A }], ['h02'], B)).not.toThrow()
  })
})
