#!/usr/bin/env bash
# Installs what Slipway's tests and demo need, idempotently: Debian packages (when missing),
# node modules (npm ci when package-lock.json changed), and the local databases (started when down).
#   scripts/setup.sh            everything the test suite needs
#   scripts/setup.sh --demo     only what `npm run demo` needs (an OpenSSH server)
set -euo pipefail
cd "$(dirname "$0")/.."
demo_only=false; [ "${1:-}" = "--demo" ] && demo_only=true

pkgs=(openssh-server openssh-client git)
$demo_only || pkgs+=(php-cli php-sqlite3 php-mysql php-pgsql php-laravel-framework php-doctrine-dbal sqlite3 sqitch libdbd-sqlite3-perl curl)
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
  # This machine's registry lacks some of rollup's optional per-platform packages, so npm leaves them out of
  # package-lock.json and `npm ci` then refuses the lock as out of sync; `npm install` installs the same tree.
  if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/slipway-npm-ci.log; then
    echo "setup: npm ci refused the lock ($(grep -m1 -o 'Missing: [^ ]*' /tmp/slipway-npm-ci.log || echo see /tmp/slipway-npm-ci.log)); using npm install"
    npm install --no-audit --no-fund --loglevel=error
  fi
fi

# PostgreSQL and MariaDB for the migration tests: start them when they are installed but down.
if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  echo "setup: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v mariadbd >/dev/null && ! mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "setup: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  for _ in $(seq 1 60); do mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
exit 0
