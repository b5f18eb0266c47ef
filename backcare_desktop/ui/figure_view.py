"""The figure drawn: a posed person, the props and the movement's trail, in the theme's
colours; one widget for the step, a small one for the step that comes next.

It paints only what it is given (a `Frame`) and asks for a repaint only when the frame
looks different, so a still figure costs nothing.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from backcare_desktop.figure.drawing import Role, Shape, shapes
from backcare_desktop.figure.motion import Frame, trail
from backcare_desktop.figure.scenes import SCENES, body_of, solids
from backcare_desktop.ui.theme import LIGHT, Palette

_MARGIN = 0.08
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
    edge = QPen(QColor(palette.window), 2.2 / size)
    edge.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    for shape in drawn:
        _paint(painter, shape, colours, edge, size)
    painter.restore()


def _paint(painter: QPainter, shape: Shape, colours: dict[Role, QColor], edge: QPen,
           size: float) -> None:
    colour = colours[shape.role]
    polygon = QPolygonF([QPointF(x, y) for x, y in shape.points])
    if shape.role is Role.PATH:
        pen = QPen(colour, 3.0 / size, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(polygon)
        return
    if shape.role is Role.ARROW:
        pen = QPen(colour, 3.0 / size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(polygon)
        return
    outlined = shape.role in (Role.BODY, Role.FAR, Role.ACTIVE, Role.HAIR, Role.PROP,
                              Role.PROP_EDGE)
    painter.setPen(edge if outlined else Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    path = QPainterPath()
    path.addPolygon(polygon)
    path.closeSubpath()
    for more in shape.more:
        piece = QPainterPath()
        piece.addPolygon(QPolygonF([QPointF(x, y) for x, y in more]))
        piece.closeSubpath()
        path = path.united(piece)
    if shape.more or shape.role is Role.PROP_EDGE:  # a torso or a cushion: soft corners
        stroker = QPainterPathStroker()
        stroker.setWidth(0.05)
        stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        path = path.united(stroker.createStroke(path)).simplified()
    painter.drawPath(path)


@cache
def _colours(palette: Palette) -> dict[Role, QColor]:
    ink, window, accent = QColor(palette.ink), QColor(palette.window), QColor(palette.accent)
    glow = QColor(accent)
    glow.setAlphaF(0.3)
    path = QColor(accent)
    path.setAlphaF(0.85)
    return {
        Role.FLOOR: _mix(QColor(palette.soft), window, 0.35),
        Role.PROP: QColor(palette.soft),
        Role.PROP_EDGE: _mix(QColor(palette.soft), accent, 0.25),
        Role.FAR: _mix(ink, window, 0.5),
        Role.BODY: _mix(ink, window, 0.12),
        Role.HAIR: _mix(ink, accent, 0.35),
        Role.FACE: _mix(ink, window, 0.12),
        Role.ACTIVE: accent,
        Role.GLOW: glow,
        Role.PATH: path,
        Role.ARROW: path,
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
                xs.extend(x for x, _ in shape.points)
                ys.extend(y for _, y in shape.points)
    return (min(xs) - _MARGIN, min(ys) - _MARGIN, max(xs) - min(xs) + 2 * _MARGIN,
            max(ys) - min(ys) + 2 * _MARGIN)


class FigureView(QWidget):
    """The step's figure, as large as the space allows."""

    def __init__(self, detail: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame: Frame | None = None
        self._palette = LIGHT
        self._detail = detail
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 90) if not detail else self.setMinimumSize(240, 200)

    def sizeHint(self) -> QSize:
        return QSize(420, 340) if self._detail else QSize(120, 90)

    def show_frame(self, frame: Frame | None, palette: Palette) -> None:
        if (frame, palette) != (self.frame, self._palette):
            self.frame, self._palette = frame, palette
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.frame is None:
            return
        painter = QPainter(self)
        paint_figure(painter, QRectF(self.rect()), self.frame, self._palette, self._detail)
