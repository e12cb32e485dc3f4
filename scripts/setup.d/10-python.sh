#!/usr/bin/env bash
# Python environment: a venv with Kinetrace and every extra the tests use.
set -euo pipefail
VENV="${VENV:-$PWD/.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[all,test]"
