#!/usr/bin/env bash
# Set up rxatlas on a fresh machine: a virtual environment with the locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if ! cmp -s requirements.lock .venv/.installed-lock 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.lock
  cp requirements.lock .venv/.installed-lock
fi
.venv/bin/python -m pip install --quiet --no-deps -e .
