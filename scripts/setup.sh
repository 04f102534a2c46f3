#!/usr/bin/env bash
# Installs what Slipway's tests and demo need, idempotently: Debian packages (when missing),
# node modules (npm ci when package-lock.json changed), and the local databases (scripts/databases.sh).
#   scripts/setup.sh            everything the test suite needs
#   scripts/setup.sh --demo     only what `npm run demo` needs (an OpenSSH server)
set -euo pipefail
cd "$(dirname "$0")/.."
demo_only=false; [ "${1:-}" = "--demo" ] && demo_only=true

pkgs=(openssh-server openssh-client git)
$demo_only || pkgs+=(php-cli php-sqlite3 php-mysql php-pgsql php-laravel-framework php-doctrine-dbal sqlite3 sqitch postgresql mariadb-server mariadb-client libdbd-sqlite3-perl curl)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
$demo_only && exit 0

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error   # a lock out of sync with package.json fails here, loudly
fi

bash scripts/databases.sh

# The current-Laravel fixture from Composer (built once into ~/.cache/slipway; a Composer failure fails set-up).
bash scripts/laravel-current.sh >/dev/null
