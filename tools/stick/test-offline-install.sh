#!/usr/bin/env bash
# CI: make the stick's folder, then install from it with pip's network switched off, migrate,
# and check the course loads. Proves the stick holds everything the server needs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$repo/tools/stick/make-stick.sh" "$work/stick" >/dev/null
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null bash "$work/stick/auyl/install.sh" "$work/village-pc" >/dev/null
cd "$work/village-pc"
.venv/bin/flask --app app content check >/dev/null
.venv/bin/flask --app app sync identity | grep -q "public key"
echo "offline install from the stick: ok ($(ls wheelhouse | wc -l) wheels)"
