"""The balance of a session as a listener meets it, measured with EBU R128 on renders.

The first three minutes of each bundled routine (fitted as short as it goes) are rendered
at the default volumes, with stand-in speech at -18 LUFS (what the voice delivers) and a
bundled bed as it comes (levelled to about -30 LUFS). Each bus is rendered on its own too,
so its loudness can be measured.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from backcare_desktop.audio.ambient import Ambient, generated
from backcare_desktop.audio.clips import CueClips
from backcare_desktop.audio.export import TARGET_LUFS, export_session
from backcare_desktop.audio.mixer import (
    AMBIENT_FADE_IN_SECONDS,
    DUCK_ATTACK_SECONDS,
    DUCK_RELEASE_SECONDS,
    SessionMix,
    SoundSettings,
    Volumes,
)
from backcare_desktop.audio.signal import RATE, seconds_to_frames
from backcare_desktop.routines.loader import resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import Adjustments, CueKind, Timeline, compile_timeline
from tests.test_export import read_wav, true_peak_dbtp

VOICE_LUFS = -18.0
MEASURED_SECONDS = 180.0
METER = pyloudnorm.Meter(RATE)


def speech_like(text: str) -> np.ndarray:
    """Noise shaped like speech (syllables in the voice's band), about 0.25 s a word, at
    -18 LUFS measured as the mono clip it is."""
    rng = np.random.default_rng(len(text))
    frames = seconds_to_frames(0.25 * len(text.split()) + 0.3)
    spectrum = np.fft.rfft(rng.standard_normal(frames))
    hz = np.fft.rfftfreq(frames, 1 / RATE)
    spectrum *= (hz > 120) * (hz < 4000) / np.maximum(hz, 120) ** 0.5
    noise = np.fft.irfft(spectrum, n=frames)
    syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 4 * np.arange(frames) / RATE)
    clip = noise * syllables * np.hanning(frames) ** 0.1
    return clip * 10 ** ((VOICE_LUFS - METER.integrated_loudness(clip)) / 20)


def first_minutes(timeline: Timeline, seconds: float) -> Timeline:
    """The session cut short after `seconds`, with the ending (bell and fade) it would have."""
    return Timeline(timeline.routine_id, timeline.title,
                    tuple(step for step in timeline.steps if step.start < seconds),
                    tuple(cue for cue in timeline.cues if cue.time < seconds),
                    tuple(phase for phase in timeline.phases if phase.end <= seconds),
                    min(seconds, timeline.duration))


def lufs(audio: np.ndarray) -> float:
    return float(METER.integrated_loudness(np.asarray(audio, dtype=np.float64)))


def bus(timeline: Timeline, clips: CueClips, bed: Ambient, **gains: float) -> np.ndarray:
    """The session with every bus but the named ones silent, at their default volumes."""
    defaults = Volumes()
    volumes = Volumes(**{name: getattr(defaults, name) if name in gains else 0.0
                         for name in ("voice", "tones", "ambient")})
    mix = SessionMix(timeline, clips, bed, SoundSettings(volumes=volumes))
    return mix.render(0, mix.total_frames)


def between_cues(mix: SessionMix, audio: np.ndarray) -> np.ndarray:
    """The frames no ducking reaches, after the bed's fade-in and before the session ends."""
    free = np.ones(audio.shape[0], dtype=bool)
    free[: seconds_to_frames(AMBIENT_FADE_IN_SECONDS)] = False
    free[seconds_to_frames(mix.timeline.duration):] = False
    for begin, end in mix.phrases(0, mix.total_frames):
        free[max(0, begin - seconds_to_frames(DUCK_ATTACK_SECONDS)):
             end + seconds_to_frames(DUCK_RELEASE_SECONDS)] = False
    return audio[free]


def routine(name: str) -> Routine:
    found = resolve_routine(name)
    assert isinstance(found, Routine)
    return found


def balance(name: str, bed_name: str, folder: Path) -> dict[str, float]:
    """The measured balance of one routine on one bed, with speech-like cue clips (the
    benchmarks measure the same with the real voice: `balance_of`)."""
    fitted = compile_timeline(routine(name), Adjustments({}, MEASURED_SECONDS / 60))
    timeline = first_minutes(fitted, MEASURED_SECONDS)
    clips = CueClips()
    for cue in timeline.cues:
        clips.add(cue.text, speech_like(cue.text), RATE)
    return balance_of(timeline, clips, bed_name, folder / f"{name}-{bed_name}.wav")


def balance_of(timeline: Timeline, clips: CueClips, bed_name: str,
               out: Path) -> dict[str, float]:
    """The voice's loudness, how far under it the bed (between cues) and the tones sit, and
    the export's (written to `out`) loudness and true peak."""
    bed = generated(bed_name)
    mix = SessionMix(timeline, clips, bed, SoundSettings())
    voice = lufs(bus(timeline, clips, bed, voice=1))
    export_session(mix, out)
    exported = read_wav(out)
    phrases = mix.phrases(0, mix.total_frames)
    return {
        "voice LUFS": voice,
        "bed LU under voice": voice - lufs(between_cues(mix, bus(timeline, clips, bed,
                                                                  ambient=1))),
        "tones LU under voice": voice - lufs(bus(timeline, clips, bed, tones=1)),
        "export LUFS": lufs(exported),
        "true peak dBTP": true_peak_dbtp(exported),
        "most ducks in a step's counted breaths": float(max(
            (len(ducks_over(timeline, phrases, step)) for step in range(len(timeline.steps))),
            default=0)),
    }


def ducks_over(timeline: Timeline, phrases: list[tuple[int, int]], step: int) -> set[int]:
    """The utterances (by index) the counted breaths of a step are heard in."""
    counted = [seconds_to_frames(cue.time) for cue in timeline.cues
               if cue.step_index == step and cue.kind is CueKind.BREATH]
    return {index for index, (begin, end) in enumerate(phrases)
            for frame in counted if begin <= frame < end}


def test_the_default_balance_and_the_export_loudness(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """Breathe and unwind on rain: the routine with the most counted breaths, on the bed
    with the most high-frequency energy (the one the voice competes with most)."""
    measured = balance("breathe-and-unwind", "rain", tmp_path)
    with capsys.disabled():
        print("\nbreathe-and-unwind on rain: " + ", ".join(
            f"{label} {value:.2f}" for label, value in measured.items()))
    assert 15 <= measured["bed LU under voice"] <= 20
    assert measured["tones LU under voice"] >= 8
    assert measured["export LUFS"] == pytest.approx(TARGET_LUFS, abs=1)
    assert measured["true peak dBTP"] <= -1.0 + 0.05  # 16-bit rounding
    assert measured["most ducks in a step's counted breaths"] == 1
