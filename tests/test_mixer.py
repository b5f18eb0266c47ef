from __future__ import annotations

import itertools

import numpy as np
import pytest

from backcare_desktop.audio.ambient import Ambient, generated
from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.mixer import (
    AMBIENT_FADE_IN_SECONDS,
    CHIME_LEAD_SECONDS,
    DUCK_ATTACK_SECONDS,
    DUCK_RELEASE_SECONDS,
    PHRASE_GAP_SECONDS,
    VOLUME_RAMP_SECONDS,
    Volumes,
)
from backcare_desktop.audio.signal import RATE, rms_dbfs, seconds_to_frames
from backcare_desktop.audio.tones import ToneStyle, breath_tone, closing_bell, step_chime
from backcare_desktop.session.timeline import Timeline
from tests.audio_helpers import click_clips, onsets, quiet_mix, render_all


def constant_bed(level: float = 0.5) -> Ambient:
    return Ambient("constant", np.full((RATE, 2), level, dtype=np.float32))


def test_cue_onsets_land_on_their_planned_frames(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, click_clips(timeline))
    audio = render_all(mix, block=4000)
    planned = sorted({seconds_to_frames(cue.time) for cue in timeline.cues})
    assert onsets(audio, quiet_frames=100) == planned  # exact, to the sample


def test_any_block_order_gives_the_same_samples(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, click_clips(timeline), ambient=generated("rain"),
                    tones=ToneStyle.SOFT, chimes=True)
    whole = mix.render(0, 30 * RATE)
    rng = np.random.default_rng(1)
    edges = sorted({0, 30 * RATE, *rng.integers(1, 30 * RATE, size=25).tolist()})
    pieces = [(a, mix.render(a, b - a)) for a, b in itertools.pairwise(edges)]
    rng.shuffle(pieces)
    rebuilt = np.concatenate([piece for _, piece in sorted(pieces, key=lambda p: p[0])])
    np.testing.assert_array_equal(whole, rebuilt)


def test_breathing_tones_start_on_the_phase_frames(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, CueClips(), tones=ToneStyle.SOFT)
    audio = mix.render(0, seconds_to_frames(timeline.steps[0].end))[:, 0]
    for phase in timeline.phases:
        frame = seconds_to_frames(phase.start)
        assert abs(audio[frame - 1]) < 1e-6, "the previous tone has died away"
        assert audio[frame] != 0, "the new tone starts on its frame"
        assert np.abs(audio[frame: frame + 960]).max() > 1e-4
    first = seconds_to_frames(timeline.phases[0].start)
    assert not audio[:first].any(), "silence before the first breath"


def test_every_tone_rises_and_falls_without_a_click() -> None:
    clips = [breath_tone(ToneStyle.SOFT, True, 4.0), breath_tone(ToneStyle.SOFT, False, 6.0),
             breath_tone(ToneStyle.BOWL, True, 4.0), step_chime(), closing_bell()]
    for clip in clips:
        peak = np.abs(clip).max()
        assert np.abs(clip[:24]).max() < 0.25 * peak, "starts softly"
        assert np.abs(clip[-24:]).max() < 0.01 * peak, "ends at silence"
        assert np.abs(np.diff(clip)).max() < 0.1, "no step in the waveform"
    assert breath_tone(ToneStyle.OFF, True, 4.0).size == 0


def test_a_step_change_has_no_discontinuity(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, CueClips(), ambient=generated("brown-noise"),
                    tones=ToneStyle.SOFT, chimes=True)
    boundary = seconds_to_frames(timeline.steps[1].start)
    around = mix.render(boundary - RATE * 2, RATE * 4)
    # A click is a corner in the waveform: a large second difference. Smooth sound (the bed,
    # a chime, a tone) has small ones; a sudden step of 0.01 would show as 0.01.
    corners = np.abs(np.diff(around, n=2, axis=0)).max(axis=1)
    assert corners.max() < 0.01
    chime_at = boundary - seconds_to_frames(CHIME_LEAD_SECONDS)
    assert rms_dbfs(around[chime_at - boundary + RATE * 2:][:RATE // 2]) > rms_dbfs(
        around[:RATE // 2]), "the chime is heard"


def test_the_bed_ducks_by_eight_db_under_speech_with_smooth_ramps(timeline: Timeline) -> None:
    clips = CueClips()
    speech = np.zeros(RATE, dtype=np.float32)  # a silent "clip" one second long
    for cue in timeline.cues:
        clips.add(cue.text, speech, RATE)
    mix = quiet_mix(timeline, clips, ambient=constant_bed())
    cue = next(c for c in timeline.cues if c.time > 30)  # away from the session fade-in
    start = seconds_to_frames(cue.time)
    audio = mix.render(start - RATE, 3 * RATE)[:, 0]
    level = 0.5
    assert audio[0] == pytest.approx(level)
    ducked = audio[RATE + RATE // 2]
    assert 20 * np.log10(ducked / level) == pytest.approx(-8, abs=0.05)
    attack = seconds_to_frames(DUCK_ATTACK_SECONDS)
    assert audio[RATE - attack - 10] == pytest.approx(level)
    assert audio[RATE] == pytest.approx(ducked, rel=1e-3)
    release_end = 2 * RATE + seconds_to_frames(DUCK_RELEASE_SECONDS)
    assert audio[release_end + 10] == pytest.approx(level)
    ramp = audio[RATE - attack: RATE]
    assert np.all(np.diff(ramp) <= 1e-7), "the dip is monotonic"


def silent_speech(timeline: Timeline, seconds: dict[str, float] | None = None) -> CueClips:
    """Every cue as silence a second long (or as long as `seconds` says): only the ducking
    of the bed is heard."""
    clips = CueClips()
    for cue in timeline.cues:
        length = (seconds or {}).get(cue.text, 1.0)
        clips.add(cue.text, np.zeros(seconds_to_frames(length), dtype=np.float32), RATE)
    return clips


def dips(bed: np.ndarray, level: float = 0.5) -> int:
    """How many times the bed goes down from its level."""
    down = np.abs(bed[:, 0]) < level * 0.99
    return int(np.count_nonzero(down[1:] & ~down[:-1]) + down[0])


def test_the_counted_breaths_of_a_step_duck_the_bed_once(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, silent_speech(timeline), ambient=constant_bed())
    start = seconds_to_frames(AMBIENT_FADE_IN_SECONDS + 0.5)  # after "Breathe slowly."
    breaths = [cue for cue in timeline.cues if cue.step_index == 0][1:]
    end = seconds_to_frames(breaths[-1].time + 3)
    bed = mix.render(start, end - start)
    assert dips(bed) == 1, "in, out, in, out: one dip, not four"
    between = seconds_to_frames(breaths[0].time + 2.5) - start  # after the first clip
    assert 20 * np.log10(bed[between, 0] / 0.5) == pytest.approx(-8, abs=0.05)
    assert mix.phrases(0, mix.total_frames)[:2] == [
        (0, RATE), (seconds_to_frames(breaths[0].time), seconds_to_frames(breaths[-1].time + 1))]


def test_speech_closer_than_a_phrase_gap_ducks_once_and_any_block_order_agrees(
        timeline: Timeline) -> None:
    announce, light = timeline.cues[5], timeline.cues[6]  # five seconds apart
    gap = light.time - announce.time
    close = silent_speech(timeline, {announce.text: gap - PHRASE_GAP_SECONDS + 0.2})
    apart = silent_speech(timeline, {announce.text: gap - PHRASE_GAP_SECONDS - 0.2})
    start, end = (seconds_to_frames(announce.time - 1), seconds_to_frames(light.time + 3))
    assert dips(quiet_mix(timeline, close, ambient=constant_bed()).render(
        start, end - start)) == 1
    assert dips(quiet_mix(timeline, apart, ambient=constant_bed()).render(
        start, end - start)) == 2
    mix = quiet_mix(timeline, close, ambient=constant_bed())
    whole = mix.render(0, mix.total_frames)
    for block in (480, 4800, 33_333):  # 10 ms blocks, as the live stream makes them
        np.testing.assert_array_equal(render_all(mix, block), whole)


def test_chimes_duck_under_speech_like_the_bed(timeline: Timeline) -> None:
    plain = quiet_mix(timeline, CueClips(), tones=ToneStyle.OFF, chimes=True)
    spoken = quiet_mix(timeline, silent_speech(timeline, {timeline.cues[5].text: 2.0}),
                       tones=ToneStyle.OFF, chimes=True)
    announce = seconds_to_frames(timeline.steps[1].start)
    ringing = slice(announce + RATE // 4, announce + RATE)  # the chime rings on into it
    level = rms_dbfs(spoken.render(0, spoken.total_frames)[ringing])
    assert level - rms_dbfs(plain.render(0, plain.total_frames)[ringing]) == pytest.approx(
        -8, abs=0.05)


def test_with_no_voice_the_bed_does_not_duck(timeline: Timeline) -> None:
    clips = CueClips()
    for cue in timeline.cues:
        clips.add(cue.text, np.zeros(0, dtype=np.float32), RATE)  # what "no voice" prepares
    mix = quiet_mix(timeline, clips, ambient=constant_bed())
    start = seconds_to_frames(AMBIENT_FADE_IN_SECONDS)
    audio = mix.render(start, seconds_to_frames(timeline.duration) - start)
    assert np.abs(audio - 0.5).max() < 1e-6


def test_a_volume_change_ramps_over_thirty_milliseconds(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, CueClips(), ambient=constant_bed(),
                    volumes=Volumes(voice=1, tones=1, ambient=1.0))
    start = seconds_to_frames(AMBIENT_FADE_IN_SECONDS + 1)
    mix.render(start, 1000, live=True)
    mix.set_volumes(Volumes(voice=1, tones=1, ambient=0.25))
    block = mix.render(start + 1000, 4800, live=True)[:, 0]
    ramp = seconds_to_frames(VOLUME_RAMP_SECONDS)
    assert block[0] == pytest.approx(0.5, rel=0.01)
    assert block[ramp:] == pytest.approx(0.125)
    assert np.abs(np.diff(block)).max() < 0.5 / ramp * 2, "no zipper step"


def test_the_limiter_keeps_peaks_under_full_scale_with_everything_at_maximum(
        timeline: Timeline) -> None:
    loud_bed = Ambient("loud", np.full((RATE, 2), 0.9, dtype=np.float32))
    mix = quiet_mix(timeline, click_clips(timeline, level=1.0), ambient=loud_bed,
                    tones=ToneStyle.SOFT, chimes=True,
                    volumes=Volumes(voice=1, tones=1, ambient=1, master=1))
    audio = render_all(mix)
    assert np.abs(audio).max() < 1.0
    assert np.abs(audio).max() > 0.9


def test_the_session_ends_with_the_bell_and_a_faded_bed(timeline: Timeline) -> None:
    mix = quiet_mix(timeline, CueClips(), ambient=constant_bed(), chimes=True)
    end = seconds_to_frames(timeline.duration)
    tail = mix.render(end, mix.total_frames - end)
    assert np.abs(tail[-10:]).max() < 1e-3
    assert rms_dbfs(tail[: RATE // 2] - mix.render(end - RATE // 2, RATE // 2)) > -40


def test_a_missing_clip_never_holds_back_the_cues_after_it(timeline: Timeline) -> None:
    """The first cue's clip is missing when it is due and arrives a moment later: that cue
    stays silent (never starting mid-word) and every later cue is spoken on its frame."""
    full = click_clips(timeline).clip(timeline.cues[0].text)
    assert full is not None
    clips = CueClips()
    first = timeline.cues[0]
    for cue in timeline.cues:
        if cue.text != first.text:
            clips.add(cue.text, full, RATE)
    mix = quiet_mix(timeline, clips)
    block = 4800
    heard = []
    for start in range(0, mix.total_frames, block):
        if start == seconds_to_frames(first.time) + block:  # arrives one block late
            clips.add(first.text, full, RATE)
        heard.append(mix.render(start, min(block, mix.total_frames - start), live=True))
    found = onsets(np.concatenate(heard), quiet_frames=100)
    later = sorted({seconds_to_frames(c.time) for c in timeline.cues if c.text != first.text})
    assert found == later
    assert mix.missed_cues == 1


def test_a_missed_cue_is_spoken_after_a_seek_back_before_it(timeline: Timeline) -> None:
    full = click_clips(timeline).clip(timeline.cues[0].text)
    assert full is not None
    clips = CueClips()
    mix = quiet_mix(timeline, clips)
    cue_frame = seconds_to_frames(timeline.cues[0].time)
    assert not mix.render(cue_frame, 4800, live=True).any()
    for cue in timeline.cues:
        clips.add(cue.text, full, RATE)
    again = mix.render(cue_frame - 4800, 9600, live=True)
    assert onsets(again, quiet_frames=100) == [4800]
    assert mix.missed_cues == 0
