"""What the history view shows, worked out from the entries: this week day by day, the
streak, the minutes this month, comfort week by week. Days are the person's local days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from backcare_desktop.history.store import Entry

CHART_WEEKS = 8


def local_day(entry: Entry) -> date:
    return entry.started_at.astimezone().date()


def week_minutes(entries: Iterable[Entry], today: date) -> list[tuple[date, float]]:
    """Monday to Sunday of this week, each day with the minutes played on it."""
    monday = today - timedelta(days=today.weekday())
    minutes = dict.fromkeys((monday + timedelta(days=n) for n in range(7)), 0.0)
    for entry in entries:
        day = local_day(entry)
        if day in minutes:
            minutes[day] += entry.spent_seconds / 60
    return list(minutes.items())


def streak(entries: Iterable[Entry], today: date) -> int:
    """Days in a row with a session, up to today; a day without one yet today does not
    break it until the day is over."""
    days = {local_day(entry) for entry in entries}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def month_minutes(entries: Iterable[Entry], today: date) -> float:
    return sum(entry.spent_seconds for entry in entries
               if local_day(entry).replace(day=1) == today.replace(day=1)) / 60


@dataclass(frozen=True)
class WeekComfort:
    monday: date
    before: float | None
    """The week's mean answer before sessions, None when none was given."""
    after: float | None


def weekly_comfort(entries: Sequence[Entry], today: date,
                   weeks: int = CHART_WEEKS) -> list[WeekComfort]:
    """The last `weeks` weeks, oldest first, this one last."""
    this_monday = today - timedelta(days=today.weekday())
    result = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        week = [entry for entry in entries
                if monday <= local_day(entry) < monday + timedelta(days=7)]
        before = [entry.comfort_before for entry in week if entry.comfort_before is not None]
        after = [entry.comfort_after for entry in week if entry.comfort_after is not None]
        result.append(WeekComfort(monday, fmean(before) if before else None,
                                  fmean(after) if after else None))
    return result
