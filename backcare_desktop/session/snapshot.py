"""What a view shows at one moment of a session, derived from the timeline and a position.

A pure function, so the window, the screenshot command and the tests agree on every
number and word without running a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backcare_desktop.session.timeline import BreathPhase, CueKind, TimedStep, Timeline
from backcare_desktop.voice.sound import SENTENCE_PAUSE_SECONDS
from backcare_desktop.voice.text import sentences

SpeechSeconds = Callable[[str], float | None]
"""How long the voice takes to say a text; None (or 0) when it has no clip for it."""

WORDS_PER_MINUTE = 136.0
"""The voice's guided pace (see voice.engines.PiperEngine): a caption whose clip is not
known (no voice, or not made yet) stays up for as long as it would take to say."""
SHOWN_ELSEWHERE = (CueKind.ANNOUNCE, CueKind.BREATH)
"""Cues not captioned: the announcement is the instruction already on screen, and the
counted breaths are what the pacer shows (a caption lagging it would contradict it)."""


@dataclass(frozen=True)
class Snapshot:
    position: float
    step: TimedStep
    step_progress: float
    step_left: float
    session_progress: float
    session_left: float
    phase: BreathPhase | None
    phase_fraction: float
    breaths: int
    """Whole breathing cycles in this step (0 for a step without breathing)."""
    side: str | None
    caption: str
    caption_ends: float
    """Session time at which the caption comes down (0 when there is none)."""
    next_title: str | None

    @property
    def breath_number(self) -> int:
        """Which breath of the step this is, from 1 (0 outside the breathing)."""
        return 0 if self.phase is None else self.phase.cycle + 1


def spoken_seconds(text: str, speech: SpeechSeconds | None = None) -> float:
    """How long `text` is heard: its clip's length, or else an estimate at the voice's pace."""
    known = speech(text) if speech is not None else None
    if known:
        return known
    parts = sentences(text)
    words = sum(len(part.split()) for part in parts)
    return words * 60.0 / WORDS_PER_MINUTE + SENTENCE_PAUSE_SECONDS * max(0, len(parts) - 1)


def snapshot_at(timeline: Timeline, position: float,
                speech: SpeechSeconds | None = None) -> Snapshot:
    """`speech` gives the clips' lengths, so a caption comes down when its words end."""
    position = min(max(position, 0.0), timeline.duration)
    step = timeline.steps[timeline.step_index_at(position)]
    phase_index = timeline.phase_index_at(position)
    phase = None if phase_index is None else timeline.phases[phase_index]
    last = timeline.last_cue_index_at(position)
    caption, caption_ends = "", 0.0
    if last is not None and timeline.cues[last].kind not in SHOWN_ELSEWHERE:
        cue = timeline.cues[last]
        ends = cue.time + spoken_seconds(cue.text, speech)
        if position < ends:
            caption, caption_ends = cue.text, ends
    pattern = step.step.breathing
    following = timeline.steps[step.index + 1] if step.index + 1 < len(timeline.steps) else None
    return Snapshot(
        position=position,
        step=step,
        step_progress=(position - step.start) / step.duration if step.duration else 1.0,
        step_left=step.end - position,
        session_progress=position / timeline.duration if timeline.duration else 1.0,
        session_left=timeline.duration - position,
        phase=phase,
        phase_fraction=(position - phase.start) / phase.seconds if phase else 0.0,
        breaths=pattern.cycles_in(step.duration) if pattern else 0,
        side=step.side_at(position),
        caption=caption,
        caption_ends=caption_ends,
        next_title=following.step.title if following else None,
    )
