#!/usr/bin/env bash
# The demo's "build step": runs on the host, in the new release directory.
set -euo pipefail
echo "version $(cat VERSION) built at $(date -u +%H:%M:%S) in $(basename "$PWD")" | tee public/build.txt
