#!/usr/bin/env bash
# Set up everything Footnote needs on a Debian machine, then run it or its tests.
#
#   bash packaging/bootstrap.sh run  [footnote arguments]   # start Footnote (demo archive on first run)
#   bash packaging/bootstrap.sh test [pytest arguments]     # run the whole test suite
#
# Installs missing Debian packages (when root, or with sudo), makes a virtual
# environment in .venv and installs the pinned dependencies into it.  Running it
# again only reinstalls when pyproject.toml changed.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  run|test) shift ;;
  *) echo "usage: bash packaging/bootstrap.sh run|test [arguments]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8 PIP_DISABLE_PIP_VERSION_CHECK=1

# Qt's runtime libraries (offscreen and xcb), fonts, Python with venv, and
# poppler-utils (pdftotext, the reference in the PDF benchmarks).
apt_packages=(
  python3 python3-venv python3-pip
  libegl1 libgl1 libx11-6 libxkbcommon0 libfontconfig1 fontconfig-config fonts-dejavu-core
  libglib2.0-0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
  libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0
  poppler-utils binutils
)

install_apt_packages() {
  command -v dpkg-query >/dev/null || return 0  # not Debian: trust the machine
  local missing=()
  for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "bootstrap: missing Debian packages (install them as root): ${missing[*]}" >&2; return 1
    fi
  fi
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  # The distribution's own interpreters first: Debian builds them with profile-guided and link-time
  # optimisation and a static libpython, which a default pyenv or source build lacks; Footnote starts
  # about a quarter faster on them (benchmarks/bench_desktop.py).  Newest first: on CPython 3.12+ None
  # and the booleans are immortal, which PySide6 6.12 relies on (desktop/_pyside_refcounts.py guards 3.11).
  local candidate
  for candidate in /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3 \
                   python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "bootstrap: Footnote needs Python 3.11 or newer with venv" >&2
  return 1
}

install_venv() {
  local python stamp wanted
  python="$(find_python)"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  stamp=.venv/.footnote-installed
  wanted="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "bootstrap: installing Python packages into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    echo "$wanted" > "$stamp"
  fi
}

compile_sources() {
  # Byte-compile Footnote's own modules after each change.  Where PYTHONDONTWRITEBYTECODE is set (as on
  # some machines) Python never saves them and compiled them again at every start: about 0.3 s.
  local stamp=.venv/.footnote-compiled
  if [ ! -e "$stamp" ] || [ -n "$(find archive desktop -name '*.py' -newer "$stamp" -print -quit)" ]; then
    touch "$stamp"  # before compiling: a file saved meanwhile is newer, and compiled next time
    .venv/bin/python -m compileall -q archive desktop >/dev/null
  fi
}

install_apt_packages
install_venv
compile_sources

if [ "$mode" = test ]; then
  export QT_QPA_PLATFORM=offscreen
  exec .venv/bin/python -m pytest "$@"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "bootstrap: no display found (DISPLAY is not set). Run this in a desktop session," >&2
  echo "  or under a virtual one: xvfb-run bash packaging/bootstrap.sh run" >&2
  exit 1
fi
exec .venv/bin/footnote "$@"
