/** Roles: which hooks and host-side smoke checks apply to a host. */
import type { Hook } from './types.js'

/** True when a host with `has` takes something limited to `only` (unlimited when `only` is unset). */
export function hasRole(has: readonly string[], only: readonly string[] | undefined): boolean {
  return !only || only.some((r) => has.includes(r))
}

/** The commands of `hooks` that run on a host with these roles, in order. */
export function hooksFor(has: readonly string[], hooks: readonly Hook[]): string[] {
  return hooks.flatMap((h) => (typeof h === 'string' ? [h] : hasRole(has, h.roles) ? [h.run] : []))
}

/** A hook as a report shows it. */
export function hookText(h: Hook): string {
  return typeof h === 'string' ? h : `${h.run} (on ${h.roles.join(', ')})`
}
