#!/usr/bin/env bash
# `npm run demo`: a throwaway sshd on 127.0.0.1, two deploys of examples/demo-app to it,
# the release table, a rollback, and the table again. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bash scripts/setup.sh --demo
work=$(mktemp -d /tmp/slipway-demo.XXXXXX)
chmod 755 "$work"
cleanup() { bash "$repo/scripts/sshd-lab.sh" stop "$work/sshd" || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
bash scripts/sshd-lab.sh start "$work/sshd" "$port" slipway >/dev/null
root="$work/srv/demo"
install -d -o slipway -g slipway "$work/srv" "$root" "$root/shared"
printf 'APP_ENV=demo\nAPP_SECRET=not-a-real-secret\n' | install -o slipway -g slipway -m 600 /dev/stdin "$root/shared/.env"
cp -r examples/demo-app "$work/app"
cat > "$work/app/slipway.yml" <<YAML
# The demo's deploy spec: see README.md for every key.
app: demo
path: $root
keep_releases: 3
hosts:
  - host: 127.0.0.1
    port: $port
    user: slipway
    identity: $work/sshd/id_ed25519
known_hosts: $work/sshd/known_hosts
source:
  exclude: [slipway.yml]
shared:
  files: [.env]
  dirs: [storage]
build:
  - ./build.sh
activate:
  - echo "now serving \$(cat VERSION)"
rollback_hooks:
  - echo "rolled back; clear caches and restart workers here"
YAML
slipway() { (cd "$work/app" && node "$repo/bin/slipway.js" "$@"); }
echo "### 1. first deploy of version 1.0.0 to $root over ssh://127.0.0.1:$port"
slipway deploy
sleep 1
echo "2.0.0" > "$work/app/VERSION"
echo; echo "### 2. second deploy (version 2.0.0)"
slipway deploy
echo; echo "### 3. releases"
slipway releases
echo; echo "### 4. rollback to the previous release"
slipway rollback
echo; echo "### 5. releases after the rollback"
slipway releases
echo; echo "### current -> $(readlink "$root/current"): $(cat "$root/current/public/build.txt")"
