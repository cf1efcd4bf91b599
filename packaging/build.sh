#!/usr/bin/env bash
# Build Footnote as a one-folder application that runs without Python, then smoke-test it.
#
#   bash packaging/build.sh            # build dist/Footnote/, pack it, test it, print the figures
#   bash packaging/build.sh --no-test  # build and pack only
#
# Produces
#   dist/Footnote/Footnote                               the application (`Footnote --selftest` checks it)
#   dist/Footnote/install.sh                             installs it with its menu entry and icon
#   dist/Footnote-<version>-linux-<arch>.tar.gz          the same folder, packed for downloading
#
# Set-up first (the .venv with PyInstaller, binutils for objdump) goes through packaging/bootstrap.sh
# and costs nothing when it is done.  The build starts clean every time (build/pyinstaller and
# dist/Footnote are removed), so nothing stale ever ships.  The tests run on a copy of the folder in a
# temporary directory, started with an empty environment (env -i), so they cannot lean on this
# checkout, its .venv or the build machine's Python:
#   1. every shared library the bundle needs is inside it or one a desktop system provides (libc, GL, ...),
#      and no QML, Quick, WebEngine, virtual keyboard or multimedia part got in;
#   2. `Footnote --version`, and `Footnote --selftest` (archive, imports in worker processes, verify,
#      search, export, validate, PDF rendering, main window; offscreen);
#   3. install.sh into a temporary prefix, the installed command and menu entry, then --uninstall;
#   4. the cold start to the main window, twice, on an archive of the demo files (under Xvfb if installed).
set -euo pipefail

run_tests=1
for arg in "$@"; do
  case "$arg" in
    --no-test) run_tests=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "usage: bash packaging/build.sh [--no-test]" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8
ID=io.github.footnote.Footnote
ICON_SIZES=(16 24 32 48 64 128 256 512)
# Libraries a bundle must take from the system it runs on: the C library, the graphics drivers' GL/EGL,
# the display server's protocol libraries.  Anything else missing from the bundle is a build error.
SYSTEM_LIBRARIES='^(ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|lib(c|m|dl|pthread|rt|resolv|util)\.so\..*|lib(GL|EGL|GLX|OpenGL|gbm|drm)\.so\..*|libwayland-(client|cursor|egl)\.so\..*|libxcb\.so\.1)$'

step() { printf '\nbuild: %s\n' "$*"; }
seconds_since() { echo "$(( $(date +%s) - $1 ))"; }

step "set-up (packaging/bootstrap.sh)"
bash packaging/bootstrap.sh test --version >/dev/null
command -v objdump >/dev/null || { echo "build: PyInstaller needs objdump: apt-get install binutils" >&2; exit 1; }
python=.venv/bin/python
# PyInstaller ships the interpreter's shared library.  Debian's python3.X binary is linked statically, so
# its libpython3.X.so.1.0 comes in a package of its own (libpython3.X), not installed with python3.
libpython="$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("INSTSONAME") or "")')"
if [ -n "$libpython" ] && ! ldconfig -p | grep -q " $libpython " &&
   ! [ -e "$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')/$libpython" ]; then
  package="${libpython%%.so*}"
  if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
    step "apt-get install $package (PyInstaller needs $libpython)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  else
    echo "build: PyInstaller needs $libpython: install $package" >&2; exit 1
  fi
fi
version="$("$python" -c 'import archive; print(archive.__version__)')"
archive_name="Footnote-$version-linux-$(uname -m).tar.gz"
app=dist/Footnote

step "pyinstaller packaging/footnote.spec"
started=$(date +%s)
rm -rf build/pyinstaller "$app" "dist/$archive_name"
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/footnote.spec

# Desktop integration files beside the application, in the layout install.sh copies from.
install -Dm644 "packaging/linux/$ID.desktop" "$app/share/applications/$ID.desktop"
install -Dm644 "packaging/linux/$ID.metainfo.xml" "$app/share/metainfo/$ID.metainfo.xml"
for size in "${ICON_SIZES[@]}"; do
  install -Dm644 "resources/icons/footnote-$size.png" "$app/share/icons/hicolor/${size}x${size}/apps/$ID.png"
done
install -Dm644 resources/icons/footnote.svg "$app/share/icons/hicolor/scalable/apps/$ID.svg"
install -m755 packaging/linux/install.sh "$app/install.sh"
build_seconds=$(seconds_since "$started")

step "pack dist/$archive_name"
tar -C dist --sort=name --owner=0 --group=0 --numeric-owner -czf "dist/$archive_name" Footnote
folder_size="$(du -sh "$app" | cut -f1)"
packed_size="$(du -h "dist/$archive_name" | cut -f1)"

if [ "$run_tests" = 1 ]; then
  step "check the bundled libraries"
  needed="$(find "$app" -type f \( -name '*.so*' -o -name Footnote \) -print0 | xargs -0 objdump -p 2>/dev/null |
            awk '/NEEDED/ {print $2}' | sort -u)"
  bundled="$(find "$app" -name '*.so*' -printf '%f\n' | sort -u)"
  missing="$(comm -23 <(echo "$needed") <(echo "$bundled") | grep -Ev "$SYSTEM_LIBRARIES" || true)"
  if [ -n "$missing" ]; then
    echo "build: needed but neither bundled nor a system library:" $missing >&2
    exit 1
  fi
  echo "$(echo "$needed" | wc -l) libraries needed, all bundled or system ones"
  unwanted="$(find "$app" \( -iname '*qml*' -o -iname '*quick*' -o -iname '*webengine*' -o -iname '*virtualkeyboard*' \
              -o -iname '*multimedia*' -o -iname '*designer*' \) -printf '%P\n')"
  if [ -n "$unwanted" ]; then
    echo "build: Qt parts Footnote does not use got into the bundle:" $unwanted >&2
    exit 1
  fi
  if command -v desktop-file-validate >/dev/null; then desktop-file-validate "packaging/linux/$ID.desktop"; fi
  if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net "packaging/linux/$ID.metainfo.xml"; fi

  scratch="$(mktemp -d /tmp/footnote-build.XXXXXX)"
  trap 'rm -rf "$scratch"' EXIT
  cp -a "$app" "$scratch/Footnote"
  copy="$scratch/Footnote/Footnote"
  mkdir -p "$scratch/home"
  cd "$scratch"  # nothing of the checkout in reach

  step "smoke test: env -i $copy --selftest"
  env -i "$copy" --version
  started=$(date +%s)
  timeout 300 env -i "$copy" --selftest
  selftest_seconds=$(seconds_since "$started")

  step "install.sh into a temporary prefix"
  env -i HOME="$scratch/home" PATH=/usr/bin:/bin "$scratch/Footnote/install.sh" --prefix "$scratch/prefix"
  env -i "$scratch/prefix/bin/footnote" --version
  test -f "$scratch/prefix/share/icons/hicolor/256x256/apps/$ID.png"
  grep -qx "Exec=$scratch/prefix/lib/footnote/Footnote" "$scratch/prefix/share/applications/$ID.desktop"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$scratch/prefix/share/applications/$ID.desktop"
  fi
  env -i HOME="$scratch/home" PATH=/usr/bin:/bin "$scratch/Footnote/install.sh" --prefix "$scratch/prefix" --uninstall
  test ! -e "$scratch/prefix/lib/footnote" && test ! -e "$scratch/prefix/bin/footnote"

  # On X11 under Xvfb when it is installed (the real start), else on Qt's offscreen platform.
  if command -v xvfb-run >/dev/null; then platform="X11 (Xvfb)"; else platform=offscreen; fi
  step "cold start to the main window, $platform (an archive of the demo files)"
  demo="$scratch/Footnote/_internal/resources/demo"
  env -i HOME="$scratch/home" LANG=C.UTF-8 "$copy" --archive "$scratch/archive" import \
    "$demo/ai-executive-order-digest.txt" "$demo/sources" | tail -1
  launch='exec timeout 120 env -i DISPLAY="${DISPLAY:-}" XAUTHORITY="${XAUTHORITY:-}" HOME="$1" LANG=C.UTF-8 \
    QT_QPA_PLATFORM="$2" FOOTNOTE_STARTUP_PROBE="$(date +%s.%N)" "$3" --archive "$4"'
  startup=()
  for run in first second; do
    if command -v xvfb-run >/dev/null; then
      output="$(xvfb-run -a -s "-screen 0 1600x1000x24" sh -c "$launch" sh "$scratch/home" xcb "$copy" "$scratch/archive")"
    else
      output="$(sh -c "$launch" sh "$scratch/home" offscreen "$copy" "$scratch/archive")"
    fi
    line="$(echo "$output" | grep '^startup:')"
    echo "$run run: $line"
    startup+=("$(echo "$line" | grep -o 'after [0-9.]* s' | head -1 | cut -d' ' -f2-)")
  done
fi

step "figures"
echo "  build time   ${build_seconds} s (pyinstaller, clean)"
echo "  folder       $app: $folder_size"
echo "  packed       dist/$archive_name: $packed_size"
if [ "$run_tests" = 1 ]; then
  echo "  smoke test   passed in ${selftest_seconds} s"
  echo "  cold start   ${startup[0]} (first run), ${startup[1]} (second run) to the main window, $platform"
fi
