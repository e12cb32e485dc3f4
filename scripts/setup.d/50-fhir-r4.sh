#!/usr/bin/env bash
# FHIR R4 check for the export tests: fhir.resources 6.4.0 (models generated from the FHIR R4 4.0.1 core
# StructureDefinitions, with pydantic 1) installed with `pip install --target` into $KT_CACHE/fhir-r4 (PyPI only).
# It is never imported by Kinetrace or the test process: tests/exports/r4_check.py runs it in `python -S`, apart from
# the venv's fhir.resources 8 (R5/R4B/STU3) and pydantic 2. Idempotent and cached.
set -euo pipefail
VENV="${VENV:-$PWD/.venv}"
KT_CACHE="${KT_CACHE:-$PWD/.cache}"
TARGET="$KT_CACHE/fhir-r4"
STAMP="$TARGET/.complete-v1"
[ -f "$STAMP" ] && { echo "fhir-r4: cached in $TARGET"; exit 0; }
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3
rm -rf "$TARGET"
"$PY" -m pip install -q --no-warn-conflicts --target "$TARGET" "fhir.resources==6.4.0" "pydantic[email]>=1.10,<2"
touch "$STAMP"
echo "fhir-r4: installed in $TARGET"
