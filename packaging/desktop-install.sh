#!/usr/bin/env bash
# `make install` / `make uninstall`: Back Care as a desktop app, for one person or for all.
#
#   desktop-install.sh install | uninstall
#
# PREFIX      where it goes: ~/.local (default, this person only) or /usr/local (everyone)
# PYTHON      the Python 3.11+ that makes the app's own virtual environment (default python3)
# WHEEL       what pip installs into it: a built wheel, or by default this checkout
# VENV_ARGS   more `python -m venv` options, and PIP_ARGS more pip options: the tests make
#             the environment --without-pip and install --no-deps, lending it their own pip
#             and dependencies through PYTHONPATH; a person never needs either
#
# The virtual environment lives in PREFIX/lib/backcare-desktop, not in the person's data
# folder (~/.local/share/backcare-desktop), which holds their routines, soundtracks and history:
# uninstalling the program then can never touch their files. Every file put outside the
# environment is listed in PREFIX/lib/backcare-desktop/installed-files, and uninstall removes
# exactly those and the environment.
set -Eeuo pipefail  # -E: the ERR trap that undoes a failed install holds in functions
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
name=backcare-desktop
app_id=io.github.backcare.BackCare
prefix=${PREFIX:-$HOME/.local}
prefix=${prefix%/}
app_dir=$prefix/lib/$name
venv=$app_dir/venv
manifest=$app_dir/installed-files
launcher=$prefix/bin/$name
share=$prefix/share
hicolor=$share/icons/hicolor
icon=$root/backcare_desktop/_data/assets/icon.svg  # where the checkout and the sdist both have it

say() { echo "backcare: $*"; }

# A desktop's caches are refreshed only where they already exist: making one where there was
# none would leave a file behind that uninstall did not put there.
refresh_caches() {
    if [[ -f $hicolor/icon-theme.cache ]] && command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t -f "$hicolor" || true
    fi
    if [[ -f $share/applications/mimeinfo.cache ]] && command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$share/applications" || true
    fi
}

# The packaged desktop entry, with the launcher's full path: a menu does not always search
# ~/.local/bin, and TryExec then hides the entry once the program is gone.
desktop_entry() {
    local line
    while IFS= read -r line; do
        case $line in
            Exec=* | TryExec=*) printf '%s=%s\n' "${line%%=*}" "$launcher" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done < "$here/$name.desktop"
}

uninstall() {
    if [[ ! -f $manifest ]]; then
        say "nothing installed under $prefix"
        return 0
    fi
    local file dir
    while IFS= read -r file; do
        rm -f "$file"
        # An icon size's folders go too once nothing else is left in them.
        dir=$(dirname "$file")
        while [[ $dir == "$hicolor"/* ]] && rmdir "$dir" 2>/dev/null; do
            dir=$(dirname "$dir")
        done
    done < "$manifest"
    rm -rf "${app_dir:?}"
    refresh_caches
    say "removed Back Care from $prefix (your routines, soundtracks, history and settings stay)"
}

install_app() {
    [[ -f $manifest ]] && uninstall >/dev/null
    local python=${PYTHON:-python3}
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        { say "Python 3.11 or newer is needed (found $("$python" --version))" >&2; exit 1; }
    # The list comes first, so a failed install is undone like a finished one.
    mkdir -p "$app_dir"
    printf '%s\n' "$launcher" "$share/applications/$name.desktop" \
        "$share/metainfo/$app_id.metainfo.xml" "$hicolor/scalable/apps/$name.svg" > "$manifest"
    trap 'say "the install failed; undoing it" >&2; uninstall >/dev/null' ERR
    say "making the app's environment in $venv"
    # shellcheck disable=SC2086  # VENV_ARGS and PIP_ARGS are lists of options
    "$python" -m venv ${VENV_ARGS:-} "$venv"
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        -c "$here/constraints.txt" ${PIP_ARGS:-} "${WHEEL:-$root}"

    mkdir -p "$prefix/bin" "$share/applications" "$share/metainfo" "$hicolor/scalable/apps"
    ln -sfn "$venv/bin/$name" "$launcher"
    desktop_entry > "$share/applications/$name.desktop"
    install -m 644 "$here/$app_id.metainfo.xml" "$share/metainfo/"
    install -m 644 "$icon" "$hicolor/scalable/apps/$name.svg"
    QT_QPA_PLATFORM=offscreen "$venv/bin/python" "$here/render_icons.py" "$icon" "$hicolor" \
        "$name" >> "$manifest"
    trap - ERR
    refresh_caches
    say "installed Back Care: run '$name', or find it in the menu"
    case ":$PATH:" in
        *":$prefix/bin:"*) ;;
        *) say "note: $prefix/bin is not on your PATH; the menu entry works all the same" ;;
    esac
}

case ${1:-} in
    install) install_app ;;
    uninstall) uninstall ;;
    *) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
