/** The CLI's usage text: a module of its own, so `slipway --help` loads nothing else. */

export const USAGE = `usage: slipway <command> [options]

commands:
  deploy     [--spec f] [--env e] [--dry-run] [--lock-wait s] [--only-failed] [--strategy k] [--phase p --release id]
                                                build a new release on every host and switch to it
  rollback   [--spec f] [--env e] [--to id] [--db keep|stepback|restore] [--lock-wait s]
                                                activate an earlier release (default: the newest healthy on every
                                                host, before current; on a split fleet, where the hosts behind are);
                                                --db stepback (or --migrations) also steps back the migrations of the
                                                releases rolled over; --db restore restores the restore point taken
                                                before the oldest of them and says what that discards
  db points  [--spec f] [--env e] [--json]      the restore points per release (engine, size, time)
  db restore <release> [--spec f] [--env e]     restore the point taken before <release>, under the deploy lock
  releases   [--spec f] [--env e] [--json]      the release history of every host (and repair what a dead run left);
                                                names a host it cannot reach, flags hosts serving different releases
  unlock     [--spec f] [--env e] [--force]     break a dead run's deploy lock (a live one needs --force), then repair
                                                what it left
  check      [paths…] [--base ref] [--format f] [--verify] [--verify-rollback]
                                                PR migration-safety check (slipway check --help)
  schema                                        print the spec's JSON Schema

  --lock-wait s   wait up to s seconds for another run's lock (naming its holder) instead of failing at once
  --only-failed   deploy: rerun the last release (same id, same commit) on the hosts that do not serve it
  --hosts a,b     deploy, rollback, releases, unlock: only these hosts (by name)
  --exclude c     … all hosts but these (e.g. an unreachable one, so an incident rollback proceeds on the rest)
  --roles web     … only the hosts with one of these roles
  --phase prepare|switch --release id [--shard i/n]
                  a two-phase deploy across CI jobs: prepare (upload, build) in each shard of the hosts, then one
                  switch over every host (refused, touching nothing, unless every host has the release prepared)
  --strategy k    override strategy.kind of the spec for this deploy (batches, canary, pause, max_failed are kept)
  --events f      also append every message to f as one JSON line: time, kind, log group, host, text

exit codes: 0 ok; 1 the operation failed (a deploy: cleanly, every host on the same release);
  2 bad input (nothing was touched); 3 a host unreachable or the lock held by another run (nothing was touched),
  a rollback refused because the hosts share no release to go back to, or (releases) a host could not be read
  (the others are listed);
  4 a deploy failed and left hosts on different or unknown releases (see the per-host table; check with slipway releases)`
