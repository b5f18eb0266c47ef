"""The scenes a step can show: a body position, key poses with the moves between them, the
props, the acting hand or area, and where the viewer stands.

Each scene is written for the left side; a two-sided step shows its mirror for the right,
which swaps the acting hand and the direction of the movement, never the whole person (the
chair, the wall and the head stay where they are).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from backcare_desktop.figure.body import (
    SEAT_HEIGHT,
    Body,
    Place,
    Pose,
    Position,
    Reach,
    posed,
    range_of,
    swap_side,
)
from backcare_desktop.figure.drawing import Role, Solid, View


@dataclass(frozen=True)
class Key:
    """A key pose, as changes to the scene's base, and how the loop reaches it: `move` and
    `hold` are shares of the loop spent moving into it and resting at it. A move with
    `traced` false is a return (a hand lifting back to start), left out of the drawn path."""

    dofs: Mapping[str, float] = field(default_factory=dict)
    reach: Mapping[str, Place] = field(default_factory=dict)
    move: float = 1.0
    hold: float = 0.0
    traced: bool = True

    def mirrored(self) -> Key:
        pose = Pose(Position.STANDING, self.dofs, self.reach).mirrored()
        return replace(self, dofs=pose.dofs, reach=pose.reach)


@dataclass(frozen=True)
class Scene:
    name: str
    summary: str
    """What the picture shows, in a few words (the README's list, `check`'s hints)."""
    position: Position
    base: Mapping[str, float]
    reach: Mapping[str, Place] = field(default_factory=dict)
    keys: tuple[Key, ...] = (Key(),)
    view: View = field(default_factory=View)
    props: tuple[str, ...] = ()
    active: tuple[str, ...] = ()
    """Hands drawn in the accent colour."""
    glow: tuple[str, ...] = ()
    """Points whose area is lit: where the work is."""
    trace: str | None = None
    """The point whose path is drawn as the movement's trail."""
    ball: Place | None = None
    """Where a tennis ball sits, for the scenes that use one."""
    pace: float = 6.0
    """Seconds per loop of the keys, unless the step gives its own."""
    still: int = 0
    """The key shown when nothing moves (reduced motion, or before a movement starts)."""
    side: str | None = None
    """'left' when the scene acts with one side (written for the left), else None."""
    planted: str | None = None
    """A point that keeps its place on the floor while the body moves over it."""

    @property
    def moves(self) -> bool:
        return len(self.keys) > 1

    def key_pose(self, index: int) -> Pose:
        key = self.keys[index % len(self.keys)]
        return Pose(self.position, {**self.base, **key.dofs}, {**self.reach, **key.reach})

    def mirrored(self) -> Scene:
        """The same scene acted with the right side."""
        if self.side is None:
            return self
        pose = Pose(self.position, self.base, self.reach).mirrored()
        return replace(
            self, base=pose.dofs, reach=pose.reach, keys=tuple(k.mirrored() for k in self.keys),
            active=tuple(swap_side(name) for name in self.active),
            glow=tuple(swap_side(name) for name in self.glow),
            trace=swap_side(self.trace) if self.trace else None,
            ball=self.ball.mirrored() if self.ball else None, side="right")

    def problems(self) -> list[str]:
        """What is wrong with this scene as data: angles out of range, unknown props."""
        found = []
        for index in range(len(self.keys)):
            for dof, value in self.key_pose(index).dofs.items():
                low, high = range_of(dof)
                if not low <= value <= high:
                    found.append(f"{self.name}: key {index}: {dof} {value:g} outside "
                                 f"{low:g}..{high:g}")
        found.extend(f"{self.name}: unknown prop {prop!r}" for prop in self.props
                     if prop not in _PROPS)
        return found


# Props ---------------------------------------------------------------------------------------


def _chair(body: Body, back_gap: float, view: View) -> list[Solid]:
    """Seen from behind, the chair's back would hide the person's: it is left out."""
    x, _, z = body.points["pelvis"]
    seat_y = SEAT_HEIGHT - 0.02
    solids = [Solid("box", (x, seat_y, z + 0.11), (0.22, 0.025, 0.21))]
    back_z = z - 0.12 - back_gap
    if abs((view.yaw + 180) % 360 - 180) < 120:
        solids.append(Solid("box", (x, seat_y + 0.27, back_z), (0.21, 0.2, 0.018)))
    for dx in (-0.19, 0.19):
        for dz in (back_z - z + 0.01, 0.29):
            solids.append(Solid("box", (x + dx, seat_y / 2, z + dz), (0.017, seat_y / 2, 0.017)))
    return solids


def _mat(body: Body) -> list[Solid]:
    xs = [p[0] for p in body.points.values()]
    zs = [p[2] for p in body.points.values()]
    centre = ((min(xs) + max(xs)) / 2, 0.004, (min(zs) + max(zs)) / 2)
    return [Solid("slab", centre, ((max(xs) - min(xs)) / 2 + 0.2, 0.004,
                                   (max(zs) - min(zs)) / 2 + 0.15))]


def _cushion(body: Body, under: str) -> list[Solid]:
    x, y, z = body.points[under]
    height = max(0.03, (y - 0.06) / 2) if under == "head" else max(0.03, (y - 0.05) / 2)
    return [Solid("box", (x, height, z), (0.2, height, 0.13), Role.CUSHION)]


def _knee_cushion(body: Body) -> list[Solid]:
    left, right = body.points["l_knee"], body.points["r_knee"]
    x, z = (left[0] + right[0]) / 2, (left[2] + right[2]) / 2
    height = max(0.03, (min(left[1], right[1]) - 0.05) / 2)
    return [Solid("box", (x, height, z), (0.22, height, 0.11), Role.CUSHION)]


def _wall(body: Body) -> list[Solid]:
    z = min(body.points["l_scapula"][2], body.points["r_scapula"][2]) - 0.075
    return [Solid("box", (0.0, 0.95, z - 0.012), (0.45, 0.95, 0.012))]


_PROPS: dict[str, Callable[[Body, View], list[Solid]]] = {
    "chair": lambda body, view: _chair(body, 0.0, view),
    "chair-forward": lambda body, view: _chair(body, 0.1, view),
    "mat": lambda body, view: _mat(body),
    "cushion-head": lambda body, view: _cushion(body, "head"),
    "cushion-knees": lambda body, view: _knee_cushion(body),
    "wall": lambda body, view: _wall(body),
}


def solids(scene: Scene, body: Body) -> list[Solid]:
    """The scene's props, placed for its still pose (so they never move with the person),
    and its ball where the body holds it now."""
    still = _still_body(scene.name)
    found = [solid for prop in scene.props for solid in _PROPS[prop](still, scene.view)]
    if scene.ball is not None:
        ball = body.locate(scene.ball)
        found.append(Solid("ball", ball, (0.034, 0.0, 0.0), Role.ACTIVE))
    return found


def body_of(scene: Scene, pose: Pose) -> Body:
    """`pose` as this scene holds it: planted where its still pose stands."""
    if scene.planted is None:
        return posed(pose)
    name = scene.planted
    return posed(pose, (name, _still_body(scene.name).points[name]))


@cache
def _still_body(name: str) -> Body:
    scene = SCENES[name]
    return posed(scene.key_pose(scene.still))


# The library ---------------------------------------------------------------------------------

SIDE = View(90, 0)
"""From the person's right, facing the right of the picture."""
SIDE_ABOVE = View(90, 4)
BACK = View(180, 5)
BACK_THREE_QUARTER = View(150, 8)
FRONT_THREE_QUARTER = View(35, 8)
FEET_ABOVE = View(0, 50)
"""From beyond the feet and above: knees rolling to the person's left move to the right."""

_SEATED = {"l_hip.flex": 88, "r_hip.flex": 88, "l_hip.side": 5, "r_hip.side": 5,
           "l_knee.flex": 92, "r_knee.flex": 92, "l_ankle.flex": 2, "r_ankle.flex": 2}
_FORWARD = {"lumbar.flex": 6, "thoracic.flex": 4}
"""Sitting forward a little, away from the chair's back."""
_ARMS_HANGING = {"l_shoulder.side": 6, "r_shoulder.side": 6, "l_elbow.flex": 8,
                 "r_elbow.flex": 8}
_LYING = {"neck.flex": 14, "l_hip.side": 5, "r_hip.side": 5, "l_ankle.flex": -25,
          "r_ankle.flex": -25}
_OVER_CUSHION = {"l_hip.flex": 22, "r_hip.flex": 22, "l_knee.flex": 40, "r_knee.flex": 40}
_KNEES_UP = {"l_hip.flex": 50, "r_hip.flex": 50, "l_knee.flex": 110, "r_knee.flex": 110,
             "l_ankle.flex": -30, "r_ankle.flex": -30, "l_hip.side": 3, "r_hip.side": 3}
"""Lying with the knees bent and the feet flat on the floor."""
_ARMS_BY_SIDES = {"l_shoulder.side": 16, "r_shoulder.side": 16, "l_elbow.flex": 12,
                  "r_elbow.flex": 12}
_ALL_FOURS = {"l_hip.flex": 78, "r_hip.flex": 78, "l_knee.flex": 92, "r_knee.flex": 92,
              "l_ankle.flex": -40, "r_ankle.flex": -40, "l_hip.side": 4, "r_hip.side": 4,
              "neck.flex": 4}
"""Knees under the hips, the back nearly level; the hands stand on the floor under the
shoulders (`_HANDS_DOWN`)."""
_HANDS_DOWN = {"l": Reach("l_knee", (0.06, -0.07, 0.47), (0.3, -1.0, 0.0), level=True),
               "r": Reach("r_knee", (-0.06, -0.07, 0.47), (-0.3, -1.0, 0.0), level=True)}
_ARMS_OUT = {"l_shoulder.side": 75, "r_shoulder.side": 75, "l_elbow.flex": 15,
             "r_elbow.flex": 15}


def _pair(anchor: str, offset: tuple[float, float, float],
          elbow: tuple[float, float, float]) -> dict[str, Place]:
    """Both hands, the left at `offset` (on the left of `anchor`) and the right mirrored."""
    left = Reach(anchor, offset, elbow)
    return {"l": left, "r": left.mirrored()}


_ON_THIGHS = _pair("l_hip", (0.0, -0.3, 0.1), (0.4, -1.0, -0.5))
_ON_BELLY = {"l": Reach("waist", (0.07, 0.02, 0.135), (1.0, -0.2, -0.8)),
             "r": Reach("waist", (-0.06, -0.03, 0.135), (-1.0, -0.2, -0.8))}
_NECK_TOP = (0.035, 0.08, -0.1)
"""Where the middle of the hand is when the fingertips rest on the back of the neck, just
under the skull, a finger's width left of the middle."""
_NECK_LOW = (0.05, 0.0, -0.1)
_SHOULDER_TOP = (0.11, 0.0, -0.085)
"""On the muscle over the top of the shoulder, where the stroke ends, in the neck's frame."""
_LOW_BACK = (0.05, -0.07, -0.105)
"""On the muscle beside the lower spine, in the waist's frame."""
_ELBOWS_BACK = (1.0, -0.2, -1.0)


def _library(*scenes: Scene) -> dict[str, Scene]:
    return {scene.name: scene for scene in scenes}


SCENES: dict[str, Scene] = _library(
    # Seated in a chair -----------------------------------------------------------------------
    Scene("seated-tall", "sitting tall in a chair, hands on the thighs, crown lifting",
          Position.SEATED, {**_SEATED, "neck.flex": 2}, _ON_THIGHS, view=SIDE, props=("chair",),
          glow=("crown",)),
    Scene("seated-settle", "sitting in a chair, hands resting in the lap, breathing",
          Position.SEATED, {**_SEATED, "neck.flex": 10},
          _pair("l_hip", (-0.02, -0.2, 0.09), (0.5, -1.0, -0.3)),
          view=FRONT_THREE_QUARTER, props=("chair",), glow=("waist",)),
    Scene("seated-rest", "sitting back in a chair, hands resting, breathing slowly",
          Position.SEATED, {**_SEATED, "lumbar.flex": -8, "thoracic.flex": -3, "neck.flex": 12},
          _ON_THIGHS, view=SIDE, props=("chair",), glow=("chest",)),
    Scene("shoulder-rolls", "sitting tall, shoulders rolling up, back and down",
          Position.SEATED, {**_SEATED, **_ARMS_HANGING},
          keys=(Key({"l_clavicle.side": -3, "r_clavicle.side": -3}),
                Key({"l_clavicle.side": 24, "r_clavicle.side": 24, "l_clavicle.twist": 6,
                     "r_clavicle.twist": 6}),
                Key({"l_clavicle.side": 14, "r_clavicle.side": 14, "l_clavicle.twist": -16,
                     "r_clavicle.twist": -16}),
                Key({"l_clavicle.side": -3, "r_clavicle.side": -3, "l_clavicle.twist": -8,
                     "r_clavicle.twist": -8})),
          view=SIDE, props=("chair",), glow=("r_shoulder",), trace="r_shoulder", pace=4.5),
    Scene("neck-strokes", "one hand's fingertips stroking down the back of the neck and out "
          "over the top of the shoulder", Position.SEATED,
          {**_SEATED, **_ARMS_HANGING, "neck.flex": 12}, {"r": _ON_THIGHS["r"]},
          keys=(Key(reach={"l": Reach("neck_base", _NECK_TOP, (1.0, 0.5, 0.3))}),
                Key(reach={"l": Reach("neck_base", _NECK_LOW, (1.0, 0.1, 0.3))}),
                Key(reach={"l": Reach("neck_base", _SHOULDER_TOP, (0.7, 0.1, 0.8))},
                    move=1.2),
                Key(reach={"l": Reach("neck_base", _NECK_TOP, (1.0, 0.5, 0.3))}, move=0.8,
                    traced=False)),
          view=BACK, props=("chair",), active=("l_hand",), trace="l_hand", pace=5.0,
          side="left"),
    Scene("neck-both-hands", "the fingertips of both hands stroking down the back of the neck "
          "and out across the shoulders", Position.SEATED, {**_SEATED, "neck.flex": 12},
          keys=(Key(reach=_pair("neck_base", _NECK_TOP, (1.0, 0.5, 0.3))),
                Key(reach=_pair("neck_base", _NECK_LOW, (1.0, 0.1, 0.3))),
                Key(reach=_pair("neck_base", _SHOULDER_TOP, (0.7, 0.1, 0.8)), move=1.2),
                Key(reach=_pair("neck_base", _NECK_TOP, (1.0, 0.5, 0.3)), move=0.8,
                    traced=False)),
          view=BACK, props=("chair",), active=("l_hand", "r_hand"), trace="l_hand", pace=5.0),
    Scene("upper-back-strokes", "one hand over the opposite shoulder, stroking from the neck "
          "out across the shoulder blade", Position.SEATED,
          {**_SEATED, **_ARMS_HANGING, "neck.flex": 8, "neck.twist": 8},
          {"r": _ON_THIGHS["r"]},
          keys=(Key(reach={"l": Reach("neck_base", (-0.05, -0.01, -0.07), (0.2, 0.1, 1.0))}),
                Key(reach={"l": Reach("r_scapula", (-0.01, 0.02, -0.03), (0.2, 0.3, 1.0))},
                    move=1.2),
                Key(reach={"l": Reach("neck_base", (-0.05, -0.01, -0.07), (0.2, 0.1, 1.0))},
                    move=0.8, traced=False)),
          view=BACK, props=("chair",), active=("l_hand",), glow=("r_scapula",),
          trace="l_hand", pace=5.0, side="left"),
    Scene("palms-lower-back", "palms either side of the lower spine, stroking up and out",
          Position.SEATED, {**_SEATED, **_FORWARD},
          keys=(Key(reach=_pair("waist", _LOW_BACK, _ELBOWS_BACK)),
                Key(reach=_pair("waist", (0.13, 0.05, -0.07), _ELBOWS_BACK), move=1.2),
                Key(reach=_pair("waist", _LOW_BACK, _ELBOWS_BACK), move=0.8, traced=False)),
          view=BACK_THREE_QUARTER, props=("chair-forward",), active=("l_hand", "r_hand"),
          trace="l_hand", pace=4.0),
    Scene("knuckles-beside-spine", "soft fists beside the lower spine: press, hold, release, "
          "move a little higher", Position.SEATED, {**_SEATED, **_FORWARD},
          keys=(Key(reach=_pair("waist", (0.04, -0.08, -0.12), _ELBOWS_BACK), hold=1.0),
                Key(reach=_pair("waist", (0.04, -0.08, -0.1), _ELBOWS_BACK), move=0.6,
                    hold=1.4),
                Key(reach=_pair("waist", (0.04, -0.08, -0.12), _ELBOWS_BACK), move=0.5),
                Key(reach=_pair("waist", (0.04, 0.03, -0.12), _ELBOWS_BACK), move=0.8,
                    hold=0.5),
                Key(reach=_pair("waist", (0.04, 0.03, -0.1), _ELBOWS_BACK), move=0.6,
                    hold=1.4),
                Key(reach=_pair("waist", (0.04, 0.03, -0.12), _ELBOWS_BACK), move=0.5),
                ),
          view=BACK_THREE_QUARTER, props=("chair-forward",), active=("l_hand", "r_hand"),
          glow=("waist",), trace="l_hand", pace=12.0),
    Scene("scalp-temples", "fingertips on the scalp, making small slow circles",
          Position.SEATED, {**_SEATED, "neck.flex": 6},
          keys=tuple(Key(reach=_pair("head", (0.075 + 0.012 * dx, 0.06 + 0.015 * dy, 0.01),
                                     (1.0, 0.2, 0.3)))
                     for dx, dy in ((1, 0), (0, 1), (-1, 0), (0, -1))),
          view=View(15, 6), props=("chair",), active=("l_hand", "r_hand"),
          trace="l_hand", pace=3.0),
    Scene("temples", "fingertips at the temples, making small slow circles",
          Position.SEATED, {**_SEATED, "neck.flex": 6},
          keys=tuple(Key(reach=_pair("head", (0.07, 0.0 + 0.01 * dy, 0.035 + 0.01 * dz),
                                     (1.0, -0.4, 0.1)))
                     for dz, dy in ((1, 0), (0, 1), (-1, 0), (0, -1))),
          view=View(15, 6), props=("chair",), active=("l_hand", "r_hand"),
          trace="l_hand", pace=3.0),
    # Lying on the back -----------------------------------------------------------------------
    Scene("lying-hands-belly", "lying on the back, cushions under the head and knees, hands "
          "on the belly", Position.LYING, {**_LYING, **_OVER_CUSHION}, _ON_BELLY,
          view=SIDE_ABOVE, props=("mat", "cushion-head", "cushion-knees"), glow=("waist",)),
    Scene("lying-long-exhale", "lying on the back, knees bent, arms resting, a long out-breath",
          Position.LYING, {**_LYING, **_KNEES_UP, **_ARMS_BY_SIDES}, view=SIDE_ABOVE,
          props=("mat", "cushion-head"), glow=("chest",)),
    Scene("lying-box-breath", "lying on the back, one hand on the chest and one on the belly",
          Position.LYING, {**_LYING, **_OVER_CUSHION},
          {"l": Reach("chest", (0.05, 0.02, 0.14), (1.0, -0.3, -0.8)),
           "r": Reach("waist", (-0.04, 0.0, 0.135), (-1.0, -0.2, -0.8))},
          view=SIDE_ABOVE, props=("mat", "cushion-head", "cushion-knees"),
          glow=("sternum",)),
    Scene("knee-rolls", "lying on the back, knees bent and together, rolling to one side",
          Position.LYING, {**_LYING, **_KNEES_UP, **_ARMS_OUT, "l_hip.side": -2,
                           "r_hip.side": -2},
          keys=(Key(hold=0.3), Key({"hips.twist": 42, "neck.twist": -8}, move=1.0, hold=0.9),
                Key(move=1.0, traced=False)),
          view=FEET_ABOVE, props=("mat", "cushion-head"), glow=("l_knee",), trace="l_knee",
          pace=12.0, still=1, side="left"),
    Scene("lying-rest", "lying on the back, legs stretched out, arms resting",
          Position.LYING, {**_LYING, **_ARMS_BY_SIDES, "l_shoulder.side": 22,
                           "r_shoulder.side": 22, "l_hip.side": 8, "r_hip.side": 8},
          view=SIDE_ABOVE, props=("mat", "cushion-head"), glow=("chest",)),
    Scene("lying-knees-bent", "lying on the back, knees bent, feet flat, hands on the belly",
          Position.LYING, {**_LYING, **_KNEES_UP}, _ON_BELLY, view=SIDE_ABOVE,
          props=("mat", "cushion-head"), glow=("waist",)),
    Scene("pelvic-tilt", "lying with knees bent, pressing the lower back to the floor",
          Position.LYING, {**_LYING, **_KNEES_UP, **_ARMS_BY_SIDES},
          keys=(Key(hold=0.5), Key({"hips.flex": 10}, move=0.8, hold=1.0),
                Key(move=0.8, traced=False)),
          view=SIDE, props=("mat", "cushion-head"), glow=("pelvis",), trace="l_knee",
          pace=6.0, planted="l_ankle", still=1),
    Scene("knee-to-chest", "lying on the back, both hands behind one thigh, hugging the knee "
          "towards the chest", Position.LYING, {**_LYING, **_KNEES_UP},
          {"l": Reach("l_hip", (0.05, -0.3, -0.07), (1.0, 0.0, -0.4)),
           "r": Reach("l_hip", (-0.05, -0.3, -0.07), (-1.0, 0.0, -0.4))},
          keys=(Key({"l_hip.flex": 95, "l_knee.flex": 118}, hold=1.0),
                Key({"l_hip.flex": 115, "l_knee.flex": 128}, move=1.0, hold=1.2)),
          view=View(-90, 18), props=("mat", "cushion-head"), active=("l_hand", "r_hand"),
          glow=("l_knee",), trace="l_knee", pace=7.0, still=1, side="left"),
    # On the floor, on the side, on all fours, standing ----------------------------------------
    Scene("floor-sitting", "sitting on the floor, knees bent, hands resting on the knees",
          Position.SEATED_FLOOR, {"l_hip.flex": 130, "r_hip.flex": 130, "l_knee.flex": 86,
                                  "r_knee.flex": 86, "l_hip.side": 8, "r_hip.side": 8,
                                  "l_ankle.flex": -20, "r_ankle.flex": -20, "lumbar.flex": 6,
                                  "neck.flex": 5},
          _pair("l_knee", (0.0, 0.02, 0.06), (0.5, -1.0, -0.2)), view=View(60, 8),
          props=("mat",), glow=("chest",)),
    Scene("lying-side", "lying on the side, knees bent, a cushion under the head",
          Position.LYING_SIDE, {"neck.side": -10, "l_hip.flex": 55, "r_hip.flex": 65,
                                "l_knee.flex": 80, "r_knee.flex": 85, "l_shoulder.flex": 70,
                                "l_elbow.flex": 60, "r_shoulder.flex": 50,
                                "r_elbow.flex": 40},
          view=View(-90, 12), props=("mat", "cushion-head"), glow=("chest",)),
    Scene("bottom-to-heels", "on hands and knees, easing the bottom back towards the heels",
          Position.ALL_FOURS, _ALL_FOURS, _HANDS_DOWN,
          keys=(Key(hold=0.6),
                Key({"pelvis.flex": 22, "l_hip.flex": 128, "r_hip.flex": 128,
                     "l_knee.flex": 120, "r_knee.flex": 120, "neck.flex": 8},
                    move=1.4, hold=2.6),
                Key(move=1.4, traced=False)),
          view=SIDE, props=("mat",), glow=("pelvis",), trace="pelvis", pace=28.0, still=1,
          planted="l_knee"),
    Scene("cat-cow", "on hands and knees, rounding and then gently arching the back",
          Position.ALL_FOURS, _ALL_FOURS, _HANDS_DOWN,
          keys=(Key({"pelvis.flex": -17, "l_hip.flex": 61, "r_hip.flex": 61,
                     "thoracic.flex": 20, "upper_back.flex": 18, "neck.flex": 30}, hold=0.5),
                Key({"pelvis.flex": 14, "l_hip.flex": 92, "r_hip.flex": 92,
                     "thoracic.flex": -17, "upper_back.flex": -12, "neck.flex": -20},
                    move=1.0, hold=0.5)),
          view=SIDE, props=("mat",), glow=("waist",), trace="waist", pace=8.0,
          planted="l_knee"),
    Scene("ball-on-wall", "standing with the back to a wall, a tennis ball beside the "
          "shoulder blade, knees bending to roll it", Position.STANDING,
          {"pelvis.flex": -6, "l_hip.flex": 16, "r_hip.flex": 16, "l_knee.flex": 18,
           "r_knee.flex": 18, "l_ankle.flex": 8, "r_ankle.flex": 8, "l_hip.side": 5,
           "r_hip.side": 5, **_ARMS_HANGING},
          keys=(Key(hold=0.3),
                Key({"l_hip.flex": 41, "r_hip.flex": 41, "l_knee.flex": 68, "r_knee.flex": 68,
                     "l_ankle.flex": 33, "r_ankle.flex": 33}, move=1.0, hold=0.3),
                Key(move=1.0)),
          view=FRONT_THREE_QUARTER, props=("wall",),
          ball=Reach("l_scapula", (0.0, 0.0, -0.035)), trace="l_scapula", pace=6.0,
          planted="l_ankle", side="left"),
)

LEGACY_ILLUSTRATIONS: dict[str, str] = {
    "breathing-at-rest": "lying-hands-belly", "seated-posture": "seated-tall",
    "lying-on-side": "lying-side", "palms-lower-back": "palms-lower-back",
    "strokes-upper-back": "upper-back-strokes", "fingertips-neck": "neck-strokes",
    "shoulder-rolls": "shoulder-rolls", "scalp-temples": "scalp-temples",
    "tennis-ball-wall": "ball-on-wall", "knuckles-beside-spine": "knuckles-beside-spine",
    "knee-rolls": "knee-rolls", "pelvic-tilt": "pelvic-tilt", "knee-to-chest": "knee-to-chest",
    "cat-cow": "cat-cow", "childs-pose": "bottom-to-heels",
}
"""The pictures routine files named before scenes existed, and the scene each now shows."""

DEFAULT_SCENES: dict[Position, str] = {
    Position.SEATED: "seated-tall", Position.SEATED_FLOOR: "floor-sitting",
    Position.LYING: "lying-rest", Position.LYING_SIDE: "lying-side",
    Position.ALL_FOURS: "cat-cow", Position.STANDING: "ball-on-wall",
}
