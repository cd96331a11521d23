#!/usr/bin/env bash
# Set up rxatlas and build the atlas from the shared data snapshots, then show what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RXATLAS_MIRROR=${RXATLAS_MIRROR:-$(cd .. && pwd)/shared/data}
.venv/bin/rxatlas build "$@"
