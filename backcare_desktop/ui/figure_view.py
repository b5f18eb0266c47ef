"""The figure drawn: a posed person, the props and the movement's trail, in the theme's
colours; one widget for the step, a small one for the step that comes next.

It paints only what it is given (a `Frame`) and asks for a repaint only when the frame
looks different, so a still figure costs nothing.
"""

from __future__ import annotations

from functools import cache, lru_cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from backcare_desktop.figure.drawing import Kind, Role, Shape, shapes
from backcare_desktop.figure.motion import Frame, trail
from backcare_desktop.figure.scenes import SCENES, body_of, solids
from backcare_desktop.ui.theme import LIGHT, Palette

THUMBNAIL = QSize(54, 36)
_EDGE_PIXELS = 4.0
_RING_PIXELS = 3.0
"""The line of background colour round each part, so parts in front read apart."""
_MARGIN = 0.04
"""Around the figure, in metres."""


def paint_figure(painter: QPainter, rect: QRectF, frame: Frame, palette: Palette,
                 detail: bool = True) -> None:
    """Draws `frame` fitted into `rect`; `detail` false leaves out the trail and the glow
    (a thumbnail)."""
    _paint_shapes(painter, figure_shapes(frame, detail), _placement(rect, frame.scene.name),
                  palette)


def figure_shapes(frame: Frame, detail: bool = True) -> list[Shape]:
    """What to paint for `frame`, in metres."""
    scene = frame.scene
    body = body_of(scene, frame.pose)
    path = trail(scene) if detail else ()
    if frame.backwards:
        path = tuple(reversed(path))
    return shapes(body, scene.view, scene.active, scene.glow if detail else (),
                  solids(scene, body), path)


def _placement(rect: QRectF, scene: str) -> QTransform:
    """Metres to pixels: the scene's frame fitted and centred in `rect`."""
    left, top, width, height = _framing(scene)
    size = min(rect.width() / width, rect.height() / height)
    placed = QTransform()
    placed.translate(rect.center().x(), rect.center().y())
    placed.scale(size, size)
    placed.translate(-(left + width / 2), -(top + height / 2))
    return placed


def _paint_shapes(painter: QPainter, drawn: list[Shape], placed: QTransform,
                  palette: Palette, exposed: QRectF | None = None) -> None:
    """Paints `drawn`, leaving out the shapes wholly outside `exposed` (in pixels)."""
    size = placed.m11()
    seen = None
    if exposed is not None:
        reach = (_EDGE_PIXELS + 3) / size
        view = placed.inverted()[0].mapRect(exposed).adjusted(-reach, -reach, reach, reach)
        seen = (view.left(), view.top(), view.right(), view.bottom())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setTransform(placed, combine=True)
    colours = _colours(palette)
    edge, edge_width = QColor(palette.window), _EDGE_PIXELS / size
    for shape in drawn:
        if seen is not None and not _meets(shape.box, seen):
            continue
        if shape.edged:
            _paint(painter, shape, edge, edge_width, size)
        _paint(painter, shape, colours[shape.role], 0.0, size)
    painter.restore()


def _bounds(shape: Shape, size: float) -> QRectF:
    """Where `shape` paints, in metres, with its edge."""
    left, top, right, bottom = shape.box
    reach = (_EDGE_PIXELS + 3) / size
    return QRectF(left - reach, top - reach, right - left + 2 * reach,
                  bottom - top + 2 * reach)


def _meets(box: tuple[float, float, float, float],
           other: tuple[float, float, float, float]) -> bool:
    return box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3] and (
        other[1] <= box[3])


def _paint(painter: QPainter, shape: Shape, colour: QColor, grow: float, size: float) -> None:
    """One shape in one colour, `grow` wider all round (the edge drawn under it)."""
    points = [QPointF(x, y) for x, y in shape.points]
    if shape.kind is Kind.LIMB:
        pen = QPen(colour, shape.width + grow, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawLine(points[0], points[1])
    elif shape.kind is Kind.DOT and shape.role is Role.GLOW:
        # A ring, not a tinted disc: blending a translucent disc over the figure costs the
        # raster engine a hundred times more than an opaque line.
        painter.setPen(QPen(colour, _RING_PIXELS / size))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(points[0], shape.width, shape.width)
    elif shape.kind is Kind.DOT:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        radius = shape.width + grow / 2
        painter.drawEllipse(points[0], radius, radius)
    elif shape.kind in (Kind.LINE, Kind.ARROW):
        painter.fillPath(_stroked(shape.points, shape.kind is Kind.LINE, size), colour)
    else:
        rounding = shape.width + grow
        painter.setPen(QPen(colour, rounding, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin) if rounding else Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        for outline in (shape.points, *shape.more):
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in outline]))


@lru_cache(maxsize=64)
def _stroked(points: tuple[tuple[float, float], ...], dashed: bool,
             size: float) -> QPainterPath:
    """A trail or an arrow head as an outline to fill: the same every frame of a scene, so
    the dashes are worked out once."""
    line = QPainterPath()
    line.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    stroker = QPainterPathStroker()
    stroker.setWidth(3.0 / size)
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dashed:
        stroker.setDashPattern(Qt.PenStyle.DashLine)
    return stroker.createStroke(line)


@cache
def _colours(palette: Palette) -> dict[Role, QColor]:
    ink, window, accent = QColor(palette.ink), QColor(palette.window), QColor(palette.accent)
    return {
        Role.PROP: QColor(palette.soft),
        Role.CUSHION: _mix(QColor(palette.soft), accent, 0.25),
        Role.FAR: _mix(ink, window, 0.5),
        Role.BODY: _mix(ink, window, 0.12),
        Role.HAIR: _mix(ink, accent, 0.35),
        Role.FACE: _mix(ink, window, 0.12),
        Role.ACTIVE: accent,
        Role.GLOW: accent,
        Role.PATH: accent,
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
            for shape in shapes(body, shown.view, glows=shown.glow,
                                solids=solids(shown, body)):
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
        self._drawn: list[Shape] = []
        self._palette = LIGHT
        self._detail = detail
        # It paints its own background, so a frame does not repaint the page beneath.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        if detail:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.setMinimumSize(140, 140)
        else:
            self.setFixedSize(THUMBNAIL)

    def sizeHint(self) -> QSize:
        return QSize(420, 340) if self._detail else THUMBNAIL

    def show_frame(self, frame: Frame | None, palette: Palette) -> None:
        """Repaints only what changed: a still figure costs nothing, and a moving hand
        costs the rectangle it moves in."""
        if (frame, palette) == (self.frame, self._palette):
            return
        drawn = figure_shapes(frame, self._detail) if frame is not None else []
        same_picture = (frame is not None and self.frame is not None
                        and palette == self._palette and frame.scene == self.frame.scene
                        and len(drawn) == len(self._drawn))
        if same_picture and frame is not None:
            placed = _placement(QRectF(self.rect()), frame.scene.name)
            dirty = QRectF()
            for old, new in zip(self._drawn, drawn, strict=True):
                if old != new:
                    dirty = dirty.united(_bounds(old, placed.m11())).united(
                        _bounds(new, placed.m11()))
            if not dirty.isEmpty():
                self.update(placed.mapRect(dirty).toAlignedRect())
        else:
            self.update()
        self.frame, self._palette, self._drawn = frame, palette, drawn

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.frame is None:
            return
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(self._palette.window))
        _paint_shapes(painter, self._drawn, _placement(QRectF(self.rect()),
                                                       self.frame.scene.name), self._palette,
                      QRectF(event.rect()))
