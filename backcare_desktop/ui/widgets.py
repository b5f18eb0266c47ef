"""The session view's drawn parts: step ring, breathing pacer, session bar.

Each only paints what it is given; none reads the clock or the player itself.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from backcare_desktop.figure.motion import fullness
from backcare_desktop.session.timeline import PhaseKind
from backcare_desktop.ui.theme import LIGHT


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class StepRing(QWidget):
    """The step's progress as a ring, with the time left (or the breathing pacer) inside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = 0.0
        self.centre_text = ""
        self.under_text = ""
        self.breath: tuple[float, str, str] | None = None
        """While breathing: (bubble size 0..1, phase word, count) for the pacer inside."""
        self.palette_ = LIGHT
        self.setMinimumSize(140, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        side = min(self.width(), self.height()) - 16
        width = max(8.0, side * 0.045)
        box = QRectF((self.width() - side) / 2 + width / 2, (self.height() - side) / 2 + width / 2,
                     side - width, side - width)
        painter = QPainter(self)
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


def bubble_size(kind: str, fraction: float) -> float:
    """How full the pacer is: as full as the figure's chest (it grows on the in-breath,
    holds, shrinks on the out-breath, on an eased curve that feels like breathing)."""
    return fullness(PhaseKind(kind), fraction)


class SessionBar(QWidget):
    """The whole session's progress, with a mark at every step boundary."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = 0.0
        self.marks: list[float] = []
        self.palette_ = LIGHT
        self.setFixedHeight(18)
        self.setAccessibleName("Session progress")

    def paintEvent(self, event: QPaintEvent) -> None:
        p = self.palette_
        painter = QPainter(self)
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
