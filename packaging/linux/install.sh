#!/usr/bin/env bash
# Install the packaged Footnote (this folder) so it shows up in the desktop's menu and as `footnote`.
#
#   ./install.sh                  # for you: ~/.local (as root: /usr/local)
#   ./install.sh --prefix DIR     # somewhere else
#   ./install.sh --uninstall      # remove what an install put there (same --prefix)
#
# What goes where, under the prefix:
#   lib/footnote/                          this folder (the application)
#   bin/footnote                           a link to lib/footnote/Footnote (the command line)
#   share/applications/io.github.footnote.Footnote.desktop   the menu entry
#   share/metainfo/io.github.footnote.Footnote.metainfo.xml  the software-centre description
#   share/icons/hicolor/<size>/apps/io.github.footnote.Footnote.{png,svg}  the icon
set -euo pipefail

ID=io.github.footnote.Footnote
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
prefix="$(mkdir -p "$prefix" && cd "$prefix" && pwd)"
app="$prefix/lib/footnote"
icons="$prefix/share/icons/hicolor"

refresh() {  # menus and icon caches notice new files by themselves on most desktops; help the others
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
}

if [ "$uninstall" = 1 ]; then
  rm -rf "$app"
  rm -f "$prefix/bin/footnote" "$prefix/share/applications/$ID.desktop" "$prefix/share/metainfo/$ID.metainfo.xml"
  rm -f "$icons"/*/apps/"$ID".png "$icons/scalable/apps/$ID.svg"
  refresh
  echo "Footnote removed from $prefix"
  exit 0
fi

[ -x "$here/Footnote" ] || { echo "install.sh: run me from the Footnote folder (no $here/Footnote)" >&2; exit 1; }
if [ "$here" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$prefix/lib"
  cp -a "$here" "$app.new"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
mkdir -p "$prefix/bin" "$prefix/share/applications" "$prefix/share/metainfo"
ln -sfn "$app/Footnote" "$prefix/bin/footnote"
# The menu entry starts this installation wherever it is, whether or not bin/ is on the PATH.
sed -e "s|^Exec=.*|Exec=$app/Footnote|" -e "s|^TryExec=.*|TryExec=$app/Footnote|" \
  "$app/share/applications/$ID.desktop" > "$prefix/share/applications/$ID.desktop"
cp "$app/share/metainfo/$ID.metainfo.xml" "$prefix/share/metainfo/"
for dir in "$app"/share/icons/hicolor/*/apps; do
  size="$(basename "$(dirname "$dir")")"
  mkdir -p "$icons/$size/apps"
  cp "$dir"/* "$icons/$size/apps/"
done
refresh
echo "Footnote installed in $app"
echo "  menu entry: $prefix/share/applications/$ID.desktop"
case ":$PATH:" in *":$prefix/bin:"*) echo "  command: footnote" ;; *) echo "  command: $prefix/bin/footnote" ;; esac
