"""`backcare-desktop screenshot`: any screen of the window (library, set-up, session, end,
settings, history) drawn offscreen exactly as the app draws it, with no sound and no clock running,
and checked as it is drawn: a widget squeezed, clipped or outside the window, or a safety
note cut short, is reported (`layout_problems`). The step's figure can be drawn alone, and
several moments of a session written as an animated PNG."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from backcare_desktop.errors import BackCareError
from backcare_desktop.ffmpeg import FFMPEG, FfmpegFailed, Write, feed_ffmpeg
from backcare_desktop.figure.motion import frame_at
from backcare_desktop.routines.loader import LoadedRoutine, load_library
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.live import SilentOutput
from backcare_desktop.session.player import ManualClock
from backcare_desktop.settings import Settings
from backcare_desktop.ui.figure_view import paint_figure
from backcare_desktop.ui.main_window import SMALLEST, MainWindow
from backcare_desktop.ui.settings_dialog import SettingsDialog

VIEWS = ("library", "setup", "session", "end", "settings", "history")
SIZES = ((800, 560), (1280, 800), (1920, 1080))
"""What `--every` draws: the smallest window the app promises to work in, a laptop, and a
full HD screen (at `--scale 2`, the sizes are device pixels: 1920x1080 is 960x540)."""
THEMES = ("light", "dark")
WINDOW_SIZE = (1280, 800)
"""The window behind a picture of the figure alone."""


class ScreenshotError(BackCareError):
    pass


def save_screenshot(routine: Routine, at: float, out: Path, size: tuple[int, int],
                    theme_name: str, view: str = "session", scale: float = 1.0,
                    frames: int = 1, fps: int = 10) -> list[str]:
    """Draws one screen to `out`; returns the layout problems found in it. `view` 'figure'
    draws the step's figure alone, `size` big; `frames` above 1 writes an animated PNG of
    that many moments of the session or its figure, `fps` a second, from `at` on."""
    app = _application(scale)
    with _window(app, routine, theme_name) as window:
        if view != "figure" and frames == 1:
            return _shoot(app, window, routine, at, out, size, view)
        if view not in ("session", "figure"):
            raise ScreenshotError("--frames draws a session: give --view session or figure")
        figure = view == "figure"
        _present(app, window, routine, at, WINDOW_SIZE if figure else size, "session")
        problems = [] if figure else layout_problems(window)
        _animate(app, window, at, out, size if figure else None, frames, fps)
        return problems


def save_every_screenshot(routine: Routine, at: float, folder: Path, scale: float = 1.0,
                          sizes: tuple[tuple[int, int], ...] = SIZES) -> list[str]:
    """Every view at each of `sizes` that fits the window at this scale, in both themes, as
    `view-theme-WxH.png` in `folder`; returns the problems found, each naming its image."""
    app = _application(scale)
    problems: list[str] = []
    for theme_name in THEMES:
        with _window(app, routine, theme_name) as window:
            for width, height in sizes:
                if width / scale < SMALLEST[0] or height / scale < SMALLEST[1]:
                    continue
                for view in VIEWS:
                    name = f"{view}-{theme_name}-{width}x{height}.png"
                    problems += [f"{name}: {problem}" for problem in _shoot(
                        app, window, routine, at, folder / name, (width, height), view)]
    return problems


def layout_problems(window: MainWindow) -> list[str]:
    """What a person would find cut off on the screen shown: a widget outside the window or
    its parent, one squeezed under its smallest size, text cut short, a list that scrolls
    sideways, or a safety note that cannot be read to its last sentence."""
    problems: list[str] = []
    scrolled = [inner for area in window.findChildren(QScrollArea)
                if area.isVisible() and (inner := area.widget()) is not None]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        name = _describe(widget)
        in_scroll = any(inner is widget or inner.isAncestorOf(widget) for inner in scrolled)
        where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        parent = widget.parentWidget()
        if not in_scroll and not window.rect().contains(where):
            problems.append(f"{name} is outside the window")
        elif parent is not None and widget not in scrolled and not parent.rect().contains(
                widget.geometry()):
            problems.append(f"{name} is cut off by {_describe(parent)}")
        least = _least_size(widget)
        managed = isinstance(parent, QAbstractScrollArea)  # its header, bars: sized by it
        if not managed and (widget.width() < least.width() or widget.height() < least.height()):
            problems.append(f"{name} is squeezed to {widget.width()}x{widget.height()} "
                            f"(needs {least.width()}x{least.height()})")
        if isinstance(widget, QLabel) and widget.text() and not widget.pixmap():
            if widget.wordWrap() and widget.height() < widget.heightForWidth(widget.width()):
                problems.append(f"{name}: its text is cut at the bottom")
            if not widget.wordWrap() and widget.width() < widget.sizeHint().width():
                problems.append(f"{name}: its text is cut at the end")
    for area in window.findChildren(QScrollArea):
        inner = area.widget()
        if area.isVisible() and inner is not None and inner.width() > area.viewport().width():
            problems.append(f"{_describe(area)} scrolls sideways")
    setup = window.library_page.setup
    if setup.isVisible() and not safety_note_readable(window):
        problems.append("the safety note cannot be read to its last sentence")
    return problems


def safety_note_readable(window: MainWindow) -> bool:
    """The safety note is there at its full height, so down to its last sentence (the
    red-flag one, "Get urgent help ...", in routines that have it), and all of it is on
    screen when the set-up panel is at its top, as it opens."""
    setup = window.library_page.setup
    note, column = setup.safety, setup.scroll_area.widget()
    if column is None or not note.isVisible() or not note.text():
        return False
    bottom = note.mapTo(column, QPoint(0, note.height())).y()
    return (bottom <= setup.scroll_area.viewport().height()
            and note.height() >= note.heightForWidth(note.width()))


def _describe(widget: QWidget) -> str:
    name = widget.accessibleName() or widget.objectName()
    if not name and isinstance(widget, QLabel | QAbstractButton):
        name = widget.text()
    kind = type(widget).__name__
    return f"{kind} {name[:40]!r}" if name else kind


def _application(scale: float) -> QApplication:
    """The app, made at `scale` (Qt reads QT_SCALE_FACTOR once, when the app is made)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QApplication.instance()
    if existing is None:
        if scale != 1.0:
            os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
        return QApplication([])
    assert isinstance(existing, QApplication)
    if abs(existing.devicePixelRatio() - scale) > 0.01:
        raise ScreenshotError(f"--scale {scale:g} needs a process of its own (this one draws at "
                              f"{existing.devicePixelRatio():g})")
    return existing


@contextmanager
def _window(app: QApplication, routine: Routine, theme_name: str) -> Iterator[MainWindow]:
    library = load_library()
    if library.find(routine.id) is None:
        library.routines.append(LoadedRoutine(routine, Path(routine.id), bundled=False))
    window = MainWindow(SilentOutput(ManualClock()), Settings(theme=theme_name, voice="none"),
                        library, save=False)
    try:
        yield window
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def _shoot(app: QApplication, window: MainWindow, routine: Routine, at: float, out: Path,
           size: tuple[int, int], view: str) -> list[str]:
    width, height = _present(app, window, routine, at, size, view)
    problems = layout_problems(window)
    image = window.grab()
    if view == "settings":
        dialog = SettingsDialog(window.settings, window)
        dialog.show()
        app.processEvents()
        problems += [f"settings: {problem}" for problem in _dialog_problems(dialog, window)]
        painter = QPainter(image)
        painter.fillRect(0, 0, width, height, QColor(0, 0, 0, 90))  # the window behind
        drawn = dialog.grab()
        painter.drawPixmap((width - dialog.width()) // 2, (height - dialog.height()) // 2, drawn)
        painter.end()
        dialog.close()
    if not image.save(str(out), "PNG"):
        raise ScreenshotError(f"{out}: cannot write the image")
    return problems


def _present(app: QApplication, window: MainWindow, routine: Routine, at: float,
             size: tuple[int, int], view: str) -> tuple[int, int]:
    """Puts `view` on the window at `size` (device pixels); returns the size in pixels."""
    ratio = app.devicePixelRatio()
    width, height = round(size[0] / ratio), round(size[1] / ratio)
    if width < SMALLEST[0] or height < SMALLEST[1]:
        raise ScreenshotError(
            f"--size must be at least {round(SMALLEST[0] * ratio)}x"
            f"{round(SMALLEST[1] * ratio)}, the window's smallest size")
    window.setMinimumSize(*SMALLEST)  # as on a screen big enough (this one is offscreen)
    window.resize(width, height)
    window.show_library()
    window.library_page.list.set_current(
        [item.routine.id for item in window.library.routines].index(routine.id))
    window.library_page.list.focus_current()
    if view in ("session", "end"):
        window.show_moment(routine, at, end=view == "end")
    elif view == "history":
        window.show_history()
    window.show()
    setup = window.library_page.setup
    bar = setup.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum() if view == "setup" else 0)
    app.processEvents()
    return width, height


def _animate(app: QApplication, window: MainWindow, at: float, out: Path,
             figure: tuple[int, int] | None, frames: int, fps: int) -> None:
    """`frames` moments from `at` on, of the session window, or of the figure alone drawn
    `figure` big: one PNG, or an animated one."""
    timeline = window.presenter.timeline
    assert timeline is not None

    def picture(moment: float) -> QImage:
        window.presenter.seek(moment)
        app.processEvents()
        if figure is None:
            return window.grab().toImage()
        image = QImage(figure[0], figure[1], QImage.Format.Format_RGB32)
        image.fill(QColor(window.palette_.window))
        painter = QPainter(image)
        paint_figure(painter, QRectF(image.rect()), frame_at(timeline, moment), window.palette_)
        painter.end()
        return image

    if frames == 1:
        if not QPixmap.fromImage(picture(at)).save(str(out), "PNG"):
            raise ScreenshotError(f"{out}: cannot write the image")
        return
    first = picture(at)
    _write_animation([first, *(picture(at + index / fps) for index in range(1, frames))],
                     first.size(), fps, out)


def _write_animation(pictures: Iterable[QImage], size: QSize, fps: int, out: Path) -> None:
    """An animated PNG, looping for ever, by ffmpeg (the app's decoder already): one palette
    of the 256 colours the pictures use most (the figure is a few theme colours and their
    blends), no dithering, so a few seconds of a moving figure stay small. Each picture goes
    down the pipe as it is drawn; none is kept."""
    def feed(write: Write) -> None:
        for image in pictures:
            rgb = image.convertToFormat(QImage.Format.Format_RGB888)
            rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(),
                                                                    rgb.bytesPerLine())
            write(rows[:, :rgb.width() * 3].tobytes())

    arguments = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size.width()}x{size.height()}",
                 "-r", str(fps), "-i", "-", "-vf",
                 "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=none",
                 "-plays", "0", "-f", "apng", str(out)]
    try:
        feed_ffmpeg(arguments, feed)
    except FileNotFoundError as error:
        raise ScreenshotError("an animated picture needs ffmpeg, which is not installed",
                              f"{FFMPEG}: {error.strerror or error}") from None
    except FfmpegFailed as failure:
        raise ScreenshotError(f"{out}: cannot write the animated picture", str(failure)
                              ) from None


def _dialog_problems(dialog: QWidget, window: QWidget) -> list[str]:
    """A dialog must fit inside the window it belongs to (a small screen has no more room),
    and squeeze nothing."""
    problems = [f"{_describe(widget)} is squeezed" for widget in dialog.findChildren(QWidget)
                if widget.isVisible() and (widget.width() < _least_size(widget).width()
                                           or widget.height() < _least_size(widget).height())]
    if dialog.width() > window.width() or dialog.height() > window.height():
        problems.append(f"the dialog ({dialog.width()}x{dialog.height()}) is bigger than the "
                        f"window ({window.width()}x{window.height()})")
    return problems


def _least_size(widget: QWidget) -> QSize:
    """The size a layout may not go under: the minimum set on the widget, else its hint."""
    hint = widget.minimumSizeHint()
    return QSize(widget.minimumWidth() or max(hint.width(), 0),
                 widget.minimumHeight() or max(hint.height(), 0))
