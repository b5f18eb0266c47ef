""""Where am I?": the position of a session as a short spoken answer, for a person whose
eyes are closed and hands are busy.

The answer is three sentences, and only the middle one (the time left) changes from moment
to moment: the others can be made ahead (`phrases`), so the answer is quick.
"""

from __future__ import annotations

from backcare_desktop.durations import spoken_length
from backcare_desktop.session.snapshot import Snapshot
from backcare_desktop.session.timeline import Timeline


def where_am_i(snap: Snapshot) -> tuple[str, str, str]:
    """The step (and side), the time left in it, and what comes next:
    ("Neck strokes, left side.", "25 seconds left in this step.", "Next: Warm the lower
    back.")."""
    return (_here(snap.step.step.title, snap.side),
            f"{spoken_length(snap.step_left)} left in this step.",
            _following(snap.next_title))


def phrases(timeline: Timeline) -> list[str]:
    """Every sentence of an answer that does not depend on the time: made ahead."""
    found: list[str] = []
    for index, step in enumerate(timeline.steps):
        sides: list[str | None] = [span.side for span in step.sides] or [None]
        found += [_here(step.step.title, side) for side in sides]
        following = timeline.steps[index + 1] if index + 1 < len(timeline.steps) else None
        found.append(_following(following.step.title if following else None))
    return found


def _here(title: str, side: str | None) -> str:
    title = title.rstrip(".!?")
    return f"{title}, {side} side." if side else f"{title}."


def _following(title: str | None) -> str:
    return f"Next: {title.rstrip('.!?')}." if title else "This is the last step."
