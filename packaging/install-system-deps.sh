#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages in system-packages.txt that are missing, and nothing else.
# One dpkg-query call answers "is everything here?", so a second run costs a fraction of a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(grep -v '^\s*#' "$here/system-packages.txt" | grep -v '^\s*$')
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    wanted+=(python3-venv)
fi
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "backcare: please install these packages with your system's package manager: ${missing[*]}" >&2
    exit 1
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "backcare: installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
