"""What a view shows at one moment of a session, derived from the timeline and a position.

A pure function, so the window, the screenshot command and the tests agree on every
number and word without running a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backcare_desktop.session.timeline import BreathPhase, TimedStep, Timeline

CAPTION_SECONDS = 5.0
"""How long a spoken cue stays up as a caption, unless the next cue replaces it sooner."""


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
    side: str | None
    caption: str
    caption_ends: float
    """Session time at which the caption comes down (0 when there is none)."""
    next_title: str | None

    @property
    def phase_count(self) -> int:
        """Whole seconds left in the breathing phase, counting down to 1."""
        if self.phase is None:
            return 0
        return max(1, math.ceil(self.phase.end - self.position - 1e-9))


def snapshot_at(timeline: Timeline, position: float) -> Snapshot:
    position = min(max(position, 0.0), timeline.duration)
    step = timeline.steps[timeline.step_index_at(position)]
    phase_index = timeline.phase_index_at(position)
    phase = None if phase_index is None else timeline.phases[phase_index]
    last = timeline.last_cue_index_at(position)
    caption, caption_ends = "", 0.0
    if last is not None and position - timeline.cues[last].time < CAPTION_SECONDS:
        caption = timeline.cues[last].text
        caption_ends = timeline.cues[last].time + CAPTION_SECONDS
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
        side=step.side_at(position),
        caption=caption,
        caption_ends=caption_ends,
        next_title=following.step.title if following else None,
    )
