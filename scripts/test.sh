#!/usr/bin/env bash
# The whole test suite: types, a fresh dist/, then every jest test (unit + e2e on a real sshd).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck
bash scripts/check-dist.sh
NODE_OPTIONS=--experimental-vm-modules npx jest "$@"
