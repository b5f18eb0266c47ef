"""`backcare-desktop screenshot`: the window drawn offscreen at a moment of a session,
exactly as the app draws it, with no sound and no clock running; or, with several frames,
an animated PNG of the moments that follow."""

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
                    theme_name: str, view: str = "session", frames: int = 1,
                    fps: int = 10) -> None:
    """`view` 'figure' draws the step's figure alone; `frames` above 1 writes an animated
    PNG of that many moments, `fps` a second, from `at` on."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.session.live import SilentOutput
    from backcare_desktop.session.player import ManualClock
    from backcare_desktop.ui.apng import apng
    from backcare_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = load_library()
    if library.find(routine.id) is None:
        from backcare_desktop.routines.loader import LoadedRoutine

        library.routines.append(LoadedRoutine(routine, Path(routine.id), bundled=False))
    settings = Settings(theme=theme_name, voice="none")
    window = MainWindow(SilentOutput(ManualClock()), settings, library, save=False)
    smallest = window.minimumSize()
    if view != "figure" and (size[0] < smallest.width() or size[1] < smallest.height()):
        raise ScreenshotError(f"--size must be at least {smallest.width()}x{smallest.height()}, "
                              "the window's smallest size")
    window.resize(*size)
    window.library_page.list.set_current(
        [item.routine.id for item in library.routines].index(routine.id))
    if view in ("session", "end", "figure"):
        window.show_moment(routine, at, end=view == "end")
    window.show()
    app.processEvents()

    def picture(moment: float) -> QImage:
        window.presenter.seek(moment)
        app.processEvents()
        if view != "figure":
            return window.grab().toImage()
        from backcare_desktop.figure.motion import frame_at
        from backcare_desktop.ui.figure_view import paint_figure

        image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
        image.fill(QColor(window.palette_.window))
        timeline = window.presenter.timeline
        assert timeline is not None
        painter = QPainter(image)
        paint_figure(painter, image.rect().toRectF(), frame_at(timeline, moment),
                     window.palette_)
        painter.end()
        return image

    try:
        if frames == 1:
            if not QPixmap.fromImage(picture(at)).save(str(out), "PNG"):
                raise ScreenshotError(f"{out}: cannot write the image")
            return
        pixels = []
        for index in range(frames):
            image = picture(at + index / fps).convertToFormat(QImage.Format.Format_RGB888)
            rows = np.frombuffer(image.constBits(), np.uint8).reshape(
                image.height(), image.bytesPerLine())
            pixels.append(rows[:, :image.width() * 3].reshape(  # a copy: the image goes
                image.height(), image.width(), 3).copy())  # with the next turn of the loop
        try:
            out.write_bytes(apng(pixels, fps))
        except OSError as error:
            raise ScreenshotError(f"{out}: cannot write the image "
                                  f"({error.strerror or error})") from None
    finally:
        window.close()
