"""The history database: rows kept exactly, old files migrated, damaged files moved aside,
and a writer killed mid-write never costing more than its own row."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backcare_desktop.history.export import to_json, to_table, write_csv
from backcare_desktop.history.figures import month_minutes, streak, week_minutes
from backcare_desktop.history.store import (
    SCHEMA_VERSION,
    Ending,
    HistoryError,
    HistoryMovedAside,
    history_path,
    open_history,
)
from tests.history_helpers import entry

ROOT = Path(__file__).resolve().parent.parent


def test_an_entry_comes_back_as_it_was_written(tmp_path: Path) -> None:
    history, problem = open_history(tmp_path / "history.sqlite3")
    assert problem is None
    written = entry(datetime(2026, 11, 3, 9, 30, tzinfo=timezone(timedelta(hours=5))),
                    comfort_before=4, steps_skipped=1, ending=Ending.STOPPED)
    stored = history.record(written)
    later = history.record(entry(datetime(2026, 11, 4, 9, 0), routine_id="full-back-care"))
    assert stored.id is not None and later.id is not None
    assert history.entries() == [later, stored]  # newest first
    assert history.entries()[1].started_at == written.started_at
    assert history.entries()[1].started_at.tzinfo == UTC


def test_the_after_answer_and_deleting(tmp_path: Path) -> None:
    history, _ = open_history(tmp_path / "history.sqlite3")
    first = history.record(entry(datetime(2026, 11, 3, 9, 0)))
    second = history.record(entry(datetime(2026, 11, 4, 9, 0)))
    assert first.id is not None and second.id is not None
    history.set_comfort_after(first.id, 8)
    assert history.entries()[1].comfort_after == 8
    history.delete(second.id)
    assert [item.id for item in history.entries()] == [first.id]
    history.delete_all()
    assert history.entries() == []


def test_a_value_out_of_range_is_refused_as_a_history_error(tmp_path: Path) -> None:
    history, _ = open_history(tmp_path / "history.sqlite3")
    with pytest.raises(HistoryError, match="Could not write to the history"):
        history.record(entry(datetime(2026, 11, 3, 9, 0), comfort_before=11))
    assert history.entries() == []


def test_the_history_lives_in_the_platform_data_folder() -> None:
    assert history_path().parent.name == "backcare-desktop"
    assert str(history_path()).startswith(os.environ["XDG_DATA_HOME"])


def test_the_database_is_in_wal_mode_at_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    open_history(path)[0].close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


_VERSION_1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, routine_id TEXT NOT NULL, routine_title TEXT NOT NULL,
    started_at TEXT NOT NULL, planned_seconds REAL NOT NULL CHECK (planned_seconds >= 0),
    spent_seconds REAL NOT NULL CHECK (spent_seconds >= 0),
    steps_total INTEGER NOT NULL CHECK (steps_total >= 0),
    steps_done INTEGER NOT NULL CHECK (steps_done >= 0),
    steps_skipped INTEGER NOT NULL CHECK (steps_skipped >= 0),
    ending TEXT NOT NULL CHECK (ending IN ('finished', 'stopped', 'failed')),
    soundtrack TEXT NOT NULL, voice TEXT NOT NULL) STRICT;
CREATE INDEX sessions_by_start ON sessions (started_at);
INSERT INTO sessions VALUES (7, 'desk-break', 'Desk break', '2026-10-01T07:00:00+00:00',
                             300.0, 281.5, 5, 4, 1, 'stopped', 'Ocean waves', 'espeak');
PRAGMA user_version = 1;
"""
"""A history as the first release wrote it, before the check-in (written out here, not made
by the code under test)."""


def test_a_history_from_the_first_schema_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(_VERSION_1)
    history, problem = open_history(path)
    assert problem is None
    [old] = history.entries()
    assert (old.id, old.routine_title, old.spent_seconds, old.steps_skipped, old.ending,
            old.soundtrack, old.voice) == (7, "Desk break", 281.5, 1, Ending.STOPPED,
                                          "Ocean waves", "espeak")
    assert (old.comfort_before, old.comfort_after) == (None, None)
    history.set_comfort_after(7, 6)
    history.record(entry(datetime(2026, 11, 4, 9, 0), comfort_before=3))
    assert [item.comfort_before for item in history.entries()] == [3, None]
    history.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_a_history_from_a_newer_back_care_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer Back Care"):
        open_history(path)
    assert path.exists() and not list(tmp_path.glob("*damaged*"))


def _damaged_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if ".damaged-" in path.name)


def test_a_file_that_is_not_a_database_is_moved_aside_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not SQLite at all " * 200)
    history, problem = open_history(path)
    assert isinstance(problem, HistoryMovedAside)
    assert problem.short == "The history file was damaged; a new history was started."
    [kept] = _damaged_files(tmp_path)
    assert kept.read_bytes() == b"this is not SQLite at all " * 200
    assert str(kept) in problem.detail
    history.record(entry(datetime(2026, 11, 4, 9, 0)))
    assert len(history.entries()) == 1


def test_a_database_with_a_damaged_page_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history, _ = open_history(path)
    for day in range(1, 29):
        history.record(entry(datetime(2026, 11, day, 9, 0), routine_title="x" * 300))
    history.close()  # checkpoints the log into the file
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page + 8: 3 * page] = os.urandom(page - 8)  # a table page's cells, scrambled
    path.write_bytes(bytes(data))
    history, problem = open_history(path)
    assert isinstance(problem, HistoryMovedAside)
    assert history.entries() == []
    assert len(_damaged_files(tmp_path)) == 1


def test_a_writer_killed_mid_write_loses_at_most_that_row(tmp_path: Path) -> None:
    """A hundred writers, each killed with SIGKILL at a random moment (most often inside
    a write's transaction); then the file must be whole, and every row a writer was told
    was written must be there, with at most one more."""
    path = tmp_path / "history.sqlite3"
    rounds = 100
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "history_crash.py"), str(path), str(rounds), "15"],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == rounds and all(result["killed"] for result in results)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        numbers: dict[str, list[int]] = {}
        for routine_id, title in db.execute("SELECT routine_id, routine_title FROM sessions"):
            numbers.setdefault(routine_id, []).append(int(title))
    written = 0
    for result in results:
        kept = sorted(numbers.get(f"round-{result['round']}", []))
        assert kept == list(range(len(kept))), "a row in the middle went missing"
        assert result["told"] <= len(kept) <= result["told"] + 1
        written += len(kept)
    assert written >= 10, "the writers were killed before they wrote anything"
    history, problem = open_history(path)
    assert problem is None and len(history.entries()) == written


def test_figures_count_local_days() -> None:
    today = date(2026, 11, 26)  # a Thursday
    entries = [entry(datetime(2026, 11, day, 9, 0), spent_seconds=600.0)
               for day in (20, 23, 24, 25)] + [entry(datetime(2026, 10, 31, 23, 0))]
    days = week_minutes(entries, today)
    assert [day.day for day, _ in days] == [23, 24, 25, 26, 27, 28, 29]
    assert [minutes for _, minutes in days] == [10, 10, 10, 0, 0, 0, 0]
    assert streak(entries, today) == 3, "today without a session yet keeps yesterday's streak"
    assert streak(entries, date(2026, 11, 27)) == 0
    assert month_minutes(entries, today) == 40


def test_csv_json_and_the_table() -> None:
    rows = [entry(datetime(2026, 11, 4, 9, 5), routine_title="=HYPERLINK(1)", comfort_before=4,
                  comfort_after=7, steps_skipped=1, spent_seconds=123.456)]
    stream = io.StringIO()
    write_csv(rows, stream)
    [record] = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert record["routine_title"] == "'=HYPERLINK(1)", "a title must not run as a formula"
    assert (record["spent_seconds"], record["comfort_before"], record["comfort_after"],
            record["ending"], record["started_at"][:16]) == ("123.5", "4", "7", "finished",
                                                             "2026-11-04T09:05")
    assert json.loads(to_json(rows))[0]["routine_title"] == "=HYPERLINK(1)"
    table = to_table(rows).splitlines()
    assert table[0].split() == ["When", "Routine", "Played", "Steps", "Ended", "Comfort"]
    assert "2 min 3 s / 5 min" in table[1] and "4/5 (1 skipped)" in table[1]
    assert "4 -> 7" in table[1]
    assert to_table([]) == "No sessions yet."
