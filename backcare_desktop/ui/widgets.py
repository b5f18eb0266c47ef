"""The session view's drawn parts: step ring, breathing pacer, session bar.

Each only paints what it is given; none reads the clock or the player itself.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QProgressBar, QSizePolicy, QWidget

from backcare_desktop.ui.theme import LIGHT


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class StepRing(QProgressBar):
    """The step's progress as a ring, with the time left (or the breathing pacer) inside.

    A progress bar underneath, so assistive technology reads its value (percent of the
    step) as it would any progress bar. `show` repaints only when the drawing would change
    by a pixel, and the ring paints its own background: during a breathing step this is
    the one widget redrawn many times a second, and nothing behind it is.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.progress = 0.0
        self.centre_text = ""
        self.under_text = ""
        self.breath: tuple[float, str, str] | None = None
        """While breathing: (bubble size 0..1, phase word, count) for the pacer inside."""
        self.palette_ = LIGHT
        self._look: tuple[object, ...] = ()
        _drawn_whole(self)
        self.setMinimumSize(140, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def minimumSizeHint(self) -> QSize:
        return QSize(140, 140)

    def show_progress(self, progress: float, centre_text: str, under_text: str,
                      breath: tuple[float, str, str] | None) -> None:
        self.progress, self.centre_text, self.under_text, self.breath = (
            progress, centre_text, under_text, breath)
        self.setValue(round(min(max(progress, 0.0), 1.0) * 100))
        side = self._side()
        pixels = math.pi * side  # the ring's length: one step per pixel of it
        look = (round(min(progress, 1.0) * pixels), centre_text, under_text,
                None if breath is None else (round(breath[0] * side * 0.22), *breath[1:]),
                self.palette_, self.width(), self.height())
        if look != self._look:
            self._look = look
            self.update()

    def _side(self) -> float:
        return min(self.width(), self.height()) - 16

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        side = self._side()
        width = max(8.0, side * 0.045)
        box = QRectF((self.width() - side) / 2 + width / 2, (self.height() - side) / 2 + width / 2,
                     side - width, side - width)
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(p.window))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(p.track, width))
        painter.drawEllipse(box)
        if self.progress > 0:
            painter.setPen(_pen(p.accent, width))
            painter.drawArc(box, 90 * 16, -round(360 * 16 * min(self.progress, 1.0)))
        centre = box.center()
        if self.breath is not None:
            self._paint_pacer(painter, box, centre)
        else:
            font = QFont(self.font())
            font.setPixelSize(max(18, round(side * 0.2)))
            font.setWeight(QFont.Weight.Light)
            painter.setFont(font)
            painter.setPen(QColor(p.text))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.centre_text)
        if self.under_text:
            font = QFont(self.font())
            font.setPixelSize(max(12, round(side * 0.055)))
            painter.setFont(font)
            painter.setPen(QColor(p.muted))
            below = QRectF(box.left(), centre.y() + side * 0.16, box.width(), side * 0.12)
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, self.under_text)

    def _paint_pacer(self, painter: QPainter, box: QRectF, centre: QPointF) -> None:
        assert self.breath is not None
        size, word, count = self.breath
        p = self.palette_
        smallest, largest = box.width() * 0.18, box.width() * 0.40
        radius = smallest + (largest - smallest) * size
        painter.setPen(Qt.PenStyle.NoPen)
        glow = QColor(p.accent)
        glow.setAlphaF(0.14)
        painter.setBrush(glow)
        painter.drawEllipse(centre, radius * 1.12, radius * 1.12)
        painter.setBrush(QColor(p.accent_soft))
        painter.drawEllipse(centre, radius, radius)
        font = QFont(self.font())
        font.setPixelSize(max(16, round(box.width() * 0.09)))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor(p.accent))
        label = QRectF(box.left(), centre.y() - box.width() * 0.1, box.width(), box.width() * 0.12)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, word)
        font.setPixelSize(max(14, round(box.width() * 0.075)))
        font.setWeight(QFont.Weight.Normal)
        painter.setFont(font)
        number = QRectF(box.left(), centre.y() + box.width() * 0.01, box.width(),
                        box.width() * 0.1)
        painter.drawText(number, Qt.AlignmentFlag.AlignCenter, count)


def _drawn_whole(bar: QProgressBar) -> None:
    """A progress bar drawn here, whole: laid out by its own rectangle (the style's
    progress-bar layout margins would shift it) and painting all of it, so nothing behind
    it is painted again with it."""
    bar.setAttribute(Qt.WidgetAttribute.WA_LayoutUsesWidgetRect)
    bar.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)


class SessionBar(QProgressBar):
    """The whole session's progress, with a mark at every step boundary.

    A progress bar underneath for its accessible value; repainted only when the filled
    part grows by a pixel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.progress = 0.0
        self.marks: list[float] = []
        self.palette_ = LIGHT
        self._look: tuple[object, ...] = ()
        _drawn_whole(self)
        self.setFixedHeight(18)
        self.setAccessibleName("Session progress")

    def show_progress(self, progress: float) -> None:
        self.progress = progress
        self.setValue(round(min(max(progress, 0.0), 1.0) * 100))
        look = (round(min(progress, 1.0) * (self.width() - 12)), self.palette_, self.width(),
                tuple(self.marks))
        if look != self._look:
            self._look = look
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(p.window))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        y = self.height() / 2
        left, right = 6.0, self.width() - 6.0
        painter.setPen(_pen(p.track, 6))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        if self.progress > 0:
            painter.setPen(_pen(p.accent, 6))
            painter.drawLine(QPointF(left, y),
                             QPointF(left + (right - left) * min(self.progress, 1.0), y))
        painter.setPen(_pen(p.window, 3))
        for mark in self.marks:
            x = left + (right - left) * mark
            painter.drawLine(QPointF(x, y - 3), QPointF(x, y + 3))
