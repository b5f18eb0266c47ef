"""The bundle `make bundle` built: its size on disk and as a tarball, and how long it takes
from process start to the window's first frame, next to the app run by Python from this
checkout.

The bundle is measured only if it is there: PyInstaller takes minutes, so `make bench` does
not build it; `BENCH_BUILD_BUNDLE=1` builds it first. The first frame is seen from outside the
process, with nothing added to the app: Qt is asked to log each backing-store flush, and the
clock stops when the first reaches this side's pipe. Each start is a fresh process with empty
settings and cache folders, started a few times and the median kept.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import Report

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
APP = DIST / "backcare-desktop" / "backcare-desktop"
STARTS = 3
TIMEOUT_SECONDS = 120.0
_FLUSH = "qt.widgets.painting Flushing"


def _size_mb(path: Path) -> float:
    """Bytes the files take, each counted once: the bundle links some libraries by name."""
    files = [path] if path.is_file() else [item for item in path.rglob("*")
                                           if item.is_file() and not item.is_symlink()]
    return sum(item.stat().st_size for item in files) / 1e6


def _first_frame(command: list[str], python: bool) -> float:
    """Seconds from starting `command` to its first flushed frame; the process is then ended.

    Python is given this process's PYTHONPATH (a worktree's code then runs, not the
    installed); the bundle needs nothing from outside.
    """
    with tempfile.TemporaryDirectory() as home:
        inherited = ("PYTHONPATH",) if python else ()
        env = {**{key: os.environ[key] for key in inherited if key in os.environ},
               "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "XDG_RUNTIME_DIR": home, "QT_QPA_PLATFORM": "offscreen",
               "QT_LOGGING_RULES": "qt.widgets.painting.debug=true",
               "QT_MESSAGE_PATTERN": "%{category} %{message}"}
        began = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=home, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        timer = threading.Timer(TIMEOUT_SECONDS, process.kill)
        timer.start()
        try:
            assert process.stderr is not None
            for line in process.stderr:
                if line.startswith(_FLUSH):
                    return time.perf_counter() - began
            raise RuntimeError(f"{command[0]} drew no frame (exit status {process.wait()})")
        finally:
            timer.cancel()
            process.kill()
            process.wait()


def _median_start(command: list[str], python: bool = False) -> str:
    try:
        seconds = [_first_frame(command, python) for _ in range(STARTS)]
    except (OSError, RuntimeError) as error:
        return f"not measured: {error}"
    return f"{statistics.median(seconds) * 1000:.0f} ms (median of {STARTS})"


def run() -> Report:
    report = Report("Bundle (make bundle)")
    print(report.title, flush=True)
    if os.environ.get("BENCH_BUILD_BUNDLE") == "1":
        subprocess.run(["bash", str(ROOT / "packaging" / "bundle.sh")], check=True,
                       env={**os.environ, "PYTHON": sys.executable})
    if not APP.is_file():
        report.add("bundle", f"not measured: no {APP.relative_to(ROOT)} "
                             "(`make bundle`, or BENCH_BUILD_BUNDLE=1)")
        return report
    folder = APP.parent
    report.add("folder size on disk", f"{_size_mb(folder):.0f} MB in "
                                      f"{sum(1 for _ in folder.rglob('*'))} files")
    for tarball in sorted(DIST.glob("backcare-desktop-*.tar.gz")):
        report.add(f"tarball {tarball.name}", f"{_size_mb(tarball):.0f} MB")
    report.add("process start to first frame: bundle", _median_start([str(APP)]))
    report.add("process start to first frame: python -m backcare_desktop",
               _median_start([sys.executable, "-m", "backcare_desktop"], python=True))
    return report
