#!/usr/bin/env bash
# Install the server from this folder on a village-centre PC with no internet (Linux).
# Run from the stick or after copying the folder to the PC:  bash install.sh [TARGET_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-$HOME/auyl}"
if [ "$target" != "$here" ]; then
  mkdir -p "$target" && cp -a "$here/." "$target/"
fi
cd "$target"
python3 -m venv .venv
.venv/bin/pip install -q --no-index --find-links wheelhouse -e .
.venv/bin/flask --app app db upgrade
echo "installed in $target"
echo "start it with:  cd $target && .venv/bin/flask --app app serve --host 0.0.0.0"
