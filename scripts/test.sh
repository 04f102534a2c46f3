#!/usr/bin/env bash
# The whole test suite: install what is missing, types, a fresh dist/, then every jest test
# (unit tests and end-to-end tests on a real sshd and a real Laravel app).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The type check and the dist check at once (one core each); both must pass.
npx tsc --noEmit -p tsconfig.json & types=$!
dist=0; bash scripts/check-dist.sh || dist=$?
wait "$types"
[ "$dist" = 0 ]
NODE_OPTIONS=--experimental-vm-modules npx jest "$@"
