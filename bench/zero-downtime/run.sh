#!/usr/bin/env bash
# bench/zero-downtime: nginx + php8.2-fpm serving current/public while wrk loads the health route during
# deploy + rollback cycles by the Slipway CLI. Prints totals, exits 0.
#   bash bench/zero-downtime/run.sh   BENCH_CYCLES=20, BENCH_CONNECTIONS=4, BENCH_ZD_MODES=reload,no-reload[,reload-pct0]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need openssh-server openssh-client sqlite3 php-cli php-sqlite3 php-laravel-framework php-doctrine-dbal \
  nginx php8.2-fpm php8.2-opcache wrk
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work zero-downtime
bench_compile bench/zero-downtime/zero-downtime.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-1500}" node .tmp/bench/bench/zero-downtime/zero-downtime.js
