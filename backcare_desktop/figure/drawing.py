"""A posed body, its props and its motion, flattened into 2-D shapes for any painter.

Orthographic projection and a painter's sort: every body part is a hull of circles or of
cross-sections (a torso is a stack of ellipses), so it reads correctly from the front, the
side, behind or above without a drawing per view. Pure, so tests can look at the picture's
geometry and the Qt widget only fills and strokes what it gets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache

from backcare_desktop.figure.body import Body
from backcare_desktop.figure.geometry import Matrix, Vec, add, apply, compose, rotation

Point = tuple[float, float]
"""Projected: x to the right, y down, in metres."""


class Role(StrEnum):
    """What a shape is, which decides its colour."""

    PROP = "prop"
    CUSHION = "cushion"
    FAR = "far"
    BODY = "body"
    HAIR = "hair"
    FACE = "face"
    ACTIVE = "active"
    GLOW = "glow"
    PATH = "path"


class Kind(StrEnum):
    """How a shape is drawn."""

    SOLID = "solid"
    """Filled outlines (`points`, and `more` as one with it), with rounded corners."""
    LIMB = "limb"
    """A round-ended bar from `points[0]` to `points[1]`, `width` thick."""
    DOT = "dot"
    """A disc of radius `width` at `points[0]`."""
    LINE = "line"
    """An open line through `points`, drawn dashed."""
    ARROW = "arrow"
    """An arrow head: an open line through three points."""


@dataclass(frozen=True)
class Shape:
    role: Role
    kind: Kind
    points: tuple[Point, ...]
    depth: float
    """Nearer the viewer is larger; shapes are painted far to near."""
    width: float = 0.0
    more: tuple[tuple[Point, ...], ...] = ()

    @cached_property
    def box(self) -> tuple[float, float, float, float]:
        """Left, top, right and bottom of what it covers."""
        xs = [x for outline in (self.points, *self.more) for x, _ in outline]
        ys = [y for outline in (self.points, *self.more) for _, y in outline]
        reach = self.width / 2 if self.kind is Kind.LIMB else self.width
        return (min(xs) - reach, min(ys) - reach, max(xs) + reach, max(ys) + reach)

    @property
    def edged(self) -> bool:
        """Whether a thin line of the background separates it from what lies behind."""
        return self.kind in (Kind.SOLID, Kind.LIMB) or self.role is Role.ACTIVE


@dataclass(frozen=True)
class View:
    """Where the viewer stands: `yaw` turns round the person (0 in front, 90 at their
    right, 180 behind), `pitch` looks down from above."""

    yaw: float = 90.0
    pitch: float = 0.0

    @cached_property
    def turn(self) -> Matrix:
        return compose(rotation("x", self.pitch), rotation("y", self.yaw))



@dataclass(frozen=True)
class Solid:
    """A prop or a marker in the world: a box (centre, half sizes, turned about y) or a
    ball (`size` = (radius, 0, 0))."""

    kind: str
    """'box', 'ball' or 'slab' (a box drawn flat under everything, such as a mat)."""
    centre: Vec
    size: Vec
    role: Role = Role.PROP
    yaw: float = 0.0


_LIMBS: tuple[tuple[str, str, float], ...] = (
    ("hip", "knee", 0.14), ("knee", "ankle", 0.095), ("ankle", "toe", 0.065),
    ("shoulder", "elbow", 0.09), ("elbow", "wrist", 0.068),
)
"""Each side's bars: from, to and thickness (metres)."""
_SECTIONS: tuple[tuple[str, float, float, float], ...] = (
    ("pelvis", 0.135, 0.095, -0.005), ("waist", 0.11, 0.075, 0.03),
    ("chest", 0.125, 0.09, 0.04), ("sternum", 0.135, 0.065, -0.005),
)
"""Torso cross-sections: point, half width, half depth, forward offset (the spine lies
towards the back). The torso is drawn with a rounded edge that adds about 2 cm."""
_SWELL = {"waist": 0.012, "chest": 0.014, "sternum": 0.012}
"""How much deeper a full breath makes each section."""
_HEAD = (0.078, 0.108, 0.098)
"""Half width, height and depth of the head."""
_HAIR = ((0.083, 0.1, 0.096), (0.0, 0.02, -0.024))
"""The hair as a second, slightly larger head set up and back: seen from behind it covers
the head, from in front it shows as a rim."""
_RING = tuple((math.cos(2 * math.pi * k / 12), math.sin(2 * math.pi * k / 12))
              for k in range(12))
_OVAL = tuple((math.cos(2 * math.pi * k / 28), math.sin(2 * math.pi * k / 28))
              for k in range(28))


def shapes(body: Body, view: View, active: Iterable[str] = (), glows: Iterable[str] = (),
           solids: Sequence[Solid] = (), path: Sequence[Vec] = ()) -> list[Shape]:
    """Everything to paint, in painting order. `active` names the acting hands (drawn in
    the accent colour), `glows` the points whose area is lit."""
    p = body.points
    turn = view.turn
    flat = {name: _project(turn, point) for name, point in p.items()}
    active = set(active)
    torso_depth = (flat["pelvis"][2] + flat["chest"][2]) / 2
    parts: list[Shape] = [_torso(body, turn, torso_depth), *_head(body, turn, flat)]
    for side in ("l", "r"):
        parts.append(_limb(Role.BODY, flat["neck_base"], flat[f"{side}_shoulder"], 0.1))
        for start, end, width in _LIMBS:
            parts.append(_limb(Role.BODY, flat[f"{side}_{start}"], flat[f"{side}_{end}"], width))
        hand = f"{side}_hand"
        tip = _project(turn, add(p[hand], _towards(p[f"{side}_wrist"], p[hand], 0.025)))
        parts.append(_limb(Role.ACTIVE if hand in active else Role.BODY, flat[f"{side}_wrist"],
                           tip, 0.058))
    parts.append(_limb(Role.BODY, flat["neck_base"], flat["head_base"], 0.09))
    parts = [_far_or_near(part, torso_depth) for part in parts]
    floor = [_solid(solid, turn) for solid in solids if solid.kind == "slab"]
    rest = sorted([*parts, *(_solid(solid, turn) for solid in solids if solid.kind != "slab")],
                  key=lambda shape: shape.depth)
    lit = [_dot(Role.GLOW, flat[name], 0.085) for name in glows]
    trail: list[Shape] = []
    if len(path) > 1:
        line = tuple(_flat(_project(turn, point)) for point in path)
        trail = [Shape(Role.PATH, Kind.LINE, line, 0.0), _arrow(line)]
    return [*floor, *rest, *lit, *trail]


def _project(turn: Matrix, point: Vec) -> tuple[float, float, float]:
    x, y, z = apply(turn, point)
    return (x, -y, z)


def _far_or_near(shape: Shape, torso_depth: float) -> Shape:
    """Limbs on the far side of the trunk are drawn paler, so a side view reads in depth."""
    if shape.role is Role.BODY and shape.kind is Kind.LIMB and shape.depth < torso_depth - 0.05:
        return Shape(Role.FAR, shape.kind, shape.points, shape.depth, shape.width)
    return shape


def _torso(body: Body, turn: Matrix, depth: float) -> Shape:
    """Hulls of consecutive cross-sections, painted as one: each reaches a quarter into the
    next, so the outline has no notch where they meet."""
    rings = []
    for name, width, deep, forward in _SECTIONS:
        swell = _SWELL.get(name, 0.0) * body.breath
        seen = compose(turn, body.frames[name])
        x, y, _ = _project(turn, body.points[name])
        across, along = (width + swell / 2), (deep + swell)
        # the ring's two axes and its offset, as the viewer sees them
        ax, ay = seen[0][0] * across, -seen[1][0] * across
        bx, by = seen[0][2] * along, -seen[1][2] * along
        ox, oy = x + seen[0][2] * forward, y - seen[1][2] * forward
        rings.append([(ox + ax * c + bx * s, oy + ay * c + by * s) for c, s in _RING])
    pieces = []
    for index in range(len(rings) - 1):
        further = rings[index + 2] if index + 2 < len(rings) else rings[index + 1]
        reach = [(a[0] + (b[0] - a[0]) * 0.25, a[1] + (b[1] - a[1]) * 0.25)
                 for a, b in zip(rings[index + 1], further, strict=True)]
        pieces.append(_hull([*rings[index], *rings[index + 1], *reach]))
    return Shape(Role.BODY, Kind.SOLID, pieces[0], depth, 0.04, tuple(pieces[1:]))


def _head(body: Body, turn: Matrix, flat: dict[str, tuple[float, float, float]]) -> list[Shape]:
    frame = body.frames["head_base"]
    centre = body.points["head"]
    head = _ellipsoid(Role.BODY, turn, frame, centre, _HEAD)
    size, offset = _HAIR
    hair_centre = add(centre, apply(frame, offset))
    hair = _ellipsoid(Role.HAIR, turn, frame, hair_centre, size)
    nearer = _project(turn, hair_centre)[2] - flat["head"][2]
    hair = replace(hair, depth=head.depth + (0.001 if nearer > 0.01 else -0.001))
    found = [head, hair]
    nose = flat["nose"]
    if nose[2] > flat["head"][2] - 0.04:  # the face is towards the viewer, or side-on
        found.append(_dot(Role.FACE, nose, 0.02, head.depth + 0.002))
    return found


def _ellipsoid(role: Role, turn: Matrix, frame: Matrix, centre: Vec,
               size: tuple[float, float, float]) -> Shape:
    """The outline of an ellipsoid seen straight on: the ellipse J Jᵀ, for J its axes
    projected onto the picture."""
    axes = [apply(turn, apply(frame, axis)) for axis in
            ((size[0], 0.0, 0.0), (0.0, size[1], 0.0), (0.0, 0.0, size[2]))]
    m00 = sum(a[0] * a[0] for a in axes)
    m01 = sum(a[0] * -a[1] for a in axes)
    m11 = sum(a[1] * a[1] for a in axes)
    l00 = math.sqrt(m00)
    l10 = m01 / l00
    l11 = math.sqrt(max(m11 - l10 * l10, 1e-12))
    x, y, z = _project(turn, centre)
    outline = tuple((x + l00 * c, y + l10 * c + l11 * s) for c, s in _OVAL)
    return Shape(role, Kind.SOLID, outline, z, 0.0)


@lru_cache(maxsize=512)  # props stand still: their outlines are worked out once
def _solid(solid: Solid, turn: Matrix) -> Shape:
    if solid.kind == "ball":  # drawn over the body, as if seen through it: the ball is the
        return _dot(solid.role, _project(turn, solid.centre), solid.size[0], 9.0)  # point
    box = rotation("y", solid.yaw)
    corners = [_project(turn, add(solid.centre, apply(box, (sx * solid.size[0],
                                                            sy * solid.size[1],
                                                            sz * solid.size[2]))))
               for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]
    depth = sum(c[2] for c in corners) / 8 - 0.12  # a prop gives way to the body it holds
    rounding = 0.05 if solid.role is Role.CUSHION else 0.0
    return Shape(solid.role, Kind.SOLID, _hull([_flat(c) for c in corners]), depth, rounding)


def _limb(role: Role, start: tuple[float, float, float], end: tuple[float, float, float],
          width: float) -> Shape:
    return Shape(role, Kind.LIMB, (_flat(start), _flat(end)), (start[2] + end[2]) / 2, width)


def _dot(role: Role, centre: tuple[float, float, float], radius: float,
         depth: float | None = None) -> Shape:
    return Shape(role, Kind.DOT, (_flat(centre),), centre[2] if depth is None else depth,
                 radius)


def _arrow(line: Sequence[Point]) -> Shape:
    """A small head at the end of the path, pointing the way it goes."""
    tip = line[-1]
    back = next((q for q in reversed(line[:-1]) if math.dist(q, tip) > 0.02), line[0])
    angle = math.atan2(tip[1] - back[1], tip[0] - back[0])
    size = 0.045
    left = (tip[0] - size * math.cos(angle - 0.5), tip[1] - size * math.sin(angle - 0.5))
    right = (tip[0] - size * math.cos(angle + 0.5), tip[1] - size * math.sin(angle + 0.5))
    return Shape(Role.PATH, Kind.ARROW, (left, tip, right), 0.0)


def _towards(start: Vec, end: Vec, distance: float) -> Vec:
    d = (end[0] - start[0], end[1] - start[1], end[2] - start[2])
    size = math.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2) or 1.0
    return (d[0] / size * distance, d[1] / size * distance, d[2] / size * distance)


def _flat(point: tuple[float, float, float]) -> Point:
    return (point[0], point[1])


def _hull(points: list[Point]) -> tuple[Point, ...]:
    """Andrew's monotone chain."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return tuple(ordered)

    def turn(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for q in ordered:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    upper: list[Point] = []
    for q in reversed(ordered):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    return tuple(lower[:-1] + upper[:-1])
