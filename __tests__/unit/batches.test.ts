/** The rollout's batches from strategy: (pure): sizes, percentages, canary hosts and roles, the failure budget. */
import { describe, expect, test } from '@jest/globals'
import { canaryHosts, hostsIn, planBatches, tolerated, withStrategy } from '../../src/deploy/batches.js'
import type { Spec } from '../../src/spec/types.js'

type Strategy = Spec['strategy']
const fleet = (n: number, roles: Record<number, string[]> = {}) => Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(2, '0')}`, roles: roles[i] ?? [] })) as unknown as Spec['hosts']
const spec = (n: number, strategy: Partial<Strategy>, roles?: Record<number, string[]>) => ({ hosts: fleet(n, roles), strategy: { kind: 'all-at-once', pause: 0, ...strategy } as Strategy })

describe('batches', () => {
  test('all-at-once is one batch of every host', () => {
    expect(planBatches(spec(4, {}))).toEqual([[0, 1, 2, 3]])
  })
  test('rolling: each size in turn, the last repeating; one host at a time by default', () => {
    expect(planBatches(spec(10, { kind: 'rolling', batches: [1, '10%', '50%'] }))).toEqual([[0], [1], [2, 3, 4, 5, 6], [7, 8, 9]])
    expect(planBatches(spec(3, { kind: 'rolling' }))).toEqual([[0], [1], [2]])
    expect(planBatches(spec(5, { kind: 'rolling', batches: [2] }))).toEqual([[0, 1], [2, 3], [4]])
  })
  test('a percentage is of the whole fleet, rounded up, and a batch has at least one host', () => {
    expect(hostsIn('25%', 10)).toBe(3)
    expect(hostsIn('1%', 10)).toBe(1)
    expect(planBatches(spec(4, { kind: 'rolling', batches: [0, '100%'] }))).toEqual([[0], [1, 2, 3]])
  })
  test('canary: the named host or the hosts of a role first, then the rest at once or in batches', () => {
    expect(planBatches(spec(4, { kind: 'canary', canary: 'h03' }))).toEqual([[2], [0, 1, 3]])
    expect(planBatches(spec(5, { kind: 'canary', canary: 'edge', batches: [2] }, { 1: ['edge'], 4: ['edge', 'web'] }))).toEqual([[1, 4], [0, 2], [3]])
    expect(canaryHosts(spec(3, { kind: 'canary' }))).toEqual([0])
  })
  test('max_failed: a count or a percentage of the fleet; default none', () => {
    expect(tolerated(spec(10, { max_failed: 1 }))).toBe(1)
    expect(tolerated(spec(10, { max_failed: '25%' }))).toBe(3)
    expect(tolerated(spec(10, {}))).toBe(0)
  })
  test('--strategy overrides the kind only, and refuses an unknown one', () => {
    const s = spec(3, { kind: 'rolling', batches: [2], max_failed: 1 })
    expect(withStrategy(s, 'canary').strategy).toEqual({ ...s.strategy, kind: 'canary' })
    expect(withStrategy(s, undefined)).toBe(s)
    expect(() => withStrategy(s, 'blue-green')).toThrow('--strategy "blue-green" is not a strategy. Fix: use one of all-at-once, rolling, canary')
  })
})
