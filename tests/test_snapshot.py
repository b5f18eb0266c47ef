"""What the session screen and "where am I?" say at a moment: pure functions of a timeline."""

from __future__ import annotations

import pytest

from backcare_desktop.durations import spoken_length
from backcare_desktop.routines.breathing import NAMED_PATTERNS
from backcare_desktop.session.snapshot import snapshot_at, spoken_seconds
from backcare_desktop.session.timeline import CueKind, Timeline
from backcare_desktop.session.whereabouts import phrases, where_am_i


def test_breathing_patterns_are_described_in_words() -> None:
    assert NAMED_PATTERNS["calm 4-6"].words == "in for 4, out for 6"
    assert NAMED_PATTERNS["relax 4-7-8"].words == "in for 4, hold for 7, out for 8"
    assert NAMED_PATTERNS["box 4-4-4-4"].words == ("in for 4, hold for 4, out for 4, "
                                                   "hold for 4")


def test_the_pacer_counts_breaths_not_seconds(timeline: Timeline) -> None:
    # The tiny routine breathes "calm 4-6" for 40 s after a 5 s lead-in: three breaths.
    assert snapshot_at(timeline, 2.0).breath_number == 0  # the lead-in
    first = snapshot_at(timeline, 6.0)
    assert (first.breath_number, first.breaths, first.phase and first.phase.kind.value) == (
        1, 3, "inhale")
    third_out = snapshot_at(timeline, 5 + 2 * 10 + 5)
    assert (third_out.breath_number, third_out.breaths) == (3, 3)
    assert third_out.phase is not None and third_out.phase.kind.value == "exhale"


def test_no_caption_repeats_the_instruction_or_contradicts_the_pacer(timeline: Timeline) -> None:
    for cue in timeline.cues:
        if cue.kind in (CueKind.ANNOUNCE, CueKind.BREATH):
            assert snapshot_at(timeline, cue.time + 0.1).caption == "", cue.text


def test_a_caption_lasts_as_long_as_its_speech(timeline: Timeline) -> None:
    cue = next(cue for cue in timeline.cues if cue.text == "Keep it light.")
    two_seconds = {"Keep it light.": 2.0}.get
    assert snapshot_at(timeline, cue.time + 1.9, two_seconds).caption == "Keep it light."
    later = snapshot_at(timeline, cue.time + 2.1, two_seconds)
    assert later.caption == "" and later.caption_ends == 0.0
    # Without a clip (voice off, or not made yet): as long as three words take to say.
    estimate = spoken_seconds("Keep it light.")
    assert estimate == pytest.approx(3 * 60 / 136)
    assert snapshot_at(timeline, cue.time + estimate - 0.05).caption == "Keep it light."
    assert snapshot_at(timeline, cue.time + estimate + 0.05).caption == ""


def test_where_am_i_says_the_step_side_time_left_and_what_comes_next(
        timeline: Timeline) -> None:
    assert where_am_i(snapshot_at(timeline, 10.0)) == (
        "Breathe.", "30 seconds left in this step.", "Next: Strokes.")
    # Strokes (40-70 s) is two-sided and the last step.
    assert where_am_i(snapshot_at(timeline, 45.2)) == (
        "Strokes, left side.", "25 seconds left in this step.", "This is the last step.")
    assert where_am_i(snapshot_at(timeline, 61.0))[:2] == ("Strokes, right side.",
                                                           "9 seconds left in this step.")
    # All but the time left can be made ahead.
    assert phrases(timeline) == ["Breathe.", "Next: Strokes.", "Strokes, left side.",
                                 "Strokes, right side.", "This is the last step."]


def test_lengths_are_said_in_words_a_listener_expects() -> None:
    assert spoken_length(1) == "1 second"
    assert spoken_length(60) == "1 minute"
    assert spoken_length(125.4) == "2 minutes 5 seconds"
    assert spoken_length(0.2) == "0 seconds"
