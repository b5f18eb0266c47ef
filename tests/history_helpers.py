"""History entries for tests: one made to order, and a seeded month."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from backcare_desktop.history.store import Ending, Entry, History


def entry(when: datetime, **changes: Any) -> Entry:
    """A stopped Desk break at `when` (a naive time is local), changed as asked."""
    fields: dict[str, Any] = dict(
        routine_id="desk-break", routine_title="Desk break: neck and shoulders",
        started_at=when if when.tzinfo else when.astimezone(), planned_seconds=300.0,
        spent_seconds=240.0, steps_total=5, steps_done=4, steps_skipped=0,
        ending=Ending.FINISHED, soundtrack="Soft rain", voice="piper")
    fields.update(changes)
    return Entry(**fields)


TODAY = date(2026, 11, 26)
"""A Thursday."""


def seed_month(history: History, today: date = TODAY) -> list[Entry]:
    """Seven weeks of sessions up to `today`: most days one, some two, a gap that breaks the
    streak 5 days back, check-ins that improve after each session and over the weeks."""
    stored = []
    for back in range(48, -1, -1):
        day = today - timedelta(days=back)
        if back in (5, 12, 13, 20, 27, 30) or (back % 9 == 4 and back > 5):
            continue
        week = back // 7
        sessions = 2 if back % 4 == 1 else 1
        for n in range(sessions):
            when = datetime.combine(day, time(8 + 10 * n, 15 + back % 30))
            full = (back + n) % 3 != 0
            before = None if back % 6 == 2 else min(10, 3 + (6 - week) // 2 + n)
            after = None if back % 5 == 3 else min(10, (before or 4) + 2 + (back % 2))
            stored.append(history.record(entry(
                when, routine_id="full-back-care" if n else "desk-break",
                routine_title="Full back care" if n else "Desk break: neck and shoulders",
                planned_seconds=900.0 if n else 300.0,
                spent_seconds=(900.0 if n else 300.0) * (1.0 if full else 0.6),
                steps_total=9 if n else 5, steps_done=(9 if n else 5) - (0 if full else 2),
                steps_skipped=0 if full else 1,
                ending=Ending.FINISHED if full else Ending.STOPPED,
                comfort_before=before, comfort_after=after)))
    return stored
