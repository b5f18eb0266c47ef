"""The figure drawn: a posed person, the props and the movement's trail, in the theme's
colours; one widget for the step, a small one for the step that comes next.

It paints only what it is given (a `Frame`) and asks for a repaint only when the frame
looks different, so a still figure costs nothing.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from backcare_desktop.figure.drawing import Kind, Role, Shape, shapes
from backcare_desktop.figure.motion import Frame, trail
from backcare_desktop.figure.scenes import SCENES, body_of, solids
from backcare_desktop.ui.theme import LIGHT, Palette

THUMBNAIL = QSize(84, 56)
_MARGIN = 0.04
"""Around the figure, in metres."""


def paint_figure(painter: QPainter, rect: QRectF, frame: Frame, palette: Palette,
                 detail: bool = True) -> None:
    """Draws `frame` fitted into `rect`; `detail` false leaves out the trail and the glow
    (a thumbnail)."""
    scene = frame.scene
    body = body_of(scene, frame.pose)
    path = trail(scene) if detail else ()
    if frame.backwards:
        path = tuple(reversed(path))
    drawn = shapes(body, scene.view, scene.active, scene.glow if detail else (),
                   solids(scene, body), path)
    left, top, width, height = _framing(scene.name)
    size = min(rect.width() / width, rect.height() / height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.center())
    painter.scale(size, size)
    painter.translate(-(left + width / 2), -(top + height / 2))
    colours = _colours(palette)
    edge, edge_width = QColor(palette.window), 4.0 / size
    for shape in drawn:
        if shape.edged:
            _paint(painter, shape, edge, edge_width, size)
        _paint(painter, shape, colours[shape.role], 0.0, size)
    painter.restore()


def _paint(painter: QPainter, shape: Shape, colour: QColor, grow: float, size: float) -> None:
    """One shape in one colour, `grow` wider all round (the edge drawn under it)."""
    points = [QPointF(x, y) for x, y in shape.points]
    if shape.kind is Kind.LIMB:
        pen = QPen(colour, shape.width + grow, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(points[0], points[1])
    elif shape.kind is Kind.DOT:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        radius = shape.width + grow / 2
        painter.drawEllipse(points[0], radius, radius)
    elif shape.kind in (Kind.LINE, Kind.ARROW):
        style = Qt.PenStyle.DashLine if shape.kind is Kind.LINE else Qt.PenStyle.SolidLine
        painter.setPen(QPen(colour, 3.0 / size, style, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(points))
    else:
        rounding = shape.width + grow
        painter.setPen(QPen(colour, rounding, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin) if rounding else Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        for outline in (shape.points, *shape.more):
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in outline]))


@cache
def _colours(palette: Palette) -> dict[Role, QColor]:
    ink, window, accent = QColor(palette.ink), QColor(palette.window), QColor(palette.accent)
    glow = QColor(accent)
    glow.setAlphaF(0.3)
    path = QColor(accent)
    path.setAlphaF(0.85)
    return {
        Role.PROP: QColor(palette.soft),
        Role.CUSHION: _mix(QColor(palette.soft), accent, 0.25),
        Role.FAR: _mix(ink, window, 0.5),
        Role.BODY: _mix(ink, window, 0.12),
        Role.HAIR: _mix(ink, accent, 0.35),
        Role.FACE: _mix(ink, window, 0.12),
        Role.ACTIVE: accent,
        Role.GLOW: glow,
        Role.PATH: path,
    }


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """`t` of the way from `a` to `b` (negative: further from `b`)."""
    def channel(x: float, y: float) -> int:
        return max(0, min(255, round(x + (y - x) * t)))
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue()))


@cache
def _framing(name: str) -> tuple[float, float, float, float]:
    """The box every frame of a scene fits in (both sides, every key), so the figure never
    zooms as it moves."""
    scene = SCENES[name]
    xs: list[float] = []
    ys: list[float] = []
    for shown in (scene, scene.mirrored()):
        for index in range(len(shown.keys)):
            body = body_of(shown, shown.key_pose(index))
            for shape in shapes(body, shown.view, solids=solids(shown, body)):
                reach = shape.width / 2 if shape.kind is Kind.LIMB else shape.width
                for outline in (shape.points, *shape.more):
                    xs.extend(x + sign * reach for x, _ in outline for sign in (-1, 1))
                    ys.extend(y + sign * reach for _, y in outline for sign in (-1, 1))
    return (min(xs) - _MARGIN, min(ys) - _MARGIN, max(xs) - min(xs) + 2 * _MARGIN,
            max(ys) - min(ys) + 2 * _MARGIN)


class FigureView(QWidget):
    """The step's figure, as large as the space allows."""

    def __init__(self, detail: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame: Frame | None = None
        self._palette = LIGHT
        self._detail = detail
        if detail:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.setMinimumSize(240, 200)
        else:
            self.setFixedSize(THUMBNAIL)

    def sizeHint(self) -> QSize:
        return QSize(420, 340) if self._detail else THUMBNAIL

    def show_frame(self, frame: Frame | None, palette: Palette) -> None:
        if (frame, palette) != (self.frame, self._palette):
            self.frame, self._palette = frame, palette
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.frame is None:
            return
        painter = QPainter(self)
        paint_figure(painter, QRectF(self.rect()), self.frame, self._palette, self._detail)
