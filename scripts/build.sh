#!/usr/bin/env bash
# Installs bangyang and builds the example site into output/. Inside an active
# virtual environment bangyang goes there; outside one into .venv/ here (see
# scripts/python-env.sh). Arguments go to `bangyang build`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/python-env.sh

use_python_env .
python3 -m generator build "$@"
