#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh, safe to repeat: system packages,
# .venv in the project root with the pinned Python packages, and the front-end files from
# npm copied into static/vendor. Usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

if [ "$mode" = test ]; then bash scripts/system-deps.sh --test; else bash scripts/system-deps.sh; fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

# Reinstall only when the requirement files change.
reqs=requirements.txt
[ "$mode" = test ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$reqs" | sha256sum | cut -c1-16)-$mode"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$reqs"
  touch "$stamp"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p static/vendor
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
cp node_modules/htmx-ext-sse/dist/sse.min.js static/vendor/htmx-ext-sse.min.js
