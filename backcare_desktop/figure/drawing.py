"""A posed body, its props and its motion, flattened into 2-D shapes for any painter.

Orthographic projection and a painter's sort: every body part is a hull of circles or of
cross-sections (a torso is a stack of ellipses), so it reads correctly from the front, the
side, behind or above without a drawing per view. Pure, so tests can look at the picture's
geometry and the Qt widget only fills and strokes what it gets.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from backcare_desktop.figure.body import Body
from backcare_desktop.figure.geometry import Matrix, Vec, add, apply, compose, rotation

Point = tuple[float, float]
"""Projected: x to the right, y down, in metres."""


class Role(StrEnum):
    FLOOR = "floor"
    PROP = "prop"
    PROP_EDGE = "prop_edge"
    FAR = "far"
    BODY = "body"
    HAIR = "hair"
    FACE = "face"
    ACTIVE = "active"
    GLOW = "glow"
    PATH = "path"
    ARROW = "arrow"


@dataclass(frozen=True)
class Shape:
    role: Role
    points: tuple[Point, ...]
    """A closed outline (or, for PATH, an open line)."""
    depth: float
    """Nearer the viewer is larger; shapes are painted far to near."""
    more: tuple[tuple[Point, ...], ...] = ()
    """Further outlines painted as one with the first (a torso is several hulls)."""


@dataclass(frozen=True)
class View:
    """Where the viewer stands: `yaw` turns round the person (0 in front, 90 at their
    right, 180 behind), `pitch` looks down from above."""

    yaw: float = 90.0
    pitch: float = 0.0

    @property
    def turn(self) -> Matrix:
        return compose(rotation("x", self.pitch), rotation("y", self.yaw))

    def project(self, point: Vec) -> tuple[float, float, float]:
        x, y, z = apply(self.turn, point)
        return (x, -y, z)


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


# Body parts: (from, to, width at from, width at to), widths in metres.
_LIMBS: tuple[tuple[str, str, float, float], ...] = (
    ("neck_base", "head_base", 0.1, 0.09),
    ("hip", "knee", 0.16, 0.105), ("knee", "ankle", 0.105, 0.07), ("ankle", "toe", 0.075, 0.05),
    ("shoulder", "elbow", 0.1, 0.075), ("elbow", "wrist", 0.075, 0.055),
)
_SIDED = ("hip", "knee", "ankle", "toe", "shoulder", "elbow", "wrist", "hand")
# Torso cross-sections: point, half width, half depth, forward offset (the spine lies
# towards the back).
_SECTIONS: tuple[tuple[str, float, float, float], ...] = (
    ("pelvis", 0.14, 0.1, -0.005), ("waist", 0.115, 0.08, 0.03), ("chest", 0.13, 0.095, 0.04),
    ("sternum", 0.14, 0.07, -0.005),
)
_HEAD = (0.078, 0.108, 0.098)
"""Half width, height and depth of the head."""


def shapes(body: Body, view: View, active: Iterable[str] = (), glows: Iterable[str] = (),
           solids: Sequence[Solid] = (), path: Sequence[Vec] = ()) -> list[Shape]:
    """Everything to paint, in painting order. `active` names the acting hands or feet
    (drawn in the accent colour), `glows` the points whose area is lit."""
    p = body.points
    active = set(active)
    torso_depth = (view.project(p["pelvis"])[2] + view.project(p["chest"])[2]) / 2
    parts: list[Shape] = []
    breath = body.breath
    sections = []
    for name, width, depth, forward in _SECTIONS:
        swell = {"waist": 0.012, "chest": 0.014, "sternum": 0.012}.get(name, 0.0) * breath
        sections.append(_section(body, name, width + swell / 2, depth + swell, forward, view))
    # Each piece reaches a little into the next, so that the painter's union leaves no seam.
    reaching = [*(_between(upper, beyond, 0.25) for upper, beyond in
                  itertools.pairwise(sections[1:])), sections[-1]]
    pieces = [_hull_shape(Role.BODY, [*lower, *upper, *further])
              for (lower, upper), further in zip(itertools.pairwise(sections), reaching,
                                                 strict=True)]
    parts.append(Shape(Role.BODY, pieces[0].points, sum(q.depth for q in pieces) / len(pieces),
                       tuple(piece.points for piece in pieces[1:])))
    for side in ("l", "r"):
        parts.append(_tapered(Role.BODY, view, p["neck_base"], p[f"{side}_shoulder"], 0.11, 0.1))
        for start, end, first, second in _LIMBS[1:]:
            parts.append(_tapered(Role.BODY, view, p[f"{side}_{start}"], p[f"{side}_{end}"],
                                  first, second))
        hand = f"{side}_hand"
        reach = add(p[hand], _towards(p[f"{side}_wrist"], p[hand], 0.03))
        parts.append(_tapered(Role.ACTIVE if hand in active else Role.BODY, view,
                              p[f"{side}_wrist"], reach, 0.06, 0.055))
    start, end, first, second = _LIMBS[0]
    parts.append(_tapered(Role.BODY, view, p[start], p[end], first, second))
    parts = [_far_or_near(part, torso_depth) for part in parts]
    parts.extend(_head(body, view))
    ordered = sorted((_solid(solid, view) for solid in solids if solid.kind != "slab"),
                     key=lambda shape: shape.depth)
    everything = sorted([*parts, *ordered], key=lambda shape: shape.depth)
    floor = [_solid(solid, view) for solid in solids if solid.kind == "slab"]
    lit = [_circle(Role.GLOW, view.project(p[name]), 0.085) for name in glows]
    trail = []
    if len(path) > 1:
        line = tuple(_flat(view.project(point)) for point in path)
        trail = [Shape(Role.PATH, line, 0.0), _arrow(line)]
    return [*floor, *everything, *lit, *trail]


def _far_or_near(shape: Shape, torso_depth: float) -> Shape:
    """Limbs on the far side of the trunk are drawn paler, so a side view reads in depth."""
    if shape.role is Role.BODY and shape.depth < torso_depth - 0.05:
        return Shape(Role.FAR, shape.points, shape.depth, shape.more)
    return shape


def _between(first: Sequence[tuple[float, float, float]],
             second: Sequence[tuple[float, float, float]],
             t: float) -> list[tuple[float, float, float]]:
    return [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)
            for a, b in zip(first, second, strict=True)]


def _section(body: Body, name: str, width: float, depth: float, forward: float,
             view: View) -> list[tuple[float, float, float]]:
    centre, frame = body.points[name], body.frames[name]
    ring = []
    for k in range(16):
        angle = 2 * math.pi * k / 16
        local = (width * math.cos(angle), 0.0, forward + depth * math.sin(angle))
        ring.append(view.project(add(centre, apply(frame, local))))
    return ring


def _head(body: Body, view: View) -> list[Shape]:
    centre, frame = body.points["head"], body.frames["head_base"]
    wide, high, deep = _HEAD
    surface, hair = [], []
    for i in range(1, 10):
        polar = math.pi * i / 10
        for k in range(16):
            angle = 2 * math.pi * k / 16
            local = (wide * math.sin(polar) * math.cos(angle), high * math.cos(polar),
                     deep * math.sin(polar) * math.sin(angle))
            point = view.project(add(centre, apply(frame, local)))
            surface.append(point)
            if local[1] > 0.45 * high or (local[2] < -0.2 * deep and local[1] > -0.35 * high):
                hair.append(point)
    head = _hull_shape(Role.BODY, surface)
    nose = view.project(body.points["nose"])
    shapes_ = [head, _hull_shape(Role.HAIR, hair, head.depth + 0.001)]
    if nose[2] > view.project(centre)[2] - 0.04:  # the face is towards the viewer or side-on
        shapes_.append(_circle(Role.FACE, nose, 0.02, head.depth + 0.002))
    return shapes_


def _solid(solid: Solid, view: View) -> Shape:
    if solid.kind == "ball":  # drawn over the body, as if seen through it: the ball is the
        return _circle(solid.role, view.project(solid.centre), solid.size[0], 9.0)  # point
    turn = rotation("y", solid.yaw)
    corners = [view.project(add(solid.centre, apply(turn, (sx * solid.size[0],
                                                            sy * solid.size[1],
                                                            sz * solid.size[2]))))
               for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]
    depth = sum(c[2] for c in corners) / 8 - 0.12  # a prop gives way to the body it holds
    return _hull_shape(solid.role, corners, depth)


def _tapered(role: Role, view: View, start: Vec, end: Vec, first: float,
             second: float) -> Shape:
    a, b = view.project(start), view.project(end)
    points = [*_ring(a, first / 2), *_ring(b, second / 2)]
    return Shape(role, _hull([_flat(q) for q in points]), (a[2] + b[2]) / 2)


def _circle(role: Role, centre: tuple[float, float, float], radius: float,
            depth: float | None = None) -> Shape:
    return Shape(role, tuple(_flat(q) for q in _ring(centre, radius)),
                 centre[2] if depth is None else depth)


def _ring(centre: tuple[float, float, float], radius: float,
          count: int = 20) -> list[tuple[float, float, float]]:
    return [(centre[0] + radius * math.cos(2 * math.pi * k / count),
             centre[1] + radius * math.sin(2 * math.pi * k / count), centre[2])
            for k in range(count)]


def _hull_shape(role: Role, points: Sequence[tuple[float, float, float]],
                depth: float | None = None) -> Shape:
    mean = sum(q[2] for q in points) / len(points)
    return Shape(role, _hull([_flat(q) for q in points]), mean if depth is None else depth)


def _arrow(line: Sequence[Point]) -> Shape:
    """A small head at the end of the path, pointing the way it goes."""
    tip = line[-1]
    back = next((q for q in reversed(line[:-1]) if math.dist(q, tip) > 0.02), line[0])
    angle = math.atan2(tip[1] - back[1], tip[0] - back[0])
    size = 0.045
    left = (tip[0] - size * math.cos(angle - 0.5), tip[1] - size * math.sin(angle - 0.5))
    right = (tip[0] - size * math.cos(angle + 0.5), tip[1] - size * math.sin(angle + 0.5))
    return Shape(Role.ARROW, (left, tip, right), 0.0)


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
