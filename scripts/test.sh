#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the package with its
# test extras, Debian's Chromium (Playwright cannot download browsers here)
# and a small CJK font so pages are measured with real Chinese glyphs.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

need=()
for pkg in chromium fonts-wqy-microhei; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python3 -m ruff check generator tests
python3 -m pytest -q "$@"
