#!/usr/bin/env bash
# Set up the Zhangjiang Planning Map on Debian: system packages, .venv, Python packages.
#
#   bash scripts/setup.sh            # what the app needs (Python packages, CJK fonts for printed maps)
#   bash scripts/setup.sh --browser  # also what the tests need: Chromium, chromium-driver, poppler-utils
#                                    # and requirements-dev.txt (pytest, Playwright, ruff, mypy)
#
# Idempotent: apt-get runs only when a package is missing (and then needs root), an
# existing .venv is reused, and pip only installs what the requirements files still lack.
# Used by the README's commands and by .ci/run alike.
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) with_browser=1 ;;
    *) echo "setup.sh: unknown option $arg (known: --browser)" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-python3}"
missing=()
need_deb() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing+=("$1")
}
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  need_deb python3-venv
fi
# Chinese text in printed maps (matplotlib) needs a CJK font
need_deb fonts-noto-cjk
if [ "$with_browser" = 1 ]; then
  need_deb chromium
  need_deb chromium-driver
  # pdftoppm, used by the tests to check printed PDFs
  need_deb poppler-utils
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: please install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup.sh: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
  echo "setup.sh: creating .venv with $("$PY" --version 2>&1)"
  "$PY" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
requirements=requirements.txt
[ "$with_browser" = 1 ] && requirements=requirements-dev.txt
.venv/bin/python -m pip install -q -r "$requirements" </dev/null
echo "setup.sh: ready ($(.venv/bin/python --version 2>&1), .venv)"
