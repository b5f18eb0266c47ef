#!/usr/bin/env bash
# Starts a bundled Back Care binary headless, as a person without Python would, and checks it
# plans, renders a short session with the bundled Piper voice, and draws a screenshot.
#
#   bundle-smoke.sh dist/backcare-desktop/backcare-desktop
set -euo pipefail
binary=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
run() {
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$scratch/home" LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$binary" "$@"
}
run --version
run plan desk-break | grep -q "Desk break" || { echo "bundle: plan lists no Desk break" >&2; exit 1; }
run render desk-break --fit 1 --ambient none --out desk-break.ogg
[[ $(head -c 4 desk-break.ogg) == OggS ]] || { echo "bundle: render wrote no OGG" >&2; exit 1; }
run screenshot desk-break --at 30 --out shot.png
[[ $(head -c 4 shot.png | tail -c 3) == PNG ]] || { echo "bundle: no screenshot" >&2; exit 1; }
echo "bundle: smoke test passed"
