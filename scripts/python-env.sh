# Sourced by scripts/build.sh, scripts/test.sh and .ci/run: the Python
# environment bangyang is installed into. Inside an active virtual environment
# that is the one; outside one it is .venv/ in the repository (made once, then
# reused), since Debian/Ubuntu's own Python refuses `pip install` (PEP 668).

in_venv() {
  python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)' 2>/dev/null
}

apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian/Ubuntu ship `python3 -m venv` without ensurepip; it comes in
# python3.X-venv. Prints that package's name when it is missing.
missing_venv_package() {
  python3 -c 'import ensurepip, venv' 2>/dev/null && return 0
  python3 -c 'import sys; print("python3.%d-venv" % sys.version_info[1])'
}

# Makes `python3` and the installed commands (bangyang, pytest...) those of the
# environment at $1 for this script and what it runs.
activate_venv() {
  export VIRTUAL_ENV="$1"
  export PATH="$VIRTUAL_ENV/bin:$PATH"
  unset PYTHONHOME
  hash -r
}

# Creates the virtual environment $1 (apt-installing venv support if missing).
make_venv() {
  local pkg
  pkg="$(missing_venv_package)"
  [ -z "$pkg" ] || apt_install "$pkg"
  rm -rf "$1"
  python3 -m venv "$1"
}

# Installs $1 ("." or ".[test]") editable into the active virtual environment,
# or, outside one, into .venv/ and activates that.
use_python_env() {
  if ! in_venv; then
    # A .venv whose Python has gone (an OS upgrade) or that a failed attempt left half made is made again.
    .venv/bin/python -m pip --version >/dev/null 2>&1 || make_venv .venv
    activate_venv "$PWD/.venv"
  fi
  python3 -m pip install --quiet --disable-pip-version-check -e "$1"
}
