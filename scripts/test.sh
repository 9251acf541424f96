#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the package with its
# test extras (into the active virtual environment, or into .venv/ outside
# one: see scripts/python-env.sh), Debian's Chromium (Playwright cannot
# download browsers here), a small CJK font so pages are measured with real
# Chinese glyphs, and the W3C Nu HTML checker (vnu-jar from npm, run by
# Debian's Java) for the conformance tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/python-env.sh

need=()
for pkg in chromium fonts-wqy-microhei default-jre-headless; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
in_venv || need+=($(missing_venv_package))
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

use_python_env '.[test]'

# The Nu checker: a jar in an npm package, kept in the git-ignored .cache/
# (--ignore-scripts: its optional postinstall only looks for Java, which apt gave us).
if [ ! -f .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/vnu vnu-jar@26 >/dev/null
fi
export BANGYANG_VNU_JAR="$PWD/.cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"

python3 -m ruff check generator tests
python3 -m pytest -q "$@"
