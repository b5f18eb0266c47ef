"""A two-hour soundtrack of the person's own: peak memory of decoding it, and how long the
window's event loop waits while it is added (decoded on a worker, 180 s only)."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import Report, percentile
from tests.test_soundtracks import decode_in_child, make_tone
from tests.ui_helpers import EventLoopBeat


def _two_hours(folder: Path) -> Path:
    minute = make_tone(folder / "minute.mp3", 60, 440, "-b:a", "32k")
    long = folder / "two_hours.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "119",
                    "-i", f"file:{minute}", "-c", "copy", f"file:{long}"], check=True)
    return long


def _window_waits(path: Path) -> list[float]:
    """Gaps between 5 ms ticks of the window's event loop while the soundtrack is added."""
    from PySide6.QtWidgets import QApplication

    from backcare_desktop.routines.loader import load_library
    from backcare_desktop.session.live import SilentOutput
    from backcare_desktop.session.player import ManualClock
    from backcare_desktop.settings import Settings
    from backcare_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(SilentOutput(ManualClock()), Settings(voice="none"), load_library(),
                        save=False)
    window.show()
    beat = EventLoopBeat()
    future = window.add_soundtrack(path)
    while not future.done() or not beat.gaps:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    window.close()
    return beat.stop()


def run() -> Report:
    report = Report("A two-hour soundtrack of your own (MP3)")
    print(report.title, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = _two_hours(Path(folder))
        decoded = decode_in_child(path)
        report.add("decode: peak memory growth (target < 300 MB)",
                   f"{float(decoded['growth_mb']):.0f} MB in the app, "
                   f"{float(decoded['tools_mb']):.0f} MB in ffmpeg; "
                   f"{float(decoded['seconds']):.2f} s")
        gaps = _window_waits(path)
        report.add("window event loop while adding it (target < 100 ms)",
                   f"longest wait {max(gaps) * 1000:.0f} ms, p99 "
                   f"{percentile(gaps, 99) * 1000:.0f} ms over {len(gaps)} ticks")
    return report
