"""The articulated person: bones as data, a pose as joint angles, and forward kinematics.

The body frame is the person's own: x to their left, y up (head-wards), z forward (where
the face looks). A pose names its joint angles in the words a physiotherapist would use
(flex, side, twist) so a scene reads like the step's text; the sign tables below turn them
into rotations. Hands can instead *reach* for a place on the body (the back of the neck,
the lower back) and the arm is bent to get there: a hand on the body must touch it, and
angles typed by hand never quite would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from backcare_desktop.figure.geometry import (
    IDENTITY,
    Matrix,
    Vec,
    add,
    apply,
    compose,
    cross,
    dot,
    length,
    lerp,
    rotation,
    scale,
    sub,
    unit,
)


class Position(StrEnum):
    """How the body rests: the frame every pose starts from, and what a step declares."""

    SEATED = "seated"
    """On a chair, feet on the floor."""
    SEATED_FLOOR = "seated-floor"
    LYING = "lying"
    """On the back."""
    LYING_SIDE = "lying-side"
    ALL_FOURS = "all-fours"
    STANDING = "standing"

    @property
    def words(self) -> str:
        return {"seated": "seated in a chair", "seated-floor": "seated on the floor",
                "lying": "lying on the back", "lying-side": "lying on the side",
                "all-fours": "on hands and knees", "standing": "standing"}[self.value]


SEAT_HEIGHT = 0.46
"""A dining or office chair's seat, in metres."""

_ROOT_TURN: dict[Position, Matrix] = {
    Position.SEATED: IDENTITY,
    Position.SEATED_FLOOR: IDENTITY,
    Position.STANDING: IDENTITY,
    Position.LYING: rotation("x", -90),  # head away from the camera's +z, face up
    Position.LYING_SIDE: compose(rotation("z", -90), rotation("x", -90)),  # on the left side
    Position.ALL_FOURS: rotation("x", 78),  # back nearly level, shoulders above the hips
}


@dataclass(frozen=True)
class _Bone:
    parent: str | None
    offset: Vec
    """From the parent joint, in the parent's frame (metres)."""
    turns: str = ""
    """The joint whose angles turn this point's frame (and so everything beyond it)."""


def _bilateral(side: str, sign: float) -> dict[str, _Bone]:
    """One arm and one leg; `sign` is +1 for the left (the body's +x)."""
    s = side
    return {
        f"{s}_hip": _Bone("hips", (0.09 * sign, -0.06, 0.0), f"{s}_hip"),
        f"{s}_knee": _Bone(f"{s}_hip", (0.0, -0.43, 0.0), f"{s}_knee"),
        f"{s}_ankle": _Bone(f"{s}_knee", (0.0, -0.42, 0.0), f"{s}_ankle"),
        f"{s}_toe": _Bone(f"{s}_ankle", (0.0, -0.035, 0.16)),
        f"{s}_clavicle": _Bone("sternum", (0.02 * sign, 0.0, 0.0), f"{s}_clavicle"),
        f"{s}_shoulder": _Bone(f"{s}_clavicle", (0.16 * sign, -0.01, -0.05), f"{s}_shoulder"),
        f"{s}_elbow": _Bone(f"{s}_shoulder", (0.0, -0.29, 0.0), f"{s}_elbow"),
        f"{s}_wrist": _Bone(f"{s}_elbow", (0.0, -0.25, 0.0), f"{s}_wrist"),
        f"{s}_hand": _Bone(f"{s}_wrist", (0.0, -0.075, 0.0)),
        # the muscle beside the shoulder blade, on the skin of the back
        f"{s}_scapula": _Bone("chest", (0.075 * sign, 0.05, -0.12)),
    }


BONES: dict[str, _Bone] = {
    "pelvis": _Bone(None, (0.0, 0.0, 0.0), "pelvis"),
    "hips": _Bone("pelvis", (0.0, 0.0, 0.0), "hips"),
    "lumbar": _Bone("pelvis", (0.0, 0.0, 0.0), "lumbar"),
    "waist": _Bone("lumbar", (0.0, 0.14, 0.0), "thoracic"),
    "chest": _Bone("waist", (0.0, 0.17, 0.0), "upper_back"),
    "neck_base": _Bone("chest", (0.0, 0.16, -0.015), "neck"),
    "sternum": _Bone("chest", (0.0, 0.12, 0.03)),
    "head_base": _Bone("neck_base", (0.0, 0.09, 0.02), "head"),
    "head": _Bone("head_base", (0.0, 0.09, 0.015)),
    "nose": _Bone("head_base", (0.0, 0.085, 0.115)),
    "crown": _Bone("head_base", (0.0, 0.2, -0.005)),
    **_bilateral("l", 1.0),
    **_bilateral("r", -1.0),
}
"""Listed parents first, so one pass computes every point."""

# Signs turning (flex, side, twist) into rotations about (x, z, y) for the left side and
# the midline; the right side flips side and twist, so a mirrored pose is a renamed one.
# flex: forward bending (the hip and shoulder raise the limb forwards, the knee bends it
# back); side: away from the midline (midline: leaning to the person's right); twist:
# turning inwards (midline: turning to the person's left).
_SIGNS: dict[str, tuple[float, float, float]] = {
    "pelvis": (1.0, 1.0, 1.0), "hips": (-1.0, 1.0, 1.0), "lumbar": (1.0, 1.0, 1.0),
    "thoracic": (1.0, 1.0, 1.0), "upper_back": (1.0, 1.0, 1.0), "neck": (1.0, 1.0, 1.0),
    "head": (1.0, 1.0, 1.0), "hip": (-1.0, 1.0, -1.0), "knee": (1.0, 0.0, 0.0),
    "ankle": (-1.0, 0.0, 0.0), "clavicle": (0.0, 1.0, -1.0), "shoulder": (-1.0, 1.0, -1.0),
    "elbow": (-1.0, 0.0, 0.0), "wrist": (-1.0, 0.0, 0.0),
}
"""`hips` is the pelvis as the legs see it: its flex is a posterior tilt (the lower back
pressing down), its twist the knees falling to one side while the chest stays put."""

RANGES: dict[str, tuple[float, float]] = {
    "pelvis.flex": (-30, 30), "pelvis.side": (-10, 10), "pelvis.twist": (-10, 10),
    "hips.flex": (-15, 20), "hips.side": (-10, 10), "hips.twist": (-50, 50),
    "lumbar.flex": (-25, 50), "lumbar.side": (-20, 20), "lumbar.twist": (-20, 20),
    "thoracic.flex": (-20, 40), "thoracic.side": (-20, 20), "thoracic.twist": (-25, 25),
    "upper_back.flex": (-20, 40), "upper_back.side": (-15, 15), "upper_back.twist": (-25, 25),
    "neck.flex": (-30, 45), "neck.side": (-25, 25), "neck.twist": (-45, 45),
    "head.flex": (-30, 35), "head.side": (-20, 20), "head.twist": (-40, 40),
    "hip.flex": (-15, 135), "hip.side": (-20, 40), "hip.twist": (-30, 30),
    "knee.flex": (0, 150), "ankle.flex": (-45, 35),
    "clavicle.side": (-10, 30), "clavicle.twist": (-20, 20),
    "shoulder.flex": (-50, 175), "shoulder.side": (-30, 170), "shoulder.twist": (-60, 70),
    "elbow.flex": (0, 150), "wrist.flex": (-70, 80), "breath": (0, 1),
}
"""Comfortable ranges, in degrees; a scene or a moment of one outside them is an error."""

UPPER_ARM, FOREARM, HAND = 0.29, 0.25, 0.075
_NEAREST_REACH = 0.165
"""The closest the middle of a hand comes to its own shoulder: the elbow then bends 150
degrees, as far as an elbow goes. Nearer targets are met at this distance."""


def range_of(dof: str) -> tuple[float, float]:
    """The range of a degree of freedom such as 'l_knee.flex' (sides share one range)."""
    name = dof[2:] if dof[:2] in ("l_", "r_") else dof
    return RANGES[name]


@dataclass(frozen=True)
class Reach:
    """A hand placed on the body: at `offset` in the frame of `anchor` (a bone), with the
    elbow pointing roughly along `elbow` (in the trunk's frame). With `level`, the offset
    is level with the floor instead (a hand on the floor, a set distance from a knee)."""

    anchor: str
    offset: Vec = (0.0, 0.0, 0.0)
    elbow: Vec = (0.0, -1.0, 0.0)
    level: bool = False

    def mirrored(self) -> Reach:
        return Reach(swap_side(self.anchor), _flip(self.offset), _flip(self.elbow),
                     self.level)


@dataclass(frozen=True)
class Pose:
    """Joint angles (degrees; `breath` 0..1 fills the chest) and where the hands reach."""

    position: Position
    dofs: Mapping[str, float] = field(default_factory=dict)
    reach: Mapping[str, Place] = field(default_factory=dict)
    """'l' or 'r' -> the place that hand rests on; an arm not named here follows its angles."""

    def mirrored(self) -> Pose:
        """The same pose acted with the other side: limbs swap, midline turns reverse."""
        dofs = {}
        for name, value in self.dofs.items():
            midline = name[:2] not in ("l_", "r_")
            flips = midline and name.endswith((".side", ".twist"))
            dofs[swap_side(name)] = -value if flips else value
        reach = {("r" if side == "l" else "l"): place.mirrored()
                 for side, place in self.reach.items()}
        return Pose(self.position, dofs, reach)

    def angle(self, dof: str) -> float:
        return self.dofs.get(dof, 0.0)


def blend(a: Pose, b: Pose, t: float) -> Pose:
    """`a` turned `t` of the way to `b`: angles straight, hands via their places on the body
    (a hand that only one pose places keeps that place throughout)."""
    if t <= 0.0:
        return a
    if t >= 1.0:
        return b
    names = set(a.dofs) | set(b.dofs)
    dofs = {name: a.angle(name) + (b.angle(name) - a.angle(name)) * t for name in names}
    reach: dict[str, Place] = dict(b.reach)
    for side, place in a.reach.items():
        other = b.reach.get(side)
        reach[side] = place if other is None else Between(place, other, t)
    return Pose(a.position, dofs, reach)


@dataclass(frozen=True)
class Between:
    """A hand `t` of the way from one place to another: resolved in world space, so a hand
    sliding from the neck to the shoulder follows the skin between."""

    first: Place
    second: Place
    t: float

    @property
    def elbow(self) -> Vec:
        return lerp(self.first.elbow, self.second.elbow, self.t)

    def mirrored(self) -> Between:
        return Between(self.first.mirrored(), self.second.mirrored(), self.t)


Place = Reach | Between


@dataclass(frozen=True)
class Body:
    """A posed figure: every point in the world (metres; y up, the floor at 0)."""

    position: Position
    points: Mapping[str, Vec]
    frames: Mapping[str, Matrix]
    breath: float

    def locate(self, place: Place) -> Vec:
        """Where a place on this body is, in the world."""
        return _place(self.points, self.frames, place)


def posed(pose: Pose, plant: tuple[str, Vec] | None = None) -> Body:
    """Forward kinematics, then the hands that reach, then the body set on its support;
    `plant` keeps one point (a knee, a foot) at a place on the floor, so a body moving over
    it does not slide."""
    frames: dict[str, Matrix] = {}
    points: dict[str, Vec] = {}
    root = _ROOT_TURN[pose.position]
    for name, bone in BONES.items():
        parent_frame = frames[bone.parent] if bone.parent else root
        base = points[bone.parent] if bone.parent else (0.0, 0.0, 0.0)
        points[name] = add(base, apply(parent_frame, bone.offset))
        turn = _joint(bone.turns, pose) if bone.turns else IDENTITY
        frames[name] = parent_frame if turn is IDENTITY else compose(parent_frame, turn)
    for side, place in pose.reach.items():
        _reach(points, frames, side, place)
    lift = _support_height(pose.position, points)
    dx = dz = 0.0
    if plant is not None:
        name, spot = plant
        dx, dz = spot[0] - points[name][0], spot[2] - points[name][2]
    points = {name: (p[0] + dx, p[1] + lift, p[2] + dz) for name, p in points.items()}
    return Body(pose.position, points, frames, pose.angle("breath"))


RADII: dict[str, float] = {
    "pelvis": 0.1, "waist": 0.1, "chest": 0.11, "neck_base": 0.06, "head": 0.105,
    "crown": 0.01, "knee": 0.055, "ankle": 0.045, "toe": 0.025, "elbow": 0.04,
    "wrist": 0.03, "hand": 0.035, "shoulder": 0.055, "hip": 0.08,
}
"""How far the body's surface lies from each point: what rests on the floor."""


def radius(point: str) -> float:
    name = point[2:] if point[:2] in ("l_", "r_") else point
    return RADII.get(name, 0.0)


def _support_height(position: Position, points: Mapping[str, Vec]) -> float:
    if position is Position.SEATED:
        return SEAT_HEIGHT + 0.1 - points["pelvis"][1]
    return -min(p[1] - radius(name) for name, p in points.items() if radius(name) > 0)


def _joint(joint: str, pose: Pose) -> Matrix:
    kind = joint[2:] if joint[:2] in ("l_", "r_") else joint
    flex_sign, side_sign, twist_sign = _SIGNS[kind]
    if joint.startswith("r_"):
        side_sign, twist_sign = -side_sign, -twist_sign
    flex = pose.angle(f"{joint}.flex") * flex_sign
    side = pose.angle(f"{joint}.side") * side_sign
    twist = pose.angle(f"{joint}.twist") * twist_sign
    turn = IDENTITY
    if flex:
        turn = rotation("x", flex)
    if side:
        turn = compose(turn, rotation("z", side))
    if twist:
        turn = compose(turn, rotation("y", twist))
    return turn


def _place(points: Mapping[str, Vec], frames: Mapping[str, Matrix], place: Place) -> Vec:
    if isinstance(place, Between):
        return lerp(_place(points, frames, place.first), _place(points, frames, place.second),
                    place.t)
    if place.level:
        return add(points[place.anchor], place.offset)
    return add(points[place.anchor], apply(frames[place.anchor], place.offset))


def _reach(points: dict[str, Vec], frames: dict[str, Matrix], side: str,
           place: Place) -> None:
    """Bends the arm so the middle of the hand lands on `place` (two-bone inverse
    kinematics: the elbow sits on the circle both bones allow, nearest the hint)."""
    shoulder = points[f"{side}_shoulder"]
    target = _place(points, frames, place)
    if isinstance(place, Between):  # a hand going round to the back goes over its shoulder
        first, second = _place(points, frames, place.first), _place(points, frames, place.second)
        far = min(max((length(sub(second, first)) - 0.25) / 0.2, 0.0), 1.0)
        if not _round_the_back(points, frames, first, second):
            far = 0.0
        over = add(shoulder, apply(frames["chest"], (0.1 if side == "l" else -0.1, 0.2, 0.12)))
        via = lerp(lerp(first, second, 0.5), over, far)
        t = place.t
        target = add(add(scale(first, (1 - t) ** 2), scale(via, 2 * t * (1 - t))),
                     scale(second, t * t))
    upper, lower = UPPER_ARM, FOREARM + HAND
    towards = sub(target, shoulder)
    distance = min(max(length(towards), _NEAREST_REACH), upper + lower - 1e-4)
    axis = unit(towards)
    target = add(shoulder, scale(axis, distance))
    along = (upper * upper - lower * lower + distance * distance) / (2 * distance)
    height = math.sqrt(max(upper * upper - along * along, 0.0))
    hint = apply(frames["chest"], place.elbow)
    pole = sub(hint, scale(axis, dot(hint, axis)))
    if length(pole) < 1e-6:
        pole = cross(axis, (1.0, 0.0, 0.0))
    elbow = add(add(shoulder, scale(axis, along)), scale(unit(pole), height))
    points[f"{side}_elbow"] = elbow
    points[f"{side}_wrist"] = add(elbow, scale(unit(sub(target, elbow)), FOREARM))
    points[f"{side}_hand"] = target


def _round_the_back(points: Mapping[str, Vec], frames: Mapping[str, Matrix], first: Vec,
                    second: Vec) -> bool:
    """Whether one place is in front of the chest and the other behind it."""
    chest, frame = points["chest"], frames["chest"]
    forward = (frame[0][2], frame[1][2], frame[2][2])
    ahead = [dot(sub(place, chest), forward) for place in (first, second)]
    return min(ahead) < -0.05 < 0.05 < max(ahead)


def swap_side(name: str) -> str:
    """`l_knee` for `r_knee` and back; a midline name stays."""
    if name.startswith("l_"):
        return "r_" + name[2:]
    if name.startswith("r_"):
        return "l_" + name[2:]
    return name


def _flip(v: Vec) -> Vec:
    return (-v[0], v[1], v[2])
