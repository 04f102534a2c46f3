#!/usr/bin/env bash
# Builds the current-Laravel test fixture from Composer, once, outside the repo (nothing from the framework
# is committed): `composer create-project laravel/laravel` at the newest version the configured Packagist
# (copy) holds that this PHP can install, with a composer.lock and vendor/ built by Composer.
#   scripts/laravel-current.sh        builds it when missing or built by an older recipe; prints its directory
# The cache is ${SLIPWAY_CACHE:-~/.cache/slipway}/laravel-current; .slipway-fixture in it records the versions.
# The tests copy it without vendor/ and add __tests__/fixtures/laravel-current-overlay (routes, health endpoint);
# the host builds vendor/ with the preset's own `composer install`. Any Composer failure fails this script.
set -euo pipefail
recipe=1   # bump when the steps below change: an existing cache is rebuilt
cache="${SLIPWAY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway}"
dir="$cache/laravel-current"
stamp="$dir/.slipway-fixture"
mkdir -p "$cache"

ready() { [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "recipe $recipe" ] && [ -f "$dir/vendor/autoload.php" ] && [ -f "$dir/composer.lock" ]; }
if ready; then echo "$dir"; exit 0; fi

if ! command -v composer >/dev/null || ! command -v unzip >/dev/null; then
  # Machines of the `php` kind have Composer set up for their Packagist copy; elsewhere Debian's package will do.
  echo "laravel-current: installing composer and unzip (Debian packages)" >&2
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends composer unzip >/dev/null
fi
command -v flock >/dev/null || { echo "laravel-current: flock (util-linux) is missing" >&2; exit 1; }

# One builder at a time (several worktrees may run set-up together); the others wait and reuse its result.
exec 9>"$cache/.laravel-current.lock"
flock 9
if ready; then echo "$dir"; exit 0; fi

tmp=$(mktemp -d "$cache/.laravel-current.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo "laravel-current: composer create-project laravel/laravel (newest this PHP can install)" >&2
# --no-install: the dev tools of the skeleton are dropped first (some need a newer PHP than the host's, and
# a deploy target does not need them); --no-scripts: no .env, key or migration in the fixture.
composer create-project laravel/laravel app --no-install --no-scripts --no-interaction >&2
cd app
dev=$(php -r '$j = json_decode(file_get_contents("composer.json"), true); echo implode(" ", array_keys($j["require-dev"] ?? []));')
if [ -n "$dev" ]; then
  # shellcheck disable=SC2086 # package names, one word each
  composer remove --dev --no-update --no-interaction $dev >&2
fi
# A machine-wide `lock: false` must not leave the fixture without composer.lock: the host installs from it.
composer config lock true
composer install --no-dev --no-scripts --no-interaction --prefer-dist --no-progress >&2
[ -f composer.lock ] || { echo "laravel-current: composer install wrote no composer.lock" >&2; exit 1; }

skeleton=$(php -r 'echo json_decode(file_get_contents("composer.json"), true)["version"] ?? "unknown";')
framework=$(php -r 'foreach (json_decode(file_get_contents("composer.lock"), true)["packages"] as $p) { if ($p["name"] === "laravel/framework") { echo $p["version"]; } }')
[ -n "$framework" ] || { echo "laravel-current: laravel/framework is not in composer.lock" >&2; exit 1; }
booted=$(php artisan --version)   # the framework boots in this skeleton (fails loudly otherwise)
printf 'recipe %s\nlaravel/laravel %s\nlaravel/framework %s\nphp %s\nartisan %s\n' "$recipe" "$skeleton" "$framework" "$(php -r 'echo PHP_VERSION;')" "$booted" > .slipway-fixture

cd "$cache"
rm -rf "$dir"
mv "$tmp/app" "$dir"
echo "laravel-current: built $dir ($(sed -n 2,3p "$stamp" | tr '\n' ' '))" >&2
echo "$dir"
