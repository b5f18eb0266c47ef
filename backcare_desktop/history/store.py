"""The session history: one row per session in a SQLite database in the user's data folder.

Nothing here leaves the computer. The database is in WAL mode with full syncs, and every
write is one transaction, so a process killed mid-write (kill -9, a power cut) loses at most
the row it was writing and never the file. The schema carries its version in `PRAGMA
user_version` and is brought up to date by ordered migrations, each applied once, in the
same transaction as the version it leads to; two processes opening an old file at once
migrate it once. A file SQLite finds damaged is moved aside (kept, for whoever wants to look)
and a new history started, with a message saying so.

Qt-free and import-light (the standard library only), so the command line and a crash test
child load it in milliseconds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import platformdirs

from backcare_desktop.errors import BackCareError
from backcare_desktop.paths import APP_NAME

BUSY_SECONDS = 5.0
"""How long a write waits for another Back Care (the app and `play` at once) to finish its
own; a history write takes milliseconds."""
COMFORT_RANGE = range(11)
"""The check-in's answers: 0 (worst) to 10 (best)."""

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the sessions. STRICT makes SQLite refuse a value of the wrong type (SQLite >= 3.37).
    ("""CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            planned_seconds REAL NOT NULL CHECK (planned_seconds >= 0),
            spent_seconds REAL NOT NULL CHECK (spent_seconds >= 0),
            steps_total INTEGER NOT NULL CHECK (steps_total >= 0),
            steps_done INTEGER NOT NULL CHECK (steps_done >= 0),
            steps_skipped INTEGER NOT NULL CHECK (steps_skipped >= 0),
            ending TEXT NOT NULL CHECK (ending IN ('finished', 'stopped', 'failed')),
            soundtrack TEXT NOT NULL,
            voice TEXT NOT NULL
        ) STRICT""",
     "CREATE INDEX sessions_by_start ON sessions (started_at)"),
    # 2: the comfort check-in, before and after; empty when not answered.
    ("ALTER TABLE sessions ADD COLUMN comfort_before INTEGER "
     "CHECK (comfort_before BETWEEN 0 AND 10)",
     "ALTER TABLE sessions ADD COLUMN comfort_after INTEGER "
     "CHECK (comfort_after BETWEEN 0 AND 10)"),
)
"""Never edited once released: a change to the schema is a new entry at the end."""
SCHEMA_VERSION = len(_MIGRATIONS)

_COLUMNS = ("routine_id", "routine_title", "started_at", "planned_seconds", "spent_seconds",
            "steps_total", "steps_done", "steps_skipped", "ending", "soundtrack", "voice",
            "comfort_before", "comfort_after")
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class HistoryError(BackCareError):
    """The history cannot be read or written; sessions still play."""


class HistoryMovedAside(HistoryError):
    """The history file was damaged: it was kept under another name and a new one started."""


class Ending(StrEnum):
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True)
class Entry:
    """One session as the history keeps it."""

    routine_id: str
    routine_title: str
    started_at: datetime
    """Timezone-aware; stored in UTC."""
    planned_seconds: float
    spent_seconds: float
    """Time actually played: pauses and skipped parts left out."""
    steps_total: int
    steps_done: int
    steps_skipped: int
    ending: Ending
    soundtrack: str
    voice: str
    comfort_before: int | None = None
    comfort_after: int | None = None
    id: int | None = None
    """The row's id once stored."""


def history_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "history.sqlite3"


def open_history(path: Path | None = None) -> tuple[History, HistoryMovedAside | None]:
    """Opens (or creates) the history, migrated to this version's schema.

    A damaged file is moved aside and a new history started: the second value says so.
    Anything else that stops it (no permission, a file from a newer Back Care) raises
    HistoryError.
    """
    path = path or history_path()
    try:
        return History(path), None
    except _Damaged:
        kept = _move_aside(path)
    try:
        return History(path), HistoryMovedAside(
            "The history file was damaged; a new history was started.",
            f"The damaged file was kept as {kept}.")
    except _Damaged as error:
        raise HistoryError(f"The history cannot be opened: {error}", str(path)) from None


def _move_aside(path: Path) -> Path:
    """Renames the damaged file (and its write-ahead log) out of the way; returns the name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        path.replace(kept)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            wal.replace(kept.with_name(kept.name + "-wal"))
        path.with_name(path.name + "-shm").unlink(missing_ok=True)
    except OSError as error:
        raise HistoryError(f"The history file is damaged and cannot be moved aside: "
                           f"{error.strerror}", str(path)) from None
    return kept


class _Damaged(Exception):
    """SQLite found the file is not a database, or not a whole one."""


class History:
    """The open history (made by open_history); every method raises HistoryError only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"The history cannot be opened: {error}", str(path)) from None
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise _Damaged("; ".join(problems[:3]))
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            if error.sqlite_errorcode & 0xFF in _DAMAGED:
                raise _Damaged(str(error)) from error
            raise HistoryError(f"The history cannot be opened: {error}", str(path)) from None
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError("The history was written by a newer Back Care; this "
                                   "version does not record sessions.", str(self.path))
            for statements in _MIGRATIONS[version:]:
                for statement in statements:
                    self._db.execute(statement)
            if version < SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once so that what it reads stays
        true until it commits."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextlib.contextmanager
    def _said(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise HistoryError(f"Could not {doing} the history: {error}",
                               str(self.path)) from None

    # Writing ---------------------------------------------------------------------------------

    def record(self, entry: Entry) -> Entry:
        """Adds a session; returns it with its id."""
        values = [getattr(entry, column) for column in _COLUMNS]
        values[_COLUMNS.index("started_at")] = entry.started_at.astimezone(UTC).isoformat()
        values[_COLUMNS.index("ending")] = entry.ending.value
        with self._said("write to"), self._transaction():
            cursor = self._db.execute(
                f"INSERT INTO sessions ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)
        return replace(entry, id=cursor.lastrowid)

    def set_comfort_after(self, entry_id: int, comfort: int | None) -> None:
        """The end screen's check-in, answered after the session was recorded."""
        with self._said("write to"), self._transaction():
            self._db.execute("UPDATE sessions SET comfort_after = ? WHERE id = ?",
                             (comfort, entry_id))

    def delete(self, entry_id: int) -> None:
        with self._said("delete from"), self._transaction():
            self._db.execute("DELETE FROM sessions WHERE id = ?", (entry_id,))

    def delete_all(self) -> None:
        with self._said("clear"), self._transaction():
            self._db.execute("DELETE FROM sessions")

    # Reading ---------------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every session, newest first."""
        with self._said("read"):
            rows = self._db.execute(
                f"SELECT id, {', '.join(_COLUMNS)} FROM sessions "
                "ORDER BY started_at DESC, id DESC").fetchall()
        return [_entry(row) for row in rows]

    def close(self) -> None:
        self._db.close()


def _entry(row: sqlite3.Row) -> Entry:
    fields = dict(row)
    return Entry(**{**fields, "started_at": datetime.fromisoformat(fields["started_at"]),
                    "ending": Ending(fields["ending"])})
