#!/usr/bin/env bash
# Fails when the committed dist/ is not what `npm run bundle` makes from the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
npx rollup --config rollup.config.js --silent -d "$tmp" >/dev/null
if ! diff -r -q dist "$tmp" >/dev/null; then
  diff -r -q dist "$tmp" || true
  echo "dist/ is stale: run 'npm run bundle' and commit dist/" >&2
  exit 1
fi
echo "dist/ is fresh"
