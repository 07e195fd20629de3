#!/usr/bin/env bash
# Runs Timelapser: set-up, database migrations (plus the demo camera), then the web app
# and the Huey consumers (captures, renders) together (Procfile). Open http://localhost:${PORT:-8000}/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
export TL_DATA_DIR=${TL_DATA_DIR:-$PWD/data}
.venv/bin/flask --app wsgi init-db
exec .venv/bin/honcho start -f Procfile -p "${PORT:-8000}"
