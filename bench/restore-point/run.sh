#!/usr/bin/env bash
# bench/restore-point: time and size of Slipway's built-in restore point for a ~100 MB SQLite database and a PostgreSQL
# table of 1 M rows, as ratios against a physical floor measured in the same run (cp of the file; COPY of the table).
#   bash bench/restore-point/run.sh      BENCH_SQLITE_MB=100 BENCH_PG_ROWS=1000000; PostgreSQL on 127.0.0.1:5432 (user postgres, trust)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need sqlite3 php-cli php-sqlite3 php-pgsql postgresql-client
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work restore-point
bench_compile bench/restore-point/restore-point.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-900}" node .tmp/bench/bench/restore-point/restore-point.js
