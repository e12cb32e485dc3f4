#!/usr/bin/env bash
# PDF reports: pdftoppm (poppler-utils) renders report pages to PNG so tests can check them.
set -euo pipefail
if command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q poppler-utils >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q poppler-utils >/dev/null; }
command -v pdftoppm >/dev/null
