"""Writes each session to the history when it ends, however it ends (finished, stopped,
failed): the window and the terminal's `play` attach the same recorder.

A session that never began playing (stopped while its voice was being prepared) is no
session and leaves no row. A history that cannot be written costs a message, never the
session: the recorder listens inside the session's own tick, so it must not raise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from backcare_desktop.audio.ambient import GENERATORS
from backcare_desktop.errors import Level, Notice
from backcare_desktop.history.store import Ending, Entry, History, HistoryError, open_history
from backcare_desktop.session.live import LiveSession, SessionEvent, Stage, StageChanged

log = logging.getLogger(__name__)

Report = Callable[[Notice], None]


def soundtrack_title(name: str) -> str:
    """How the history names a soundtrack: a bundled one's title, or a file's name."""
    if name in GENERATORS:
        return GENERATORS[name][0]
    return "None" if name == "none" else Path(name).stem


class SessionRecorder:
    def __init__(self, session: LiveSession, history: History, soundtrack: str,
                 report: Report, comfort_before: int | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        """`soundtrack` is the chosen one's name (as in the settings); `report` hears any
        problem writing the row."""
        self.entry: Entry | None = None
        """The row, once written."""
        self._session = session
        self._history = history
        self._soundtrack = soundtrack_title(soundtrack)
        self._report = report
        self._comfort_before = comfort_before
        self._now = now
        self._started_at: datetime | None = None
        session.subscribe(self._on_event)

    def _on_event(self, event: SessionEvent) -> None:
        if not isinstance(event, StageChanged):
            return
        if event.stage is Stage.PLAYING and self._started_at is None:
            self._started_at = self._now()
        elif event.stage.ended and self._started_at is not None and self.entry is None:
            self._write(Ending(event.stage.value))

    def _write(self, ending: Ending) -> None:
        session, timeline = self._session, self._session.timeline
        assert self._started_at is not None
        entry = Entry(
            routine_id=timeline.routine_id, routine_title=timeline.title,
            started_at=self._started_at, planned_seconds=timeline.duration,
            spent_seconds=session.seconds_spent, steps_total=len(timeline.steps),
            steps_done=session.steps_done, steps_skipped=session.steps_skipped, ending=ending,
            soundtrack=self._soundtrack, voice=session.preparer.engine.name,
            comfort_before=self._comfort_before)
        try:
            self.entry = self._history.record(entry)
        except HistoryError as error:
            log.warning("history: %s (%s)", error, error.detail)
            self._report(Notice(Level.WARNING, f"This session was not saved in the history: "
                                               f"{error.short}", error.detail))


def record_to_history(session: LiveSession, soundtrack: str,
                      report: Report) -> SessionRecorder | None:
    """Records `session` in the person's history (the terminal's `play`); a history that
    cannot be opened is reported and the session plays unrecorded."""
    try:
        history, problem = open_history()
    except HistoryError as error:
        report(Notice.of(error))
        return None
    if problem is not None:
        report(Notice.of(problem))
    return SessionRecorder(session, history, soundtrack, report)
