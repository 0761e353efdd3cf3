#!/bin/sh
# Install Godot 4 for the C2 console next to (not into) a Debian 12 system.
#
# Debian 12 ships no Godot 4 that runs; Debian sid's build does, with sid's own
# dynamic loader and libraries. This script downloads the pinned sid package and
# its dependency closure into a private apt state, unpacks them under DEST/root
# (no dpkg database is touched) and writes DEST/bin/godot, a wrapper that starts
# Godot with that loader. It also installs what rendering needs from bookworm
# (Xvfb and Mesa's software OpenGL). Idempotent: an existing install of the
# pinned version is kept.
#
# Usage: sh c2/tools/install-godot.sh [DEST]     (default: c2/.tools/godot)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${1:-$HERE/../.tools/godot}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
# The pinned build (Debian sid's package version); override with GODOT_DEB_VERSION. sid drops old versions, so
# when the exact pin is gone the newest sid build of the same minor release (WANT) is taken, with a warning;
# any other release is refused.
PIN=${GODOT_DEB_VERSION:-4.6.3+ds-3}
WANT=4.6

if [ -x "$DEST/bin/godot" ] && "$DEST/bin/godot" --headless --version 2>/dev/null | grep -q "^$WANT"; then
  echo "godot: $("$DEST/bin/godot" --headless --version 2>/dev/null) already installed in $DEST"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# 1) from bookworm: an X server for rendered tests and Mesa's llvmpipe OpenGL, plus libraries sid's SDL links to
need=""
for p in ca-certificates xvfb xauth libgl1 libglx-mesa0 libgl1-mesa-dri libgbm1 libwayland-server0 fontconfig; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# 2) a private apt state that reads sid's index from the system's own mirror
A=$DEST/apt
rm -rf "$A" "$DEST/root"
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$DEST/root" "$DEST/bin"
URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$URI" ] || URI=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URI sid main" > "$A/sources.list"
: > "$A/status"
o="-oDir::State::Lists=$A/lists -oDir::Etc::SourceList=$A/sources.list -oDir::Etc::SourceParts=/dev/null"
o="$o -oDir::Cache=$A/cache -oDir::State::status=$A/status -oAPT::Sandbox::User=root -oAcquire::Check-Valid-Until=false"
apt-get $o update -qq
if ! apt-get $o -s install --no-install-recommends "godot=$PIN" >/dev/null 2>&1; then
  CAND=$(apt-cache $o policy godot | awk '/Candidate:/{print $2}')
  case "$CAND" in
    "$WANT".*)
      echo "install-godot: warning: sid no longer has godot=$PIN; taking $CAND (same $WANT release)" >&2
      PIN=$CAND ;;
    *)
      echo "install-godot: sid has no godot $WANT.x (candidate: ${CAND:-none}); set GODOT_DEB_VERSION" >&2
      exit 1 ;;
  esac
fi

# 3) godot and its whole sid dependency closure (sid's glibc included), without the GL/LLVM stack (bookworm's is used)
PKGS=$(apt-get $o -s install --no-install-recommends "godot=$PIN" \
  | awk '/^Inst /{print $2}' | grep -vxE 'mesa-libgallium|libgbm1|libllvm[0-9]+|libz3-[0-9]+')
(cd "$A/debs" && apt-get $o download $PKGS >/dev/null)
for d in "$A"/debs/*.deb; do dpkg -x "$d" "$DEST/root"; done
rm -rf "$A"

# 4) the wrapper: sid's loader and library directory
cat > "$DEST/bin/godot" <<W
#!/bin/sh
L=$DEST/root/usr/lib/x86_64-linux-gnu
[ -e /etc/fonts/fonts.conf ] || export FONTCONFIG_FILE=$DEST/root/etc/fonts/fonts.conf
exec "\$L/ld-linux-x86-64.so.2" --library-path "\$L:\$L/pulseaudio" $DEST/root/usr/bin/godot "\$@"
W
chmod +x "$DEST/bin/godot"
echo "godot: $("$DEST/bin/godot" --headless --version) installed in $DEST"
