"""Does each cue's speech fit its slot? `check --voice` asks this of a routine."""

from __future__ import annotations

from pathlib import Path

from backcare_desktop.audio.signal import RATE
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.timeline import CueKind, compile_timeline
from backcare_desktop.voice.engines import SpeechEngine
from backcare_desktop.voice.prepare import prepare_clips

MIN_GAP_SECONDS = 0.3
"""Speech should end at least this long before the next cue or the end of its step."""


def speech_overruns(path: Path, routine: Routine, engine: SpeechEngine) -> list[str]:
    """One line per cue whose speech would run into the next cue or past its step's end,
    at the routine's default durations."""
    timeline = compile_timeline(routine)
    clips = prepare_clips(timeline, engine)
    warnings = []
    for index, cue in enumerate(timeline.cues):
        clip = clips.clip(cue.text)
        if clip is None or clip.size == 0:
            continue
        ends = cue.time + clip.shape[0] / RATE
        step = timeline.steps[cue.step_index]
        limits = [step.end]
        later = [other for other in timeline.cues[index + 1:] if other.time > cue.time]
        if later:
            limits.append(later[0].time)
        limit = min(limits)
        if ends + MIN_GAP_SECONDS > limit:
            what = "the next cue" if later and limit == later[0].time else "the end of its step"
            kind = "breath count" if cue.kind is CueKind.BREATH else "cue"
            warnings.append(
                f"{path}: step {step.step.id!r}: {kind} {cue.text!r} at "
                f"{cue.time - step.start:g} s runs {ends + MIN_GAP_SECONDS - limit:.1f} s into "
                f"{what}"
            )
    return warnings
