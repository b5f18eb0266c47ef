"""Window figures, each next to a minimal PySide6 window measured in the same run: start to
first frame, CPU during a breathing step and an ordinary one, memory after a full session.

Every figure comes from a fresh process (`python -m benchmarks.ui PROBE`), offscreen. CPU is
measured while Qt's own event loop runs (a loop polling processEvents would add its own
cost to every figure), and only once the background work (voice, soundtrack) is done.
Issue 11's targets are printed beside the figures."""

from __future__ import annotations

import json
import sys
import time

from benchmarks.common import Report, child_figures

PROBE_SECONDS = 4.0
FIRST_FRAME_TARGET = 2.0
"""At most this many times a minimal window's start to first frame."""
BREATHING_CPU_TARGET = 0.05
PLAIN_CPU_TARGET = 0.02


def _probe(kind: str) -> dict[str, float]:
    """Runs in the child process."""
    began = time.perf_counter()
    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    from benchmarks.common import cpu_share, rss_mb

    app = QApplication([])
    marks: dict[str, float] = {}
    awaited: list[tuple[str, QWidget | None]] = []
    """The figure the next paint sets, and the window whose paint counts (None: any)."""

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: object) -> bool:
            if getattr(event, "type", lambda: None)() == 12 and awaited:  # QEvent.Paint
                name, window = awaited[0]
                if window is None or (isinstance(watched, QWidget)
                                      and watched.window() is window):
                    marks[name] = (time.perf_counter() - began) * 1000
                    awaited.clear()
            return False

    def painted(name: str) -> None:
        while name not in marks:
            app.processEvents()

    spy = FirstPaint()
    app.installEventFilter(spy)
    figures: dict[str, float] = {}
    if kind == "minimal":
        window = QLabel("Hello")
        window.resize(1180, 780)
        awaited.append(("first_frame_ms", None))
        window.show()
        painted("first_frame_ms")
        figures.update(marks)
        with cpu_share() as share:
            _spin(app, PROBE_SECONDS)
            figures["idle_cpu"] = share()
        figures["rss_mb"] = rss_mb()
        return figures

    if kind == "app":  # as `backcare-desktop` starts: the card first, then the window
        from backcare_desktop.ui.splash import show_splash

        awaited.append(("first_frame_ms", None))
        splash = show_splash(app)
        painted("first_frame_ms")
    from backcare_desktop.routines.loader import load_library
    from backcare_desktop.session.live import SilentOutput
    from backcare_desktop.session.player import ManualClock, MonotonicClock
    from backcare_desktop.settings import Settings
    from backcare_desktop.ui.main_window import MainWindow

    clock = ManualClock() if kind == "session" else MonotonicClock()
    settings = Settings(voice="none")
    main = MainWindow(SilentOutput(clock), settings, load_library(), save=False)
    awaited.append(("window_ms", main))
    main.show()
    painted("window_ms")
    if kind == "app":
        splash.close()
    figures.update(marks)
    warmer = main.warmer
    bed = main._ambient(main.soundtrack_in_hand)
    while (warmer is not None and not warmer.done.is_set()) or not bed.done():
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
    """Runs Qt's event loop for `seconds`, as the app does between events."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def _child(kind: str) -> dict[str, float]:
    return child_figures("benchmarks.ui", [kind], {"QT_QPA_PLATFORM": "offscreen"})


def run() -> Report:
    report = Report("Window (offscreen)")
    print(report.title, flush=True)
    minimal, app, session = _child("minimal"), _child("app"), _child("session")
    first, bare = app["first_frame_ms"], minimal["first_frame_ms"]
    report.add("start to first frame (the starting card): Back Care / minimal window",
               f"{first:.0f} / {bare:.0f} ms = {first / bare:.1f}x"
               f" (target <= {FIRST_FRAME_TARGET:g}x)")
    report.add("start to the library on screen / minimal window",
               f"{app['window_ms']:.0f} / {bare:.0f} ms = {app['window_ms'] / bare:.1f}x")
    report.add("CPU idle: library / minimal window",
               f"{app['idle_cpu'] * 100:.1f}% / {minimal['idle_cpu'] * 100:.1f}%")
    report.add("CPU in a breathing step / minimal window idle",
               f"{app['breathing_cpu'] * 100:.1f}% / {minimal['idle_cpu'] * 100:.1f}% of one "
               f"core (target <= {BREATHING_CPU_TARGET * 100:g}%)")
    report.add("CPU in a plain step (figure still: reduced motion) / minimal idle",
               f"{app['ordinary_cpu'] * 100:.1f}% / {minimal['idle_cpu'] * 100:.1f}% of one "
               f"core (target <= {PLAIN_CPU_TARGET * 100:g}%)")
    report.add("CPU during a movement step (the figure at ~24 fps)",
               f"{app['moving_cpu'] * 100:.1f}% of one core")
    report.add("memory after a full desk-break session / minimal window",
               f"{session['rss_mb']:.0f} / {minimal['rss_mb']:.0f} MB")
    return report


if __name__ == "__main__":
    print(json.dumps(_probe(sys.argv[1])))
