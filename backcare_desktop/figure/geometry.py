"""The little 3-D arithmetic the figure needs: points, rotations, an orthographic camera.

Tuples rather than numpy: a figure has some thirty points, and plain floats keep the pose
function cheap to call sixty times a second and exact to compare in tests.
"""

from __future__ import annotations

import math

Vec = tuple[float, float, float]
Matrix = tuple[Vec, Vec, Vec]
"""Rows of a 3x3 rotation."""

IDENTITY: Matrix = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    size = length(a)
    return scale(a, 1.0 / size) if size > 1e-12 else (0.0, 0.0, 0.0)


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def apply(m: Matrix, v: Vec) -> Vec:
    return (dot(m[0], v), dot(m[1], v), dot(m[2], v))


def compose(a: Matrix, b: Matrix) -> Matrix:
    """a · b: b acts first."""
    columns = tuple(zip(*b, strict=True))
    return tuple(tuple(dot(row, column) for column in columns)  # type: ignore[return-value]
                 for row in a)


def rotation(axis: str, degrees: float) -> Matrix:
    """A right-handed rotation about x, y or z."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == "x":
        return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))
    if axis == "y":
        return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def angle_between(a: Vec, b: Vec) -> float:
    """Degrees between two directions (0 for a zero vector)."""
    la, lb = length(a), length(b)
    if la < 1e-12 or lb < 1e-12:
        return 0.0
    return math.degrees(math.acos(min(1.0, max(-1.0, dot(a, b) / (la * lb)))))
