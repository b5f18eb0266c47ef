"""Window figures, each next to a minimal PySide6 window measured in the same run: start to
first frame, CPU during a breathing step and an ordinary one, memory after a full session.

Every figure comes from a fresh process (`python -m benchmarks.ui PROBE`), offscreen."""

from __future__ import annotations

import json
import sys
import time

from benchmarks.common import Report, child_figures

PROBE_SECONDS = 4.0


def _probe(kind: str) -> dict[str, float]:
    """Runs in the child process."""
    began = time.perf_counter()
    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from benchmarks.common import cpu_share, rss_mb

    app = QApplication([])
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: object) -> bool:
            if getattr(event, "type", lambda: None)() == 12 and not painted:  # QEvent.Paint
                painted.append(time.perf_counter() - began)
            return False

    spy = FirstPaint()
    app.installEventFilter(spy)
    figures: dict[str, float] = {}
    if kind == "minimal":
        window = QLabel("Hello")
        window.resize(1180, 780)
        window.show()
        while not painted:
            app.processEvents()
        figures["first_frame_ms"] = painted[0] * 1000
        with cpu_share() as share:
            _spin(app, PROBE_SECONDS)
            figures["idle_cpu"] = share()
        figures["rss_mb"] = rss_mb()
        return figures

    from backcare_desktop.routines.loader import load_library
    from backcare_desktop.session.live import SilentOutput
    from backcare_desktop.session.player import ManualClock, MonotonicClock
    from backcare_desktop.settings import Settings
    from backcare_desktop.ui.main_window import MainWindow

    clock = ManualClock() if kind == "session" else MonotonicClock()
    settings = Settings(voice="none")
    main = MainWindow(SilentOutput(clock), settings, load_library(), save=False)
    main.show()
    while not painted:
        app.processEvents()
    figures["first_frame_ms"] = painted[0] * 1000
    warmer = main.warmer
    while warmer is not None and not warmer.done.is_set():
        app.processEvents()  # the soundtrack and voice are made ready in the background first
    with cpu_share() as share:
        _spin(app, PROBE_SECONDS)
        figures["idle_cpu"] = share()
    main.start_routine("desk-break")
    while main.stack.currentWidget() is not main.session_view:
        app.processEvents()
    if kind == "session":
        timeline = main.presenter.timeline
        assert timeline is not None and isinstance(clock, ManualClock)
        for _ in range(int(timeline.duration * 10) + 20):
            clock.advance(0.1)
            main.presenter.tick()
            app.processEvents()
        figures["rss_mb"] = rss_mb()
        return figures
    with cpu_share() as share:  # the first step breathes
        _spin(app, PROBE_SECONDS)
        figures["breathing_cpu"] = share()
    main.presenter.next_step()  # shoulder rolls: the figure moves on its own frames
    with cpu_share() as share:
        _spin(app, PROBE_SECONDS)
        figures["moving_cpu"] = share()
    main.apply_settings(settings.model_copy(update={"reduced_motion": True}))
    main.presenter.tick()
    with cpu_share() as share:
        _spin(app, PROBE_SECONDS)
        figures["ordinary_cpu"] = share()
    QTimer.singleShot(0, main.close)
    return figures


def _spin(app: object, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.002)


def _child(kind: str) -> dict[str, float]:
    return child_figures("benchmarks.ui", [kind], {"QT_QPA_PLATFORM": "offscreen"})


def run() -> Report:
    report = Report("Window (offscreen)")
    print(report.title, flush=True)
    minimal, app, session = _child("minimal"), _child("app"), _child("session")
    report.add("process start to first frame: Back Care / minimal window",
               f"{app['first_frame_ms']:.0f} / {minimal['first_frame_ms']:.0f} ms")
    report.add("CPU idle in the library / minimal window idle",
               f"{app['idle_cpu'] * 100:.1f}% / {minimal['idle_cpu'] * 100:.1f}%")
    report.add("CPU during a breathing step (pacer at ~60 fps)",
               f"{app['breathing_cpu'] * 100:.1f}% of one core")
    report.add("CPU during a movement step (the figure at ~24 fps)",
               f"{app['moving_cpu'] * 100:.1f}% of one core")
    report.add("CPU during the same step, reduced motion (redraws when something changes)",
               f"{app['ordinary_cpu'] * 100:.1f}% of one core")
    report.add("memory after a full desk-break session / minimal window",
               f"{session['rss_mb']:.0f} / {minimal['rss_mb']:.0f} MB")
    return report


if __name__ == "__main__":
    print(json.dumps(_probe(sys.argv[1])))
