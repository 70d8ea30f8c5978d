#!/usr/bin/env bash
# Install the Debian packages the workspace needs and check for Java 17+.
#   scripts/install-system.sh          what running JupyterLab needs
#   scripts/install-system.sh --test   plus what the tests need (Chromium for the UI tests)
# Only missing packages are installed, so a second run costs a few dpkg look-ups.
set -euo pipefail

packages=(libkrb5-dev)   # sparkmagic -> requests-kerberos -> gssapi builds against Kerberos
# %r cells: R for rpy2, which pip builds against the R it finds (so R comes before pip install).
packages+=(r-base-core r-cran-ggplot2 r-cran-jsonlite)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium fonts-liberation)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

java_major() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java" >/dev/null 2>&1 || { echo 0; return; }
  "$java" -version 2>&1 | sed -n 's/.*version "\([0-9.]*\).*/\1/p' | head -1 |
    awk -F. '{ print ($1 == 1 ? $2 : $1) + 0 }'
}
if (( $(java_major) < 17 )); then
  missing+=(openjdk-17-jre-headless)
fi

if (( ${#missing[@]} == 0 )); then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "These Debian packages are missing: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  echo "(Spark needs Java 17 or newer: openjdk-17-jre-headless, or set JAVA_HOME to one.)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "No apt-get here. Install these yourself: ${missing[*]} (Java 17+ for Spark)." >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

if (( $(java_major) < 17 )); then
  echo "Java 17 or newer is still not found. Install openjdk-17-jre-headless, or set JAVA_HOME." >&2
  exit 1
fi
