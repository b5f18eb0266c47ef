"""The figure: every bundled step's scene agrees with its text, and the pose function moves
the body within its ranges, smoothly, and the same way every time."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from backcare_desktop.figure.body import BONES, Body, Position, range_of
from backcare_desktop.figure.geometry import angle_between, sub
from backcare_desktop.figure.motion import TURN_SECONDS, frame_at, scene_of
from backcare_desktop.figure.scenes import LEGACY_ILLUSTRATIONS, SCENES, Scene, body_of
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library, load_routine_file
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import TimedStep, Timeline, compile_timeline
from tests.conftest import WriteRoutine

FRAME = 1 / 60
MAX_TURN_PER_FRAME = 5.0
"""Degrees a bone may turn between frames 1/60 s apart: 300 degrees a second, reached only
by an arm swinging over to the other side at a switch; loops and breaths stay under 3."""
MAX_ELBOW_BEND = 150.0


def _timelines() -> list[Timeline]:
    library = load_library(bundled_routines_dir(), Path("/nonexistent"))
    return [compile_timeline(item.routine) for item in library.routines]


TIMELINES = _timelines()
STEPS = [(timeline, step) for timeline in TIMELINES for step in timeline.steps]


def _id(item: tuple[Timeline, TimedStep]) -> str:
    return f"{item[0].routine_id}:{item[1].step.id}"


def _acting_point(scene: Scene) -> str:
    assert scene.trace is not None, f"{scene.name} acts with one side but draws no path"
    return scene.trace


@pytest.mark.parametrize("item", STEPS, ids=[_id(item) for item in STEPS])
def test_every_bundled_step_has_a_scene_agreeing_with_its_text(
        item: tuple[Timeline, TimedStep]) -> None:
    step = item[1].step
    assert step.figure is not None and step.position is not None, "written out in the file"
    scene = SCENES[step.scene]
    assert scene.problems() == []
    assert scene.position is step.position
    text = f"{step.instruction} {step.description} {step.switch_text}".lower()
    assert step.sides == (scene.side is not None), "a two-sided step needs a one-sided scene"
    if scene.side is None:
        return
    mirror = scene.mirrored()
    assert (scene.side, mirror.side) == ("left", "right")
    acting = _acting_point(scene)
    word = "ball" if scene.ball else "knee" if "knee" in acting else "hand"
    assert word in text, f"the scene acts with a {word}; the text should say so"
    left = body_of(scene, scene.key_pose(scene.still))
    right = body_of(mirror, mirror.key_pose(mirror.still))
    moved = left.points[acting][0] - right.points[_acting_point(mirror)][0]
    assert abs(moved) > 0.05, "the other side acts on the other side of the body"
    assert math.dist(left.points["head"], right.points["head"]) < 0.03, "the person stays put"


def _windows() -> list[tuple[str, Timeline, float, float]]:
    """(name, timeline, start, end) for one breathing cycle of each breathing scene, one
    loop of each moving scene, and every side switch."""
    windows, seen = [], set()
    for timeline, timed in STEPS:
        step, scene = timed.step, scene_of(timed)
        if step.breathing is not None and scene.name not in seen:
            first = next(p for p in timeline.phases if p.step_index == timed.index)
            windows.append((f"breath:{scene.name}", timeline, first.start,
                            first.start + step.breathing.cycle))
        pace = step.figure.pace if step.figure and step.figure.pace else scene.pace
        if scene.moves and (scene.name, pace) not in seen:
            windows.append((f"loop:{scene.name}", timeline, timed.start, timed.start + pace))
        change = step.figure.then if step.figure else None
        if change is not None:
            windows.append((f"then:{timeline.routine_id}:{step.id}", timeline,
                            timed.start + change.at - 0.2,
                            timed.start + change.at + TURN_SECONDS + 0.2))
        if timed.sides:
            half = timed.sides[1].start
            windows.append((f"switch:{timeline.routine_id}:{step.id}", timeline, half - 0.2,
                            half + TURN_SECONDS + 0.2))
        seen.update({scene.name, (scene.name, pace)})
    return windows


WINDOWS = _windows()


def _bend(body: Body, side: str) -> float:
    p = body.points
    return 180 - angle_between(sub(p[f"{side}_shoulder"], p[f"{side}_elbow"]),
                               sub(p[f"{side}_wrist"], p[f"{side}_elbow"]))


@pytest.mark.parametrize("window", WINDOWS, ids=[window[0] for window in WINDOWS])
def test_the_pose_moves_within_its_ranges_and_without_jumps(
        window: tuple[str, Timeline, float, float]) -> None:
    _, timeline, start, end = window
    bones = [(name, bone.parent) for name, bone in BONES.items() if bone.parent]
    previous: Body | None = None
    worst = 0.0
    for frame_index in range(round((end - start) / FRAME) + 1):
        frame = frame_at(timeline, start + frame_index * FRAME)
        for dof, value in frame.pose.dofs.items():
            low, high = range_of(dof)
            assert low - 1e-9 <= value <= high + 1e-9, f"{dof} = {value:g}"
        body = body_of(frame.scene, frame.pose)
        for side in ("l", "r"):
            assert 0 <= _bend(body, side) <= MAX_ELBOW_BEND
        if previous is not None:
            for child, parent in bones:
                assert parent is not None
                turn = angle_between(sub(body.points[child], body.points[parent]),
                                     sub(previous.points[child], previous.points[parent]))
                worst = max(worst, turn)
        previous = body
    assert worst <= MAX_TURN_PER_FRAME, f"a bone turned {worst:.1f} degrees in 1/60 s"


def _step(routine_id: str, step_id: str) -> tuple[Timeline, TimedStep]:
    return next((timeline, step) for timeline, step in STEPS
                if (timeline.routine_id, step.step.id) == (routine_id, step_id))


def _angle(timeline: Timeline, at: float, dof: str) -> float:
    return frame_at(timeline, at).pose.dofs[dof]


def _moving(timeline: Timeline, at: float, dof: str) -> float:
    """Which way `dof` turns just after `at` (degrees over half a second)."""
    return _angle(timeline, at + 0.5, dof) - _angle(timeline, at, dof)


def test_the_figure_moves_as_the_voice_says_when_it_says_it() -> None:
    """Looped movements are paced so that the body does what each cue says as it is said:
    cat and cow rounds on "Breathe out, and round your back" and softens on "Breathe in";
    bottom to heels is back by "Hold for a breath" and rises on "Come back up"."""
    timeline, cat_cow = _step("full-back-care", "cat-cow")
    cues = {cue.text: cue.time for cue in timeline.cues if cat_cow.start <= cue.time
            < cat_cow.end}
    rounding = cues["Breathe out, and round your back gently."]
    softening = cues["Breathe in, and let it soften."]
    assert _moving(timeline, rounding + 1, "thoracic.flex") > 1, "rounds as told"
    assert _moving(timeline, softening + 1, "thoracic.flex") < -1, "softens as told"

    timeline, heels = _step("full-back-care", "bottom-to-heels")
    cues = {cue.text: cue.time for cue in timeline.cues if heels.start <= cue.time < heels.end}
    holding, rising = cues["Hold for a breath."], cues["Come back up, slowly."]
    deepest = max(_angle(timeline, heels.start + tenth / 10, "l_hip.flex")
                  for tenth in range(round(heels.duration * 10)))
    for at in (holding, (holding + rising) / 2, rising - 0.5):
        assert _angle(timeline, at, "l_hip.flex") == pytest.approx(deepest, abs=2)
    assert _moving(timeline, rising + 1, "l_hip.flex") < -1, "comes back up as told"

    timeline, scalp = _step("full-back-care", "scalp-temples")
    cues = {cue.text: cue.time for cue in timeline.cues if scalp.start <= cue.time < scalp.end}
    moving_on = cues["Now move to your temples."]

    def hand_height(at: float) -> float:
        frame = frame_at(timeline, at)
        body = body_of(frame.scene, frame.pose)
        return body.points["l_hand"][1] - body.points["head"][1]

    on_scalp = [hand_height(moving_on - tenth / 10) for tenth in range(1, 40)]
    at_temples = [hand_height(moving_on + TURN_SECONDS + tenth / 10) for tenth in range(40)]
    assert min(on_scalp) > max(at_temples) + 0.02, "the hands come down from scalp to temples"
    assert frame_at(timeline, moving_on + TURN_SECONDS).scene.name == "temples"


def test_position_to_pose_is_deterministic() -> None:
    timeline = TIMELINES[1]
    again = compile_timeline(load_library(bundled_routines_dir(), Path("/nonexistent"))
                             .routines[1].routine)
    for position in (0.0, 13.37, 61.5, 130.25, 200.0, timeline.duration):
        assert frame_at(timeline, position) == frame_at(again, position)
        first = frame_at(timeline, position)
        assert body_of(first.scene, first.pose) == body_of(first.scene, first.pose)


def test_a_breath_lifts_the_chest_and_shoulders() -> None:
    timeline = TIMELINES[1]  # desk break: sitting tall, calm 4-6 after an 8 s lead-in
    def body(at: float) -> Body:
        frame = frame_at(timeline, at)
        return body_of(frame.scene, frame.pose)
    empty, full = body(8.0), body(8.0 + 4.0)
    assert full.points["sternum"][1] > empty.points["sternum"][1]
    assert full.points["r_shoulder"][1] > empty.points["r_shoulder"][1] + 0.005
    assert full.breath == pytest.approx(1.0) and empty.breath == pytest.approx(0.0)


def test_reduced_motion_shows_the_key_pose_still() -> None:
    timeline = TIMELINES[2]  # full back care
    knee_rolls = next(step for step in timeline.steps if step.step.id == "knee-rolls")
    frames = {frame_at(timeline, knee_rolls.start + offset, reduced=True)
              .pose.dofs.get("hips.twist") for offset in (1.0, 5.5, 17.0)}
    assert frames == {42.0}, "the still pose is the roll itself, not the start"
    moving = {frame_at(timeline, knee_rolls.start + offset).pose.dofs.get("hips.twist")
              for offset in (1.0, 5.5)}
    assert len(moving) == 2


def test_a_side_switch_turns_the_figure_smoothly_and_keeps_the_person() -> None:
    timeline = TIMELINES[1]
    neck = next(step for step in timeline.steps if step.step.id == "neck-strokes")
    half = neck.sides[1].start
    before = frame_at(timeline, half - 0.01)
    during = frame_at(timeline, half + TURN_SECONDS / 2)
    after = frame_at(timeline, half + TURN_SECONDS + 0.01)
    assert before.scene.active == ("l_hand",) and after.scene.active == ("r_hand",)
    hands = [body_of(frame.scene, frame.pose).points["l_hand"][1]
             for frame in (before, during, after)]
    assert hands[0] > hands[1] > hands[2], "the left hand comes down over the turn"


def test_every_scene_in_the_library_is_valid() -> None:
    for scene in SCENES.values():
        assert scene.problems() == []
        assert scene.side in (None, "left")
    assert set(LEGACY_ILLUSTRATIONS.values()) <= set(SCENES)
    assert {scene.position for scene in SCENES.values()} == set(Position)


def test_an_old_routine_naming_an_illustration_still_loads(write_routine: WriteRoutine) -> None:
    old = write_routine('id = "old"\ntitle = "Old"\n[[steps]]\nid = "s"\ntitle = "S"\n'
                        'instruction = "Rest."\nduration = 30\n'
                        'illustration = "breathing-at-rest"\n')
    routine = load_routine_file(old)
    assert isinstance(routine, Routine)
    step = routine.steps[0]
    assert step.scene == "lying-hands-belly" and step.body_position is Position.LYING
    unnamed = write_routine('id = "new"\ntitle = "New"\n[[steps]]\nid = "s"\ntitle = "S"\n'
                            'instruction = "Sit."\nduration = 30\nposition = "standing"\n',
                            name="new.toml")
    routine = load_routine_file(unnamed)
    assert isinstance(routine, Routine) and SCENES[routine.steps[0].scene].position is (
        Position.STANDING)
