"""Driving the window in tests: start a routine, move the hand-held clock."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from backcare_desktop.session.player import ManualClock
from backcare_desktop.ui.main_window import MainWindow


def start(window: MainWindow, qtbot: QtBot, routine_id: str = "desk-break") -> None:
    window.start_routine(routine_id)
    # Preparation runs on a worker thread; this waits for it, it measures no timing.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.session_view, timeout=10_000)


def advance(window: MainWindow, clock: ManualClock, seconds: float, step: float = 0.5) -> None:
    for _ in range(round(seconds / step)):
        clock.advance(step)
        window.presenter.tick()
