#!/usr/bin/env bash
# Set up rxatlas on a fresh machine: Debian's Chromium and a CJK font (for the web tests and PDF reports,
# installed when missing and run as root), and a virtual environment with the locked Python dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # the load generator of bench/api.py
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 \
  || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: install ${missing[*]} (Debian packages) for the web app, browser tests and PDF reports" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# uv (its locked version, installed by pip) installs the locked dependencies in half the time pip takes.
if ! cmp -s requirements.lock .venv/.installed-lock 2>/dev/null; then
  .venv/bin/python -m pip install --quiet "$(grep '^uv==' requirements.lock)"
  .venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements.lock
  cp requirements.lock .venv/.installed-lock
fi
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps -e .
# The web app's offline map files (npm packages pinned by rxatlas/web/package-lock.json), copied into
# rxatlas/web/static/vendor (not in git) whenever the lock file changed.
web=rxatlas/web
if ! cmp -s "$web/package-lock.json" "$web/static/vendor/.installed-lock" 2>/dev/null; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$web" && npm ci --silent --no-audit --no-fund && node copy-vendor.mjs >/dev/null)
    cp "$web/package-lock.json" "$web/static/vendor/.installed-lock"
  else
    echo "note: without npm the web app has no world map files (rxatlas/web/static/vendor)" >&2
  fi
fi
