#!/usr/bin/env bash
# bench/speed: Slipway against the floors it cannot beat (bare Node, OpenSSH `ssh host true`) and against Capistrano,
# on one loopback sshd: cold start, manual rollback, revert after a failed smoke check, redeploy of a big app.
#   bash bench/speed/run.sh     BENCH_RUNS=7 (samples per figure), BENCH_FILES=10000 (big app), BENCH_PLAN_FILES=100000
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need openssh-server openssh-client sqlite3 php-cli php-sqlite3 php-laravel-framework php-doctrine-dbal \
  capistrano ruby-ed25519 ruby-bcrypt-pbkdf
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work speed
bench_compile bench/speed/speed.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-1800}" node .tmp/bench/bench/speed/speed.js
