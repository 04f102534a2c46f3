#!/usr/bin/env bash
# The whole test suite: install what is missing, types, a fresh dist/, then every jest test
# (unit tests and end-to-end tests on a real sshd and a real Laravel app).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc --noEmit -p tsconfig.json
bash scripts/check-dist.sh
NODE_OPTIONS=--experimental-vm-modules npx jest "$@"
