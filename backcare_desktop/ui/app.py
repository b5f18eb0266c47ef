"""Opening the app: check for a screen first, so a missing display is one line, not a Qt abort;
then make sure this is the only copy before the (slow to import) window is loaded, so a second
start brings the first forward at once."""

from __future__ import annotations

import os
import sys

from backcare_desktop.errors import BackCareError


class NoDisplayError(BackCareError):
    pass


_HEADLESS_PLATFORMS = {"offscreen", "minimal", "vnc"}


def _check_display() -> None:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in _HEADLESS_PLATFORMS or sys.platform in {"win32", "darwin"}:
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError(
            "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "on a headless machine run it under `xvfb-run -a backcare-desktop`"
        )


def run_app(background: bool = False) -> int:
    """The window, or with `background` the tray alone (see desktop.reminders); a copy
    already running is brought forward, unless this one was to start in the background."""
    _check_display()
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.desktop import instance

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Back Care")
    app.setDesktopFileName("backcare-desktop")
    claim = instance.claim(activate=not background)
    if claim is None:
        if not background:
            print("Back Care is already running: brought its window to the front.")
        return 0
    from backcare_desktop.ui.main_window import launch

    return launch(app, claim, background)
