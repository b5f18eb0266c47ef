#!/usr/bin/env bash
# `make bundle`: a one-folder Back Care built by PyInstaller, a tarball of it, and a smoke test
# of the built binary. PyInstaller takes minutes, so this is never part of `make test`.
#
# PYTHON   the Python with the dev and bundle extras installed (default .venv/bin/python)
# Out: dist/backcare-desktop/ and dist/backcare-desktop-VERSION-linux-ARCH.tar.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
python=${PYTHON:-$root/.venv/bin/python}
work=$root/build/bundle
dist=$root/dist
app=$dist/backcare-desktop

rm -rf "$work" "$app"
mkdir -p "$work"
# The bundle is made from the wheel, so it holds exactly the package data a release declares.
"$python" -m build --wheel --outdir "$work/wheel" "$root" >"$work/build.log"
"$python" -m pip install -q --disable-pip-version-check --no-deps --target "$work/site" \
    "$work"/wheel/*.whl
# From inside the build folder: the checkout must not be on sys.path, or its package would
# stand in for the wheel's.
(cd "$work" && BUNDLE_SITE=$work/site PYTHONPATH=$work/site "$python" -m PyInstaller \
    --noconfirm --log-level WARN --distpath "$dist" --workpath "$work/pyinstaller" \
    "$here/backcare-desktop.spec")
install -m 644 "$here/bundle-readme.txt" "$app/README.txt"

version=$("$app/backcare-desktop" --version)
tarball=$dist/backcare-desktop-${version##* }-linux-$(uname -m).tar.gz
tar -C "$dist" -czf "$tarball" backcare-desktop
bash "$here/bundle-smoke.sh" "$app/backcare-desktop"
echo "backcare: built $app ($(du -sh "$app" | cut -f1)) and $tarball ($(du -sh "$tarball" | cut -f1))"
