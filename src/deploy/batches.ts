/**
 * The rollout's batches, from `strategy:` (pure): which hosts switch together, in which order, and how many
 * failed hosts the rollout tolerates. all-at-once is one batch of every host.
 */
import { InputError } from '../errors.js'
import type { Spec } from '../spec/types.js'

/** A count of hosts, or a percentage of the whole fleet ("25%"). */
export type Share = number | string

/** `share` of `total` hosts: a count as is, a percentage rounded up. */
export function hostsIn(share: Share, total: number): number {
  if (typeof share === 'number') return share
  return Math.ceil((total * Number(share.replace('%', ''))) / 100)
}

/** The hosts a canary names: the host of that name, or the hosts with that role. */
export function canaryHosts(spec: Pick<Spec, 'hosts' | 'strategy'>): number[] {
  const name = spec.strategy.canary ?? spec.hosts[0]?.name
  return spec.hosts.flatMap((h, i) => (h.name === name || (h.roles ?? []).includes(name ?? '') ? [i] : []))
}

/** Splits `hosts` into batches of the given sizes in turn, the last size repeating (at least one host each). */
function split(hosts: number[], sizes: Share[], total: number): number[][] {
  const out: number[][] = []
  for (let at = 0, k = 0; at < hosts.length; k++) {
    const size = Math.max(1, hostsIn(sizes[Math.min(k, sizes.length - 1)], total))
    out.push(hosts.slice(at, at + size))
    at += size
  }
  return out
}

/** The batches of host indices, in switch order. */
export function planBatches(spec: Pick<Spec, 'hosts' | 'strategy'>): number[][] {
  const all = spec.hosts.map((_, i) => i)
  const { kind, batches } = spec.strategy
  if (kind === 'all-at-once' || all.length === 0) return [all]
  const first = kind === 'canary' ? canaryHosts(spec) : []
  const rest = all.filter((i) => !first.includes(i))
  const sizes = batches?.length ? batches : kind === 'rolling' ? [1] : ['100%']
  return [first, ...split(rest, sizes, all.length)].filter((b) => b.length > 0)
}

/** How many hosts may fail before the rollout stops (the budget must be exceeded). */
export function tolerated(spec: Pick<Spec, 'hosts' | 'strategy'>): number {
  return hostsIn(spec.strategy.max_failed ?? 0, spec.hosts.length)
}

/** A batch's hosts by name, for messages. */
export function batchNames(spec: Pick<Spec, 'hosts'>, batch: number[]): string {
  return batch.map((i) => spec.hosts[i].name).join(', ')
}

/** The strategies `--strategy` (CLI) and the Action's `strategy` input may choose. */
export const KINDS = ['all-at-once', 'rolling', 'canary'] as const

/** The spec with its strategy's kind overridden (the rest of `strategy:` kept); undefined leaves it as is. */
export function withStrategy<S extends Pick<Spec, 'strategy'>>(spec: S, kind: string | undefined, from = '--strategy'): S {
  if (kind === undefined || kind === '') return spec
  if (!(KINDS as readonly string[]).includes(kind)) throw new InputError(`${from} ${JSON.stringify(kind)} is not a strategy. Fix: use one of ${KINDS.join(', ')}`)
  return { ...spec, strategy: { ...spec.strategy, kind: kind as Spec['strategy']['kind'] } }
}
