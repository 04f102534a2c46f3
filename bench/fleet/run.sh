#!/usr/bin/env bash
# bench/fleet: deploy, redeploy and rollback time for 1, 10 and 50 hosts, each its own sshd in its own mount
# namespace with its own disk; peak memory of the CLI and SSH connections per operation. Prints figures, exits 0.
#   bash bench/fleet/run.sh        BENCH_HOSTS=1,10,50 (fleet sizes)  BENCH_RUNS=3 (runs per figure)  BENCH_FILES=200
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need openssh-server openssh-client time
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work fleet
bench_compile bench/fleet/fleet.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-1800}" node .tmp/bench/bench/fleet/fleet.js
