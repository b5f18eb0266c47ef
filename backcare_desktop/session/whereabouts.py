""""Where am I?": the position of a session as one short spoken answer, for a person whose
eyes are closed and hands are busy."""

from __future__ import annotations

from backcare_desktop.session.snapshot import Snapshot


def where_am_i(snap: Snapshot) -> str:
    """The step (and side), the time left in it, and what comes next:
    "Neck strokes, left side. 25 seconds left in this step. Next: Warm the lower back."."""
    title = snap.step.step.title.rstrip(".!?")
    here = f"{title}, {snap.side} side." if snap.side else f"{title}."
    left = f"{spoken_length(snap.step_left)} left in this step."
    following = (f"Next: {snap.next_title.rstrip('.!?')}." if snap.next_title
                 else "This is the last step.")
    return f"{here} {left} {following}"


def spoken_length(seconds: float) -> str:
    """"1 minute 5 seconds": a length as it is said (the screen writes it as 1:05)."""
    minutes, rest = divmod(max(0, round(seconds)), 60)
    parts = [f"{count} {unit}{'' if count == 1 else 's'}"
             for count, unit in ((minutes, "minute"), (rest, "second")) if count]
    return " ".join(parts) or "0 seconds"
