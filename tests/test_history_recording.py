"""Every session is written to the history when it ends, with what actually happened in
it; the terminal's `play` records as the window does, and `history` lists the rows."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backcare_desktop.audio import output as output_module
from backcare_desktop.cli import main
from backcare_desktop.errors import Notice
from backcare_desktop.history.recorder import SessionRecorder
from backcare_desktop.history.store import Ending, Entry, History, history_path, open_history
from backcare_desktop.session.live import LiveSession, SilentOutput, Stage
from backcare_desktop.session.player import ManualClock
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.voice.prepare import ClipPreparer
from tests.session_helpers import ClickVoice, quiet_sound, ready_ambient

STARTED = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def _start(session: LiveSession) -> None:
    """Preparation runs on worker threads: this waits for it (it measures no timing)."""
    deadline = time.monotonic() + 20
    session.start()
    while session.stage is not Stage.PLAYING:
        assert time.monotonic() < deadline, f"never started: {session.stage}"
        time.sleep(0.005)
        session.tick()


class _Played:
    """A session on a hand-moved clock with a recorder on it."""

    def __init__(self, timeline: Timeline, history: History) -> None:
        self.clock = ManualClock()
        self.session = LiveSession(timeline, ClipPreparer(timeline, ClickVoice()),
                                   ready_ambient(), quiet_sound(), SilentOutput(self.clock))
        self.notices: list[Notice] = []
        self.recorder = SessionRecorder(self.session, history, "rain", self.notices.append,
                                        comfort_before=4, now=lambda: STARTED)

    def start(self) -> None:
        _start(self.session)

    def advance(self, seconds: float) -> None:
        for _ in range(round(seconds / 0.5)):
            self.clock.advance(0.5)
            self.session.tick()


@pytest.fixture
def history(tmp_path: Path) -> History:
    return open_history(tmp_path / "history.sqlite3")[0]


def _only(history: History) -> Entry:
    [entry] = history.entries()
    return entry


def test_a_finished_session_writes_its_row(timeline: Timeline, history: History) -> None:
    played = _Played(timeline, history)
    played.start()
    played.advance(timeline.duration + 1)
    entry = _only(history)
    assert entry == played.recorder.entry
    assert (entry.routine_id, entry.routine_title, entry.started_at, entry.ending) == (
        "tiny", "Tiny", STARTED, Ending.FINISHED)
    assert entry.planned_seconds == timeline.duration
    assert entry.spent_seconds == pytest.approx(timeline.duration, abs=0.6)
    assert (entry.steps_total, entry.steps_done, entry.steps_skipped) == (2, 2, 0)
    assert (entry.soundtrack, entry.voice) == ("Soft rain", "click")
    assert (entry.comfort_before, entry.comfort_after) == (4, None)
    assert played.notices == []


def test_a_stopped_session_writes_what_was_played(timeline: Timeline, history: History) -> None:
    played = _Played(timeline, history)
    played.start()
    played.advance(20)
    played.session.pause()
    played.advance(30)  # paused time is not played time
    played.session.stop()
    entry = _only(history)
    assert entry.ending is Ending.STOPPED
    assert entry.spent_seconds == pytest.approx(20, abs=0.6)
    assert (entry.steps_done, entry.steps_skipped) == (0, 0), "unreached steps are not skipped"


def test_a_skipped_through_session_counts_every_step_skipped(timeline: Timeline,
                                                             history: History) -> None:
    played = _Played(timeline, history)
    played.start()
    played.advance(5)
    played.session.next_step()
    played.advance(5)
    played.session.next_step()  # on the last step: the session ends
    played.advance(1)
    entry = _only(history)
    assert entry.ending is Ending.FINISHED
    assert (entry.steps_done, entry.steps_skipped) == (0, 2)
    assert entry.spent_seconds == pytest.approx(10, abs=1.1)


def test_a_failed_session_writes_its_row(timeline: Timeline, history: History,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    played = _Played(timeline, history)
    played.start()
    played.advance(3)

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(played.session.player, "tick", broken)
    played.advance(1)
    assert played.session.stage is Stage.FAILED
    assert _only(history).ending is Ending.FAILED


def test_a_session_stopped_before_it_played_leaves_no_row(timeline: Timeline,
                                                          history: History) -> None:
    played = _Played(timeline, history)
    played.session.stop()
    assert history.entries() == []


def test_a_history_that_cannot_be_written_costs_a_message_not_the_session(
        timeline: Timeline, history: History) -> None:
    played = _Played(timeline, history)
    played.start()
    history.close()
    played.advance(2)
    played.session.stop()
    assert played.session.stage is Stage.STOPPED
    [notice] = played.notices
    assert notice.short.startswith("This session was not saved in the history: ")


class _QuietOutput(SilentOutput):
    """The terminal's output, without a sound card."""

    def __init__(self) -> None:
        super().__init__(ManualClock())

    def open(self) -> None:
        pass


def test_play_in_the_terminal_is_recorded_and_history_lists_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def play_a_little(session: LiveSession, output: _QuietOutput) -> int:
        _start(session)
        for _ in range(24):
            output.clock.advance(0.5)  # type: ignore[attr-defined]
            session.tick()
        session.stop()
        return 0

    monkeypatch.setattr(output_module, "AudioOutput", _QuietOutput)
    monkeypatch.setattr("backcare_desktop.terminal.play_in_terminal", play_a_little)
    assert main(["play", "desk-break", "--voice", "none", "--ambient", "ocean"]) == 0
    capsys.readouterr()
    assert main(["history", "--csv"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["routine_id"], row["ending"], row["spent_seconds"], row["soundtrack"],
            row["voice"], row["comfort_before"]) == ("desk-break", "stopped", "12.0",
                                                     "Ocean waves", "none", "")
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["steps_total"] == 5
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["When", "Routine"] and "0:12 / " in lines[1]


def test_history_takes_one_form_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--json", "--csv"]) == 1
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_damaged_history_is_one_line_on_the_command_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not a database" * 300)
    assert main(["history"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ("backcare-desktop: The history file was damaged; a new history "
                            "was started.\n")
    assert captured.out == "No sessions yet.\n"


def test_play_ended_with_ctrl_c_is_recorded_as_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(session: LiveSession, output: _QuietOutput) -> int:
        _start(session)
        raise KeyboardInterrupt

    monkeypatch.setattr(output_module, "AudioOutput", _QuietOutput)
    monkeypatch.setattr("backcare_desktop.terminal.play_in_terminal", interrupted)
    assert main(["play", "desk-break", "--voice", "none", "--ambient", "none"]) == 130
    history, _ = open_history()
    [entry] = history.entries()
    assert (entry.ending, entry.soundtrack) == (Ending.STOPPED, "None")
