/** Whether the hosts of a fleet serve the same release: the one judge `releases` (table and JSON) reports from. */

/** One host's current release as read (undefined: none). */
export interface HostCurrent {
  host: string
  current?: string
}

/**
 * Each host's current release (`none` where it has none) when the hosts read do not all serve the same one;
 * undefined when they agree (or fewer than two hosts were read).
 */
export function disagreement(hosts: HostCurrent[]): Record<string, string> | undefined {
  const currents = new Set(hosts.map((h) => h.current ?? 'none'))
  if (currents.size < 2) return undefined
  return Object.fromEntries(hosts.map((h) => [h.host, h.current ?? 'none']))
}

/** "A on h01, h03; B on h02": the releases served and by which hosts, oldest release first. */
export function describeDisagreement(serving: Record<string, string>): string {
  const by = new Map<string, string[]>()
  for (const [host, current] of Object.entries(serving)) by.set(current, [...(by.get(current) ?? []), host])
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([release, hosts]) => `${release} on ${hosts.join(', ')}`).join('; ')
}
