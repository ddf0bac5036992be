#!/usr/bin/env bash
# Set up textmend in ./.venv and mend the seed document (README: first command).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -e .
# byte-compile the package as a regular (non-editable) install does: with
# PYTHONDONTWRITEBYTECODE set, every start would otherwise compile the sources (~0.15 s)
.venv/bin/python -m compileall -q -f src >/dev/null || true  # (-f: a file edited twice in one second keeps a stale .pyc otherwise)
.venv/bin/textmend seeds/*.txt
