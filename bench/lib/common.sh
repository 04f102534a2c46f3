# Sourced by bench/*/run.sh: Debian packages on demand, a work dir that is always cleaned up,
# and the compile step for a bench's TypeScript (as bench/README.md does for check.ts).
# Needs root (apt-get, sshd, useradd); everything listens on 127.0.0.1 only.

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# bench_need PKG...: installs the missing Debian packages without starting their system services.
bench_need() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bench: installing ${missing[*]}" >&2
  local own_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Keep Debian from starting nginx/php-fpm on :80 and the system socket: the bench runs its own.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=true
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local rc=$?
  $own_policy && rm -f /usr/sbin/policy-rc.d
  return $rc
}

# bench_work NAME: creates $BENCH_WORK (world-readable: the lab user reads it) and cleans it up on exit
# (BENCH_KEEP=1 keeps the directory and its logs; the processes are stopped either way).
bench_work() {
  BENCH_WORK=$(mktemp -d "/tmp/slipway-bench-$1.XXXXXX")
  chmod 755 "$BENCH_WORK"
  mkdir -p "$BENCH_WORK/pids"
  export BENCH_WORK
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Stops what the bench started (by the pids it recorded, or the pid files it pointed at), then removes the work dir.
bench_cleanup() {
  local f pid
  for f in "$BENCH_WORK"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null) || continue
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for f in "$BENCH_WORK"/pids/*.pidfile; do  # daemons whose pid changes (php-fpm after a reload)
    [ -f "$f" ] || continue
    pid=$(cat "$(cat "$f")" 2>/dev/null) || continue
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  [ -d "$BENCH_WORK/sshd" ] && bash "$bench_repo/scripts/sshd-lab.sh" stop "$BENCH_WORK/sshd" || true
  sleep 0.2
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: BENCH_KEEP is set; logs kept in $BENCH_WORK" >&2; else rm -rf "$BENCH_WORK"; fi
}

# bench_compile ENTRY.ts: compiles the entry and what it imports into .tmp/bench (git-ignored).
bench_compile() {
  (cd "$bench_repo" && node_modules/.bin/tsc --module nodenext --moduleResolution nodenext --target es2022 --strict \
    --skipLibCheck --types node --outDir .tmp/bench --rootDir . "$1")
}
