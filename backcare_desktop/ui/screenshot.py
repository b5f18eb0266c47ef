"""`backcare-desktop screenshot`: the window drawn offscreen at a moment of a session,
exactly as the app draws it, with no sound and no clock running."""

from __future__ import annotations

import os
from pathlib import Path

from backcare_desktop.routines.loader import load_library
from backcare_desktop.routines.model import Routine
from backcare_desktop.settings import Settings


class ScreenshotError(RuntimeError):
    pass


def save_screenshot(routine: Routine, at: float, out: Path, size: tuple[int, int],
                    theme_name: str, view: str = "session") -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.session.player import ManualClock
    from backcare_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = load_library()
    if library.find(routine.id) is None:
        from backcare_desktop.routines.loader import LoadedRoutine

        library.routines.append(LoadedRoutine(routine, Path(routine.id), bundled=False))
    settings = Settings(theme=theme_name, voice="none")  # type: ignore[arg-type]
    window = MainWindow(ManualClock(), None, settings, library, save=False)
    window.resize(*size)
    window.library_page.list.setCurrentRow(
        [item.routine.id for item in library.routines].index(routine.id))
    if view in ("session", "end"):
        window.prepared = None
        timeline = window._timeline(routine)
        window.presenter.load(timeline)
        window.session_view.show_timeline(timeline)
        window.stack.setCurrentWidget(window.session_view)
        window.presenter.start()
        window.presenter.seek(min(max(at, 0.0), timeline.duration))
        if view == "end":
            window.end_view.show_result(timeline, window.palette_)
            window.stack.setCurrentWidget(window.end_view)
    window.show()
    app.processEvents()
    if not window.grab().save(str(out), "PNG"):
        raise ScreenshotError(f"{out}: cannot write the image")
    window.presenter.stop()
    window.close()
