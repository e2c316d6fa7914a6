#!/usr/bin/env bash
# Put the whole server on a USB stick, to install on a village-centre PC with no internet.
#
#   bash tools/stick/make-stick.sh /media/stick            (needs internet, on any Linux PC)
#   bash tools/stick/make-stick.sh /media/stick --windows  (wheels for 64-bit Windows, Python 3.11)
#
# The stick then holds auyl/: the source (git archive of HEAD), wheelhouse/ (every package the
# server needs, as wheels, with setuptools to install it), and install.sh / install.bat, which
# install with `pip --no-index`: pip never reaches for the network on the village PC.
set -euo pipefail
dest="${1:?usage: make-stick.sh DEST [--windows]}"
target="${2:-}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$dest/auyl"
rm -rf "$out" && mkdir -p "$out/wheelhouse"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$out"
requirements="$(mktemp)"
python3 - "$repo/setup.cfg" > "$requirements" <<'PY'
import configparser, sys
cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
for line in cfg["options"]["install_requires"].strip().splitlines():
    print(line.strip())
print("setuptools>=64")
print("wheel")
PY
if [ "$target" = "--windows" ]; then
  python3 -m pip download -q -d "$out/wheelhouse" -r "$requirements" \
    --only-binary=:all: --platform win_amd64 --python-version 3.11 --implementation cp
else
  python3 -m pip download -q -d "$out/wheelhouse" -r "$requirements"
fi
rm -f "$requirements"
cp "$repo/tools/stick/install.sh" "$repo/tools/stick/install.bat" "$out/"
echo "ready: $out ($(du -sh "$out" | cut -f1)); on the village PC run install.sh (Linux) or install.bat (Windows)"
