"""A private D-Bus session bus per test, and stand-in desktop services on it
(tests/dbus_stubs.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bus() -> Iterator[str]:
    if not (shutil.which("dbus-daemon") and shutil.which("dbus-send")):
        pytest.skip("dbus-daemon is not installed")
    with subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as daemon:
        assert daemon.stdout is not None
        try:
            yield daemon.stdout.readline().strip()
        finally:
            daemon.terminate()  # leaving the block then waits for it and closes its pipe


class Stub:
    """Stand-in services in a child process; `lines` are the calls it saw, in order."""

    def __init__(self, address: str, *arguments: str) -> None:
        self.lines: list[str] = []
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "tests.dbus_stubs", address, *arguments],
            cwd=_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line.strip())

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait_for(self, qtbot: QtBot, count: int, timeout: int = 10_000) -> list[str]:
        """Waits (in Qt's event loop, so the app can answer) until `count` lines came."""
        qtbot.waitUntil(lambda: len(self.lines) >= count, timeout=timeout)
        return self.lines

    def close(self) -> None:
        self._process.terminate()
        self._process.wait()
        self._reader.join()
        assert self._process.stdout is not None
        self._process.stdout.close()


@pytest.fixture
def stubs(bus: str) -> Iterator[list[Stub]]:
    """Stubs a test starts with `stubs.append(Stub(bus, ...))`; all stopped at its end."""
    started: list[Stub] = []
    yield started
    for stub in started:
        stub.close()
