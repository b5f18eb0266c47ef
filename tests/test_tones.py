"""Struck sounds ring out to silence before they end, and a tone style means the same sound
whether it arrives as a string (settings, the command line) or as a ToneStyle."""

from __future__ import annotations

import numpy as np
import pytest

from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.signal import seconds_to_frames
from backcare_desktop.audio.tones import (
    ToneStyle,
    breath_tone,
    closing_bell,
    hold_tick,
    step_chime,
)
from backcare_desktop.session.timeline import Timeline
from tests.audio_helpers import quiet_mix


@pytest.mark.parametrize("make", [closing_bell, step_chime,
                                  lambda: breath_tone(ToneStyle.BOWL, True, 4.0),
                                  lambda: breath_tone(ToneStyle.BOWL, False, 2.5)],
                         ids=["bell", "chime", "bowl", "short-bowl"])
def test_struck_sounds_ring_out_to_minus_sixty_db_before_they_end(make) -> None:  # type: ignore[no-untyped-def]
    clip = make()
    peak = np.abs(clip).max()
    last = np.abs(clip[-seconds_to_frames(0.3):]).max()
    assert 20 * np.log10(last / peak) < -60, "already silent before the last 0.3 s"


def test_a_style_is_the_same_sound_as_a_string_or_a_member() -> None:
    seconds = 5.123  # used by no other test, so the cache starts empty for it
    bowl = breath_tone("bowl", True, seconds)  # a string first: the order that went wrong
    assert bowl.shape[0] == seconds_to_frames(3.5), "a bowl rings at most 3.5 s"
    np.testing.assert_array_equal(breath_tone(ToneStyle.BOWL, True, seconds), bowl)
    soft = breath_tone("soft", True, seconds)
    assert soft.shape[0] == seconds_to_frames(seconds), "a soft tone lasts the breath"
    np.testing.assert_array_equal(breath_tone(ToneStyle.SOFT, True, seconds), soft)
    for off in ("off", ToneStyle.OFF):
        assert breath_tone(off, True, seconds).size == 0
        assert hold_tick(off).size == 0
    assert hold_tick("soft").size > 0
    with pytest.raises(ValueError):
        breath_tone("gong", True, seconds)


def test_a_session_given_the_style_as_a_string_plays_that_style(timeline: Timeline) -> None:
    end = seconds_to_frames(timeline.steps[0].end)
    silent = quiet_mix(timeline, CueClips(), tones="off")  # type: ignore[arg-type]
    assert not silent.render(0, end).any()
    as_string = quiet_mix(timeline, CueClips(), tones="bowl")  # type: ignore[arg-type]
    as_member = quiet_mix(timeline, CueClips(), tones=ToneStyle.BOWL)
    np.testing.assert_array_equal(as_string.render(0, end), as_member.render(0, end))
    soft = quiet_mix(timeline, CueClips(), tones=ToneStyle.SOFT)
    assert not np.array_equal(as_string.render(0, end), soft.render(0, end))
