"""The check-in, the history view's figures, CSV export and deleting, in the window."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from backcare_desktop.history.export import CSV_FIELDS
from backcare_desktop.history.store import Ending, History, open_history
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library
from backcare_desktop.session.live import SilentOutput
from backcare_desktop.session.player import ManualClock
from backcare_desktop.settings import RoutineChoices, Settings
from backcare_desktop.ui.history_view import HistoryView
from backcare_desktop.ui.main_window import MainWindow
from tests.history_helpers import TODAY, seed_month
from tests.ui_helpers import advance, start


@pytest.fixture
def history(tmp_path: Path) -> History:
    return open_history(tmp_path / "history.sqlite3")[0]


@pytest.fixture
def recording_window(qtbot: QtBot, clock: ManualClock, history: History) -> MainWindow:
    """The test window, recording into a history of its own."""
    settings = Settings(voice="none", theme="light")
    settings.routines["desk-break"] = RoutineChoices(ambient="none")
    window = MainWindow(SilentOutput(clock), settings, load_library(bundled_routines_dir()),
                        save=False, history=history)
    qtbot.addWidget(window)
    window.show()
    window.library_page.list.set_current(1)  # Desk break
    return window


# The check-in --------------------------------------------------------------------------------


def test_the_check_in_takes_the_digit_keys_and_gives_back_a_typed_digit(
        recording_window: MainWindow, qtbot: QtBot) -> None:
    page, checkin = recording_window.library_page, recording_window.library_page.setup.checkin
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_7)
    assert checkin.value == 7 and [chip.isChecked() for chip in checkin.chips].index(True) == 7
    qtbot.keyClick(page.list, Qt.Key.Key_0)
    assert checkin.value == 0
    qtbot.keyClick(page.list, Qt.Key.Key_Backspace)
    assert checkin.value is None and not any(chip.isChecked() for chip in checkin.chips)
    qtbot.mouseClick(checkin.chips[10], Qt.MouseButton.LeftButton)
    assert checkin.value == 10, "10 has no key of its own: its chip"
    qtbot.mouseClick(checkin.chips[10], Qt.MouseButton.LeftButton)
    assert checkin.value is None, "clicking the chosen chip takes the answer back"
    spin = page.setup.fit
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "9")
    assert checkin.value is None and spin.value() == 9, "a number field keeps its digits"
    assert not any(chip.focusPolicy() & Qt.FocusPolicy.TabFocus for chip in checkin.chips)


def test_the_answers_before_and_after_go_into_the_sessions_row(
        recording_window: MainWindow, qtbot: QtBot, clock: ManualClock,
        history: History) -> None:
    window = recording_window
    window.library_page.list.setFocus()
    qtbot.keyClick(window.library_page.list, Qt.Key.Key_3)
    start(window, qtbot)
    assert window.library_page.setup.checkin.value is None, "asked afresh next time"
    timeline = window.presenter.timeline
    assert timeline is not None
    window.presenter.seek(timeline.duration - 2)
    advance(window, clock, 3)
    assert window.stack.currentWidget() is window.end_view
    [entry] = history.entries()
    assert (entry.ending, entry.comfort_before, entry.comfort_after) == (Ending.FINISHED, 3, None)
    qtbot.keyClick(window.end_view.library_button, Qt.Key.Key_8)
    assert history.entries()[0].comfort_after == 8
    qtbot.keyClick(window.end_view.library_button, Qt.Key.Key_Backspace)
    assert history.entries()[0].comfort_after is None


def test_an_unanswered_check_in_never_holds_up_a_start(recording_window: MainWindow,
                                                       qtbot: QtBot, history: History) -> None:
    window = recording_window
    window.library_page.list.setFocus()
    qtbot.keyClick(window.library_page.list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.session_view, timeout=10_000)
    window.stop_session()
    [entry] = history.entries()
    assert (entry.ending, entry.comfort_before) == (Ending.STOPPED, None)


# The history view ----------------------------------------------------------------------------


@pytest.fixture
def view(qtbot: QtBot, history: History) -> HistoryView:
    seed_month(history)
    widget = HistoryView(history)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.refresh(TODAY)
    return widget


def test_the_figures_of_a_seeded_month(view: HistoryView) -> None:
    entries = view.entries
    assert len(entries) == 50 and view.list.topLevelItemCount() == 50
    week = [(day.isoformat(), round(minutes)) for day, minutes in view.week.days]
    assert week == [("2026-11-23", 3), ("2026-11-24", 5), ("2026-11-25", 20),
                    ("2026-11-26", 3), ("2026-11-27", 0), ("2026-11-28", 0), ("2026-11-29", 0)]
    assert view.streak_value.text() == "5 days"
    november = [entry for entry in entries if entry.started_at.astimezone().month == 11]
    assert view.month_value.text() == f"{round(sum(e.spent_seconds for e in november) / 60)} min"
    assert view.month_value.text() == "158 min"
    weeks = view.chart.weeks
    assert len(weeks) == 8 and weeks[-1].monday == TODAY - timedelta(days=3)
    assert weeks[-1].before == (6 + 6 + 7 + 6) / 4 and weeks[-1].after == (6 + 9 + 10 + 8) / 4
    assert all(week.after is not None and week.before is not None
               and week.after > week.before for week in weeks)
    first = [view.list.topLevelItem(0).text(column) for column in range(6)]
    assert first == ["Thu 26 Nov 2026, 08:15", "Desk break: neck and shoulders",
                     "3:00 of 5:00", "3 of 5 · 1 skipped", "Stopped", "6 \u2192 8"]
    assert view.list.topLevelItem(0).toolTip(0) == "Soft rain, piper voice"
    assert view.empty_note.text() == "50 sessions, kept on this computer only."


def test_export_writes_every_session_as_csv(view: HistoryView, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "history.csv"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(target), "CSV files (*.csv)"))
    view.export_button.click()
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert tuple(rows[0]) == CSV_FIELDS and len(rows) == 50
    newest = view.entries[0]
    assert rows[0] == {
        "started_at": newest.started_at.astimezone().isoformat(timespec="seconds"),
        "routine_id": "desk-break", "routine_title": "Desk break: neck and shoulders",
        "planned_seconds": "300.0", "spent_seconds": "180.0", "steps_total": "5",
        "steps_done": "3", "steps_skipped": "1", "ending": "stopped",
        "soundtrack": "Soft rain", "voice": "piper", "comfort_before": "6",
        "comfort_after": "8"}
    assert sum(row["comfort_before"] == "" for row in rows) == sum(
        entry.comfort_before is None for entry in view.entries) > 0


def test_deleting_one_entry_and_then_all_asks_first(view: HistoryView, qtbot: QtBot,
                                                    history: History,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[bool] = []
    asked: list[str] = []

    def confirm(question: str, detail: str) -> bool:
        asked.append(question)
        return answers.pop(0)

    monkeypatch.setattr(view, "_confirm", confirm)
    assert not view.delete_button.isEnabled(), "nothing selected, nothing to delete"
    second = view.entries[1]
    view.list.setCurrentItem(view.list.topLevelItem(1))
    answers.append(False)
    view.delete_button.click()
    assert len(history.entries()) == 50, "Cancel deletes nothing"
    answers.append(True)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    assert asked == ["Delete this session?"] * 2
    assert second.id not in [entry.id for entry in history.entries()]
    assert len(history.entries()) == 49 and view.list.topLevelItemCount() == 49
    answers.append(True)
    view.delete_all_button.click()
    assert asked[-1] == "Delete all 49 sessions?"
    assert history.entries() == [] and view.list.topLevelItemCount() == 0
    assert view.streak_value.text() == "0 days" and view.month_value.text() == "0 min"
    assert not view.delete_all_button.isEnabled() and not view.export_button.isEnabled()


def test_the_history_is_reached_from_the_library_and_left_with_escape(
        recording_window: MainWindow, qtbot: QtBot) -> None:
    window = recording_window
    window.library_page.history_button.click()
    assert window.stack.currentWidget() is window.history_view
    assert window.history_view.empty_note.text().startswith("No sessions yet")
    qtbot.keyClick(window.history_view.list, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.library_page
