#!/usr/bin/env bash
# bench/upload: bytes Slipway sends for a redeploy with one changed file in a ~10,000-file app, vs a full upload.
#   bash bench/upload/run.sh          BENCH_FILES=10000 (generated vendor files)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need openssh-server openssh-client sqlite3 php-cli php-sqlite3 php-laravel-framework php-doctrine-dbal
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work upload
bench_compile bench/upload/upload.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-600}" node .tmp/bench/bench/upload/upload.js
