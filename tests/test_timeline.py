from __future__ import annotations

import pytest

from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import (
    AdjustmentError,
    Adjustments,
    CueKind,
    PhaseKind,
    compile_timeline,
)


def bundled(routine_id: str) -> Routine:
    routine = resolve_routine(routine_id)
    assert isinstance(routine, Routine)
    return routine


def test_steps_follow_each_other_without_gaps(tiny: Routine) -> None:
    timeline = compile_timeline(tiny)
    assert [(step.start, step.end) for step in timeline.steps] == [(0, 40), (40, 70)]
    assert timeline.duration == 70


def test_cues_sit_at_absolute_times(tiny: Routine) -> None:
    timeline = compile_timeline(tiny)
    spoken = [(cue.time, cue.kind, cue.text) for cue in timeline.cues if cue.kind != CueKind.BREATH]
    assert spoken == [
        (0, CueKind.ANNOUNCE, "Breathe slowly."),
        (40, CueKind.ANNOUNCE, "Stroke your lower back."),
        (45, CueKind.CUE, "Keep it light."),
        (55, CueKind.SWITCH, "Switch sides."),
        (65, CueKind.CUE, "Five seconds left."),
    ]
    assert [span.side for span in timeline.steps[1].sides] == ["left", "right"]
    assert timeline.steps[1].side_at(56) == "right"


def test_breathing_phases_and_counted_cycles(tiny: Routine) -> None:
    timeline = compile_timeline(tiny)
    phases = timeline.phases
    assert phases[0].start == 5 and phases[0].kind is PhaseKind.INHALE and phases[0].end == 9
    assert phases[1].kind is PhaseKind.EXHALE and phases[1].end == 15
    assert len(phases) == 2 * 3  # (40 - 5) // 10 whole cycles
    breaths = [cue.time for cue in timeline.cues if cue.kind == CueKind.BREATH]
    assert breaths == [5, 9, 15, 19]  # only the first two cycles are counted aloud
    assert timeline.phase_index_at(10) == 1
    assert timeline.phase_index_at(2) is None


def test_a_step_duration_is_clamped_to_its_bounds(tiny: Routine) -> None:
    long = compile_timeline(tiny, Adjustments({"strokes": 1000}))
    short = compile_timeline(tiny, Adjustments({"strokes": 1}))
    assert long.steps[1].duration == 60
    assert short.steps[1].duration == 10


def test_an_unknown_step_is_a_readable_error(tiny: Routine) -> None:
    with pytest.raises(AdjustmentError, match="has no step 'nope'"):
        compile_timeline(tiny, Adjustments({"nope": 10}))


@pytest.mark.parametrize("minutes", [12, 15, 20, 25, 35])
def test_fitting_meets_the_target_within_one_breathing_cycle(minutes: float) -> None:
    routine = bundled("full-back-care")
    timeline = compile_timeline(routine, Adjustments(fit_minutes=minutes))
    assert abs(timeline.duration - minutes * 60) <= 10
    for step in timeline.steps:
        assert step.step.shortest <= step.duration <= step.step.longest
        pattern = step.step.breathing
        if pattern is not None:
            cycles = (step.duration - pattern.lead_in) / pattern.cycle
            assert cycles == pytest.approx(round(cycles)), "breathing keeps whole cycles"


def test_fitting_beyond_the_bounds_stops_at_them() -> None:
    routine = bundled("desk-break")
    shortest = sum(step.shortest for step in routine.steps)
    assert compile_timeline(routine, Adjustments(fit_minutes=1)).duration == shortest


def test_the_same_input_gives_the_same_timeline() -> None:
    routine = bundled("breathe-and-unwind")
    adjustments = Adjustments({"rest": 90}, fit_minutes=7)
    assert compile_timeline(routine, adjustments) == compile_timeline(routine, adjustments)
