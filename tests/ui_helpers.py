"""Driving the window in tests: start a routine, move the hand-held clock."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
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


class EventLoopBeat:
    """Gaps between 5 ms ticks of the Qt event loop, from now until `stop`: how long the
    window's thread was held at a time."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._beat)
        self._timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def stop(self) -> list[float]:
        self._timer.stop()
        return self.gaps
