#!/usr/bin/env bash
# The built wheel, installed into a fresh virtual environment on a PATH without Node, must list
# the labextension as enabled and OK and the server extension as enabled: what a user's
# `pip install jupyter_lakehouse` gets, with nothing from this source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -m pip wheel --no-deps -q -w "$work/dist" .
wheel=$(ls "$work"/dist/jupyter_lakehouse-*.whl)
"$python" -m zipfile -l "$wheel" | grep -q "share/jupyter/labextensions/jupyter-lakehouse/package.json" ||
  { echo "the wheel has no prebuilt labextension" >&2; exit 1; }

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"

# Only the fresh venv's bin on PATH: no node, no npm, nothing from the build environment.
check() { env -i HOME="$work" PATH="$work/venv/bin" "$work/venv/bin/jupyter" "$@" 2>&1; }
labextensions=$(check labextension list)
echo "$labextensions"
grep -qE "jupyter-lakehouse .*enabled.*OK" <<<"$labextensions" ||
  { echo "labextension not enabled and OK in a fresh environment" >&2; exit 1; }
serverextensions=$(check server extension list)
echo "$serverextensions"
grep -qE "jupyter_lakehouse .*enabled" <<<"$serverextensions" ||
  { echo "server extension not enabled in a fresh environment" >&2; exit 1; }
grep -q jupyter_lakehouse "$work/venv/etc/ipython/ipython_kernel_config.json" ||
  { echo "kernel extension not registered in a fresh environment" >&2; exit 1; }
echo "isolated install: OK"
