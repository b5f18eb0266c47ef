"""The sound of every bundled routine on every bed, with the real Piper voice: loudness of
the export and its true peak, the spread of cue loudness, how far under the voice the bed
(between cues) and the tones sit, the speech pace, and whether a bed repeats in 20 minutes.
Figures beside the project's targets, never pass or fail (the suite checks one case)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from backcare_desktop.audio.ambient import GENERATORS, generated
from backcare_desktop.audio.export import TARGET_LUFS
from backcare_desktop.audio.signal import RATE
from backcare_desktop.session.timeline import Adjustments, compile_timeline
from backcare_desktop.voice.engines import create_engine
from backcare_desktop.voice.prepare import prepare_clips
from benchmarks.common import Report
from tests.test_loudness import (
    MEASURED_SECONDS,
    balance_of,
    first_minutes,
    lufs,
    routine,
)

ROUTINES = ("breathe-and-unwind", "desk-break", "full-back-care")
ENVELOPE_FRAMES = RATE // 10


def _bed_repeat(name: str, minutes: int = 20) -> float:
    """The highest autocorrelation of the bed's 100 ms loudness envelope at lags of 5 s or
    more over `minutes` (1.0 would be an exact repeat)."""
    bed = generated(name)
    frames = minutes * 60 * RATE
    envelope = np.array([
        float(np.sqrt(np.mean(bed.block(start, ENVELOPE_FRAMES) ** 2)))
        for start in range(0, frames, ENVELOPE_FRAMES)])
    centred = envelope - envelope.mean()
    spectrum = np.fft.rfft(centred, n=2 * centred.size)
    correlation = np.fft.irfft(spectrum * np.conj(spectrum))[: centred.size]
    correlation /= correlation[0]
    return float(correlation[50:].max())


def run() -> Report:
    report = Report("The sound: every routine on every bed, real voice (first 3 minutes)")
    print(report.title, flush=True)
    engine = create_engine("piper")
    with tempfile.TemporaryDirectory() as folder:
        for name in ROUTINES:
            fitted = compile_timeline(routine(name), Adjustments({}, MEASURED_SECONDS / 60))
            timeline = first_minutes(fitted, MEASURED_SECONDS)
            clips = prepare_clips(timeline, engine)
            texts = sorted({cue.text for cue in timeline.cues})
            cue_loudness = [lufs(np.tile(clip, 2)) for text in texts
                            if (clip := clips.clip(text)) is not None and clip.size > RATE // 2]
            words = sum(len(text.split()) for text in texts)
            spoken = sum(clip.size for text in texts
                         if (clip := clips.clip(text)) is not None) / RATE
            report.add(f"{name}: cue loudness spread (target <= 3 LU)",
                       f"{max(cue_loudness) - min(cue_loudness):.1f} LU over "
                       f"{len(cue_loudness)} cues; pace {words / spoken * 60:.0f} words a "
                       "minute (target 120-150)")
            for bed_name in GENERATORS:
                found = balance_of(timeline, clips, bed_name,
                                   Path(folder) / f"{name}-{bed_name}.wav")
                report.add(f"  on {bed_name}",
                           f"export {found['export LUFS']:.1f} LUFS (target "
                           f"{TARGET_LUFS:.0f}±1), true peak {found['true peak dBTP']:.2f} "
                           f"dBTP (<= -1), bed {found['bed LU under voice']:.1f} LU under the "
                           f"voice (15-20), tones {found['tones LU under voice']:.1f} LU under "
                           "(>= 8)")
    for bed_name in GENERATORS:
        report.add(f"bed {bed_name}: most alike 100 ms envelope at 5 s+ in 20 min",
                   f"{_bed_repeat(bed_name):.2f} (1.00 is an exact repeat)")
    return report
