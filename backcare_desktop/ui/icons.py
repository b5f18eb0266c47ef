"""Control icons drawn with QPainter in the theme's colour: crisp at any size, no image files."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

_SIZE = 96


def _path(name: str) -> QPainterPath:
    path = QPainterPath()
    s = _SIZE
    if name == "play":
        path.moveTo(s * 0.34, s * 0.24)
        path.lineTo(s * 0.76, s * 0.5)
        path.lineTo(s * 0.34, s * 0.76)
        path.closeSubpath()
    elif name == "pause":
        path.addRoundedRect(QRectF(s * 0.28, s * 0.24, s * 0.14, s * 0.52), 4, 4)
        path.addRoundedRect(QRectF(s * 0.58, s * 0.24, s * 0.14, s * 0.52), 4, 4)
    elif name == "stop":
        path.addRoundedRect(QRectF(s * 0.28, s * 0.28, s * 0.44, s * 0.44), 6, 6)
    elif name in ("next", "previous"):
        path.moveTo(s * 0.26, s * 0.26)
        path.lineTo(s * 0.62, s * 0.5)
        path.lineTo(s * 0.26, s * 0.74)
        path.closeSubpath()
        path.addRoundedRect(QRectF(s * 0.64, s * 0.26, s * 0.1, s * 0.48), 3, 3)
    return path


def icon(name: str, colour: str) -> QIcon:
    """play, pause, stop, next, previous, restart, settings or back, in `colour`."""
    pixmap = QPixmap(_SIZE, _SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    if name == "previous":
        painter.translate(_SIZE, 0)
        painter.scale(-1, 1)
    if name in ("restart", "settings", "back"):
        pen = QPen(QColor(colour), _SIZE * 0.08, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        _draw_line_icon(painter, name)
    else:
        painter.drawPath(_path(name))
    painter.end()
    return QIcon(pixmap)


def _draw_line_icon(painter: QPainter, name: str) -> None:
    s = _SIZE
    if name == "restart":
        painter.drawArc(QRectF(s * 0.24, s * 0.24, s * 0.52, s * 0.52), 100 * 16, 290 * 16)
        arrow = QPainterPath(QPointF(s * 0.3, s * 0.16))
        arrow.lineTo(QPointF(s * 0.44, s * 0.25))
        arrow.lineTo(QPointF(s * 0.34, s * 0.38))
        painter.drawPath(arrow)
    elif name == "settings":
        painter.drawEllipse(QPointF(s / 2, s / 2), s * 0.13, s * 0.13)
        for angle in range(0, 360, 45):
            painter.save()
            painter.translate(s / 2, s / 2)
            painter.rotate(angle)
            painter.drawLine(QPointF(0, s * 0.24), QPointF(0, s * 0.32))
            painter.restore()
        painter.drawEllipse(QPointF(s / 2, s / 2), s * 0.25, s * 0.25)
    elif name == "back":
        arrow = QPainterPath(QPointF(s * 0.56, s * 0.26))
        arrow.lineTo(QPointF(s * 0.32, s * 0.5))
        arrow.lineTo(QPointF(s * 0.56, s * 0.74))
        painter.drawPath(arrow)
