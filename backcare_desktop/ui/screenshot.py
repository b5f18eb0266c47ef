"""`backcare-desktop screenshot`: the window drawn offscreen at a moment of a session,
exactly as the app draws it, with no sound and no clock running."""

from __future__ import annotations

import os
from pathlib import Path

from backcare_desktop.errors import BackCareError
from backcare_desktop.routines.loader import load_library
from backcare_desktop.routines.model import Routine
from backcare_desktop.settings import Settings


class ScreenshotError(BackCareError):
    pass


def save_screenshot(routine: Routine, at: float, out: Path, size: tuple[int, int],
                    theme_name: str, view: str = "session") -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.session.live import SilentOutput
    from backcare_desktop.session.player import ManualClock
    from backcare_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = load_library()
    if library.find(routine.id) is None:
        from backcare_desktop.routines.loader import LoadedRoutine

        library.routines.append(LoadedRoutine(routine, Path(routine.id), bundled=False))
    settings = Settings(theme=theme_name, voice="none")
    window = MainWindow(SilentOutput(ManualClock()), settings, library, save=False)
    smallest = window.minimumSize()
    if size[0] < smallest.width() or size[1] < smallest.height():
        raise ScreenshotError(f"--size must be at least {smallest.width()}x{smallest.height()}, "
                              "the window's smallest size")
    window.resize(*size)
    window.library_page.list.set_current(
        [item.routine.id for item in library.routines].index(routine.id))
    if view in ("session", "end"):
        window.show_moment(routine, at, end=view == "end")
    window.show()
    app.processEvents()
    if not window.grab().save(str(out), "PNG"):
        raise ScreenshotError(f"{out}: cannot write the image")
    window.close()
