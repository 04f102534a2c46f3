#!/usr/bin/env bash
# bench/peer: Slipway vs Capistrano 3 on the Laravel fixture over one loopback sshd. Prints figures, exits 0.
#   bash bench/peer/run.sh            BENCH_RUNS=5 (runs per tool), BENCH_HOOKS=1 (artisan hooks on both sides)
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$bench_repo"
bench_need openssh-server openssh-client sqlite3 php-cli php-sqlite3 php-laravel-framework php-doctrine-dbal \
  capistrano ruby-ed25519 ruby-bcrypt-pbkdf
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bench_work peer
bench_compile bench/peer/peer.ts
timeout --kill-after=10 "${BENCH_TIMEOUT:-1200}" node .tmp/bench/bench/peer/peer.js
