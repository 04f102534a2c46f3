/** Rules across keys (hosts, host keys, migrations), checked after defaults, each reported where it applies. */
import type { Spec } from './types.js'
import type { Problem } from './validate.js'

/** line:col of a key path in the spec file. */
export type Where = (path: string) => { line: number; col: number }

/** A lookup of key positions: the chosen environment's override first, then the key, then its parents, then 1:1. */
export function locator(positions: Map<string, [number, number]>, env: string | undefined): Where {
  return (path) => {
    for (let p = path; p; p = parent(p)) {
      const hit = (env !== undefined ? positions.get(`environments.${env}.${p}`) : undefined) ?? positions.get(p)
      if (hit) return { line: hit[0], col: hit[1] }
    }
    return { line: 1, col: 1 }
  }
}

function parent(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['))
  return cut > 0 ? path.slice(0, cut) : ''
}

/** Every cross-key problem of a filled-in spec. */
export function crossProblems(spec: Spec, where: Where): Problem[] {
  const problems: Problem[] = []
  const add = (at: string, path: string, message: string, fix: string) => problems.push({ ...where(at), path, message, fix })
  if (spec.hosts.length === 0) add('hosts', 'hosts', 'no hosts to deploy to', 'add at least one entry under hosts:')
  const unpinned = spec.hosts.findIndex((h) => !h.host_key)
  const pinnedOpenSsh = spec.hosts.findIndex((h) => h.host_key)
  if (spec.ssh === 'openssh' && pinnedOpenSsh >= 0) {
    add(`hosts[${pinnedOpenSsh}].host_key`, `hosts[${pinnedOpenSsh}].host_key`, 'host_key pins work with ssh: node only; OpenSSH checks host keys against known_hosts', 'put the host\'s key line (ssh-keyscan -p PORT HOST) or its @cert-authority line in known_hosts, or use ssh: node')
  }
  if (spec.ssh !== 'openssh' && !spec.known_hosts && unpinned >= 0 && !spec.insecure_skip_host_key_check) {
    add(`hosts[${unpinned}]`, 'known_hosts', `host keys cannot be verified: no known_hosts, and hosts[${unpinned}] has no host_key`, 'add known_hosts: <file or text> (ssh-keyscan -p PORT HOST prints it), or host_key: "SHA256:..." per host')
  }
  if (spec.insecure_skip_host_key_check) {
    const pinned = spec.hosts.findIndex((h) => h.host_key)
    const with_ = spec.known_hosts ? 'known_hosts' : pinned >= 0 ? `hosts[${pinned}].host_key` : undefined
    if (with_) add('insecure_skip_host_key_check', 'insecure_skip_host_key_check', `true contradicts ${with_} (or the Action's known-hosts input): host keys would not be verified although trusted keys are given`, 'remove insecure_skip_host_key_check; the given host keys are then verified')
  }
  if (spec.bake && !spec.smoke.length) add('smoke.bake', 'smoke.bake', `a bake of ${spec.bake} s with no checks to poll`, 'add checks under smoke.checks, or remove bake')
  if (spec.migrate && !spec.migrate.preset && !spec.migrate.commands) add('migrate', 'migrate', 'no migration driver', 'set migrate.preset: laravel, or migrate.commands.run (and status/step_back)')
  if (spec.migrate?.on && !spec.hosts.some((h) => h.name === spec.migrate!.on || h.host === spec.migrate!.on)) {
    add('migrate.on', 'migrate.on', `no host named "${spec.migrate.on}"`, `use one of: ${spec.hosts.map((h) => h.name).join(', ')}`)
  }
  problems.push(...roleProblems(spec, where))
  const canary = spec.strategy.canary
  if (canary !== undefined && !spec.hosts.some((h) => h.name === canary || h.roles.includes(canary))) {
    add('strategy.canary', 'strategy.canary', `no host named "${canary}" and no host with that role`, `use a host name (${spec.hosts.map((h) => h.name).join(', ')}) or a role`)
  }
  if (spec.strategy.kind === 'canary' && canary !== undefined && spec.hosts.every((h) => h.name === canary || h.roles.includes(canary))) {
    add('strategy.canary', 'strategy.canary', `the canary "${canary}" is every host: nothing is left to follow it`, 'name one host or a smaller role')
  }
  if (!spec.db.snapshot !== !spec.db.restore) add(spec.db.snapshot ? 'db.snapshot' : 'db.restore', 'db', `db.${spec.db.snapshot ? 'snapshot' : 'restore'} is set without db.${spec.db.snapshot ? 'restore' : 'snapshot'}: a restore point nothing can restore (or restore nothing took)`, 'set both db.snapshot and db.restore, or neither (the built-in restore point)')
  if (spec.migrate?.backup && spec.db.snapshot) add('migrate.backup', 'migrate.backup', 'migrate.backup and db.snapshot are both set: the backup would be taken twice', 'remove migrate.backup; db.snapshot (with db.restore) replaces it')
  const seen = new Map<string, number>()
  spec.hosts.forEach((h, i) => {
    for (const key of new Set([`name ${h.name}`, `target ${h.user}@${h.host}:${h.port}${h.path ?? spec.path}`])) {
      const first = seen.get(key)
      if (first !== undefined) return add(`hosts[${i}]`, `hosts[${i}]`, `host ${h.name} is listed twice (same ${key.split(' ')[0]} as hosts[${first}])`, 'list each host once; the same host with another path needs a name: of its own')
      seen.set(key, i)
    }
  })
  return problems
}

/** Roles named by hooks and smoke checks must be some host's; a check run from the runner cannot be limited to roles. */
function roleProblems(spec: Spec, where: Where): Problem[] {
  const problems: Problem[] = []
  const known = new Set(spec.hosts.flatMap((h) => h.roles))
  const named = (path: string, roles: string[] | undefined) => {
    const unknown = roles?.find((r) => !known.has(r))
    if (unknown !== undefined) problems.push({ ...where(path), path, message: `no host has the role "${unknown}"`, fix: `give a host roles: [${unknown}], or use one of: ${[...known].join(', ') || '(no roles given)'}` })
  }
  for (const key of ['build', 'activate', 'rollback_hooks'] as const) spec[key].forEach((h, i) => typeof h !== 'string' && named(`${key}[${i}].roles`, h.roles))
  spec.smoke.forEach((c, i) => {
    named(`smoke[${i}].roles`, c.roles)
    if (c.roles && 'http' in c && c.from === 'runner') problems.push({ ...where(`smoke[${i}].roles`), path: `smoke[${i}].roles`, message: 'this check runs once, from the runner; roles limit checks that run on hosts', fix: 'add from: host, or remove roles' })
  })
  return problems
}
