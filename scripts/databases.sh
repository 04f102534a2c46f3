#!/usr/bin/env bash
# Starts the databases the migration tests use, idempotently, without systemd:
#   PostgreSQL on 127.0.0.1:5432, user postgres, trust auth for loopback;
#   MariaDB on 127.0.0.1:3306, user root, empty password.
# Both are installed by scripts/setup.sh (Debian packages postgresql, mariadb-server). A database that cannot be
# started fails the set-up: no test may skip for lack of one.
set -euo pipefail

fail() { echo "databases: $*" >&2; exit 1; }

start_postgres() {
  command -v pg_ctlcluster >/dev/null || fail "PostgreSQL is not installed (apt-get install postgresql)"
  local version; version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$version" main >/dev/null
  fi
  local hba=/etc/postgresql/$version/main/pg_hba.conf
  if ! grep -q '^# slipway-tests' "$hba"; then
    # Loopback trust first, so the tests' `-U postgres` over TCP needs no password.
    { echo '# slipway-tests: loopback trust for the test suite'
      echo 'host all all 127.0.0.1/32 trust'
      echo 'host all all ::1/128 trust'
      cat "$hba"; } >"$hba.new" && mv "$hba.new" "$hba"
    pg_isready -h 127.0.0.1 -q 2>/dev/null && pg_ctlcluster "$version" main reload
  fi
  if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
    echo "databases: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -q && break; sleep 0.5; done
  psql -h 127.0.0.1 -U postgres -Atc 'select 1' >/dev/null || fail "PostgreSQL does not accept postgres@127.0.0.1 (see $hba)"
}

start_mariadb() {
  command -v mariadbd >/dev/null || fail "MariaDB is not installed (apt-get install mariadb-server)"
  if ! mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
    install -d -o mysql -g mysql /run/mysqld
    if ! mysqladmin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1; then
      echo "databases: starting MariaDB"
      start-stop-daemon --start --oknodo --background --chuid mysql --exec /usr/sbin/mariadbd -- --bind-address=127.0.0.1
    fi
    for _ in $(seq 1 60); do mysqladmin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1 && break; sleep 0.5; done
    # Debian's root logs in through the unix socket only; the tests connect over TCP with an empty password.
    mariadb --socket=/run/mysqld/mysqld.sock -uroot -e \
      "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" 2>/dev/null || true
  fi
  mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1 || fail "MariaDB does not accept root@127.0.0.1 without a password"
}

start_postgres
start_mariadb
