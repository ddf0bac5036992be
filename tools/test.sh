#!/usr/bin/env bash
# Install what the tests need into ./.venv and run the whole test suite (README: second command).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/python -m pytest "$@"
