"""The history as text: CSV (the command line and the window's Export share this one
writer), JSON, and the plain table the command line prints."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import TextIO

from backcare_desktop.history.store import Entry
from backcare_desktop.routines.text import one_line

CSV_FIELDS = ("started_at", "routine_id", "routine_title", "planned_seconds", "spent_seconds",
              "steps_total", "steps_done", "steps_skipped", "ending", "soundtrack", "voice",
              "comfort_before", "comfort_after")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet opening the file runs a cell starting with these as a formula: a routine
title from a shared file must not."""


def entry_dict(entry: Entry) -> dict[str, object]:
    """One entry's fields, as exported: the start in local time with its offset, seconds to
    a tenth."""
    return {"started_at": entry.started_at.astimezone().isoformat(timespec="seconds"),
            "routine_id": entry.routine_id, "routine_title": entry.routine_title,
            "planned_seconds": round(entry.planned_seconds, 1),
            "spent_seconds": round(entry.spent_seconds, 1), "steps_total": entry.steps_total,
            "steps_done": entry.steps_done, "steps_skipped": entry.steps_skipped,
            "ending": entry.ending.value, "soundtrack": entry.soundtrack, "voice": entry.voice,
            "comfort_before": entry.comfort_before, "comfort_after": entry.comfort_after}


def write_csv(entries: Sequence[Entry], stream: TextIO) -> None:
    writer = csv.DictWriter(stream, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow({key: _cell(value) for key, value in entry_dict(entry).items()})


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_json(entries: Sequence[Entry]) -> str:
    return json.dumps([entry_dict(entry) for entry in entries], indent=2)


def minutes_and_seconds(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def comfort_text(entry: Entry) -> str:
    """'4 -> 7', '4 -> ?', '? -> 7', or '' when neither was answered."""
    if entry.comfort_before is None and entry.comfort_after is None:
        return ""
    return " -> ".join("?" if value is None else str(value)
                       for value in (entry.comfort_before, entry.comfort_after))


def to_table(entries: Sequence[Entry]) -> str:
    """Plain columns for a terminal, newest first; every cell one printable line."""
    if not entries:
        return "No sessions yet."
    header = ("When", "Routine", "Played", "Steps", "Ended", "Comfort")
    rows = [(entry.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
             one_line(entry.routine_title, 36),
             f"{minutes_and_seconds(entry.spent_seconds)} / "
             f"{minutes_and_seconds(entry.planned_seconds)}",
             f"{entry.steps_done}/{entry.steps_total}"
             + (f" ({entry.steps_skipped} skipped)" if entry.steps_skipped else ""),
             entry.ending.value, comfort_text(entry)) for entry in entries]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                     .rstrip() for row in (header, *rows))
