"""The figure's motion as a pure function of the session position.

The session clock is the only clock: the pose at a moment depends on the timeline and the
position alone, so `screenshot --at` shows the exact frame the window shows, a paused
session stands still, and tests can assert on joint positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from backcare_desktop.figure.body import Pose, blend
from backcare_desktop.figure.geometry import Vec
from backcare_desktop.figure.scenes import SCENES, Scene, body_of
from backcare_desktop.session.timeline import PhaseKind, TimedStep, Timeline

TURN_SECONDS = 2.0
"""How long the figure takes to change sides after the spoken switch."""
_TRAIL_SAMPLES = 10


@dataclass(frozen=True)
class Frame:
    """What the figure shows at one moment."""

    scene: Scene
    """As acted now: mirrored for the right side."""
    pose: Pose
    backwards: bool = False
    """The movement runs the other way now (a step that reverses halfway)."""


def ease(t: float) -> float:
    """Slow in, slow out: how a hand starts and finishes a stroke."""
    return 0.5 - 0.5 * math.cos(math.pi * min(max(t, 0.0), 1.0))


def fullness(kind: PhaseKind, fraction: float) -> float:
    """How full of air: rising on the in-breath, held, falling on the out-breath."""
    eased = ease(fraction)
    return {PhaseKind.INHALE: eased, PhaseKind.HOLD_IN: 1.0,
            PhaseKind.EXHALE: 1.0 - eased}.get(kind, 0.0)


def scene_of(step: TimedStep) -> Scene:
    return SCENES[step.step.scene]


def still_frame(scene: Scene) -> Frame:
    """A scene's key pose, standing still: the thumbnail of what comes next, the end
    screen, reduced motion."""
    return Frame(scene, scene.key_pose(scene.still))


def frame_at(timeline: Timeline, position: float, reduced: bool = False) -> Frame:
    """The figure at `position` seconds into the session; `reduced` shows the key pose
    still (the reduced-motion setting). A step that moves on to another scene when the voice
    says so (`figure.then`) blends into it over TURN_SECONDS, as a side switch does."""
    position = min(max(position, 0.0), timeline.duration)
    timed = timeline.steps[timeline.step_index_at(position)]
    figure = timed.step.figure
    change = figure.then if figure else None
    if change is None or position < timed.start + change.at:
        return _acted(timeline, timed, scene_of(timed), position, timed.start, reduced)
    later = _acted(timeline, timed, SCENES[change.scene], position, timed.start + change.at,
                   reduced)
    since = position - timed.start - change.at
    if reduced or since >= TURN_SECONDS:
        return later
    earlier = _acted(timeline, timed, scene_of(timed), position, timed.start, reduced)
    return Frame(later.scene, blend(earlier.pose, later.pose, ease(since / TURN_SECONDS)),
                 later.backwards)


def _acted(timeline: Timeline, timed: TimedStep, scene: Scene, position: float,
           begun: float, reduced: bool) -> Frame:
    """`scene` as the step acts it at `position`, its loop counted from `begun`: mirrored
    for the right side, turning over smoothly at the switch."""
    side = timed.side_at(position)
    shown = _as_acted(scene.name, side == "right")
    if reduced:
        return still_frame(shown)
    figure = timed.step.figure
    pace = figure.pace if figure and figure.pace else scene.pace
    reverse_at = figure.reverse_at if figure and begun == timed.start else None
    breath = _breath(timeline, position)
    elapsed = position - begun
    backwards = reverse_at is not None and elapsed > reverse_at
    if side == "right":
        half = timed.sides[1].start
        turned = (position - half) / TURN_SECONDS
        pose = loop_pose(shown, position - half, pace, reverse_at, breath)
        if turned < 1.0:
            before = loop_pose(scene, elapsed, pace, reverse_at, breath)
            pose = blend(before, pose, ease(turned))
    else:
        pose = loop_pose(scene, elapsed, pace, reverse_at, breath)
    return Frame(shown, pose, backwards)


def loop_pose(scene: Scene, seconds: float, pace: float, reverse_at: float | None = None,
              breath: float = 0.0) -> Pose:
    """The scene's keys looped every `pace` seconds (running backwards after `reverse_at`),
    with the chest and shoulders rising as the lungs fill (`breath` 0..1)."""
    if reverse_at is not None and seconds > reverse_at:
        seconds = 2 * reverse_at - seconds
    pose = _in_loop(scene, (seconds / pace) % 1.0) if scene.moves else scene.key_pose(0)
    if not breath:
        return pose
    dofs = dict(pose.dofs)
    dofs["breath"] = breath
    dofs["upper_back.flex"] = dofs.get("upper_back.flex", 0.0) - 3.0 * breath
    for side in ("l", "r"):
        dofs[f"{side}_clavicle.side"] = dofs.get(f"{side}_clavicle.side", 0.0) + 3.0 * breath
    return Pose(pose.position, dofs, pose.reach)


def _in_loop(scene: Scene, phase: float) -> Pose:
    """The loop holds at key 0, moves to key 1, holds there, ..., and moves back to key 0."""
    parts = _parts(scene.name)
    at = phase * parts[-1][1]
    for start, end, first, second in parts:
        if at < end:
            if first == second:
                return scene.key_pose(first)
            return blend(scene.key_pose(first), scene.key_pose(second),
                         ease((at - start) / (end - start)))
    return scene.key_pose(0)


@cache
def _parts(name: str) -> tuple[tuple[float, float, int, int], ...]:
    """(start, end, from key, to key) of each hold and move, on the loop's own scale."""
    keys = SCENES[name].keys
    parts = []
    at = 0.0
    for index, key in enumerate(keys):
        if key.hold:
            parts.append((at, at + key.hold, index, index))
            at += key.hold
        following = (index + 1) % len(keys)
        parts.append((at, at + keys[following].move, index, following))
        at += keys[following].move
    return tuple(parts)


def trail(scene: Scene) -> tuple[Vec, ...]:
    """The path the traced point takes over the moves that are part of the movement."""
    return _trail(scene.name, scene.side == "right")


@cache
def _as_acted(name: str, right: bool) -> Scene:
    """The library's scene, or its mirror for the right side: made once, not every frame."""
    return SCENES[name].mirrored() if right else SCENES[name]


@cache
def _trail(name: str, right: bool) -> tuple[Vec, ...]:
    scene = _as_acted(name, right)
    if scene.trace is None or not scene.moves:
        return ()
    points: list[Vec] = []
    count = len(scene.keys)
    for index in range(count):
        following = (index + 1) % count
        if not scene.keys[following].traced:
            continue
        for sample in range(_TRAIL_SAMPLES + 1):
            pose = blend(scene.key_pose(index), scene.key_pose(following),
                         ease(sample / _TRAIL_SAMPLES))
            points.append(body_of(scene, pose).points[scene.trace])
    return tuple(points)


def _breath(timeline: Timeline, position: float) -> float:
    index = timeline.phase_index_at(position)
    if index is None:
        return 0.0
    phase = timeline.phases[index]
    return fullness(phase.kind, (position - phase.start) / phase.seconds)
