/**
 * Host selection (`--hosts`, `--exclude`, `--roles`; Action inputs `hosts`, `exclude`, `roles`; library option
 * `select`): the one place that narrows a spec's hosts, so an incident rollback can proceed on the hosts it can reach.
 */
import { InputError } from '../errors.js'
import { hasRole } from './roles.js'
import type { Spec } from './types.js'

/** Which hosts an operation works on; an unset or empty list does not narrow. */
export interface HostSelection {
  /** Only these hosts (by name). */
  hosts?: string[]
  /** Not these hosts (by name). */
  exclude?: string[]
  /** Only hosts that have one of these roles. */
  roles?: string[]
}

/** A comma-separated list ("a, b,c") as names; empty parts dropped. */
export function parseNames(text: string | undefined): string[] | undefined {
  const names = (text ?? '').split(',').map((n) => n.trim()).filter(Boolean)
  return names.length ? names : undefined
}

/** True when the selection narrows nothing. */
export function selectsAll(pick: HostSelection | undefined): boolean {
  return !pick?.hosts?.length && !pick?.exclude?.length && !pick?.roles?.length
}

/**
 * The spec with only the selected hosts (in the spec's order). Unknown host names or roles, and a selection that
 * leaves no host, are an {@link InputError} naming what is known, before anything connects.
 */
export function selectHosts(spec: Spec, pick: HostSelection | undefined): Spec {
  if (selectsAll(pick)) return spec
  const names = spec.hosts.map((h) => h.name)
  const roles = [...new Set(spec.hosts.flatMap((h) => h.roles))]
  refuseUnknown('host', '--hosts', pick?.hosts, names)
  refuseUnknown('host', '--exclude', pick?.exclude, names)
  refuseUnknown('role', '--roles', pick?.roles, roles)
  const hosts = spec.hosts.filter((h) =>
    (!pick?.hosts?.length || pick.hosts.includes(h.name)) && !pick?.exclude?.includes(h.name) && (!pick?.roles?.length || hasRole(h.roles, pick.roles)))
  if (!hosts.length) throw new InputError(`the host selection (${describeSelection(pick)}) leaves no host. Fix: the spec's hosts are ${names.join(', ')}`)
  return { ...spec, hosts }
}

/** "--hosts a,b --exclude c --roles web", for messages. */
export function describeSelection(pick: HostSelection | undefined): string {
  const parts = [['--hosts', pick?.hosts], ['--exclude', pick?.exclude], ['--roles', pick?.roles]] as const
  return parts.filter(([, v]) => v?.length).map(([flag, v]) => `${flag} ${v!.join(',')}`).join(' ')
}

function refuseUnknown(what: string, flag: string, given: string[] | undefined, known: string[]): void {
  const unknown = (given ?? []).filter((n) => !known.includes(n))
  if (!unknown.length) return
  const list = known.length ? known.join(', ') : '(none)'
  throw new InputError(`${flag}: unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Fix: the spec's ${what}s are ${list}`)
}
