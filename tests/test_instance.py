"""One copy at a time: a second start brings the running window forward and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from backcare_desktop.desktop import instance
from backcare_desktop.ui.main_window import MainWindow

_ROOT = Path(__file__).resolve().parent.parent
NO_BUS = "unix:path=/nonexistent/bus"


def second_copy(qtbot: QtBot, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Starts the app as a person would (`backcare-desktop`, no command) while the test's
    event loop lets the first copy answer."""
    child = subprocess.Popen(
        [sys.executable, "-m", "backcare_desktop"], cwd=_ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(_ROOT),
             **environment})
    try:
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    finally:
        child.kill()
        output, _ = child.communicate()
    return subprocess.CompletedProcess(child.args, child.returncode, output)


def hidden(window: MainWindow, claim: instance.Instance) -> MainWindow:
    claim.activated.connect(window.bring_to_front)  # as launch() wires it
    window.hide()
    return window


@pytest.fixture
def connection(bus: str) -> Iterator[QDBusConnection]:
    yield QDBusConnection.connectToBus(bus, bus)
    QDBusConnection.disconnectFromBus(bus)


def test_a_second_copy_raises_the_first_over_dbus(
        window: MainWindow, qtbot: QtBot, bus: str, connection: QDBusConnection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_ACTIVATION_TOKEN", "")  # restored (unset) after the test
    claim = instance.claim(connection)
    assert claim is not None
    hidden(window, claim)
    second = second_copy(qtbot, {"DBUS_SESSION_BUS_ADDRESS": bus,
                                 "XDG_ACTIVATION_TOKEN": "from-the-launcher"})
    assert second.returncode == 0, second.stdout
    assert "already running" in second.stdout
    qtbot.waitUntil(window.isVisible)
    # Qt's Wayland plugin focuses the window with the second copy's launcher's token
    assert os.environ["XDG_ACTIVATION_TOKEN"] == "from-the-launcher"
    connection.unregisterService(instance.APP_ID)


def test_without_dbus_a_local_socket_decides(
        window: MainWindow, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_ACTIVATION_TOKEN", "")  # restored (unset) after the test
    claim = instance.claim(QDBusConnection.connectToBus(NO_BUS, "no-bus"),
                           tmp_path / "backcare-desktop")
    assert claim is not None
    hidden(window, claim)
    second = second_copy(qtbot, {"DBUS_SESSION_BUS_ADDRESS": NO_BUS,
                                 "XDG_RUNTIME_DIR": str(tmp_path),
                                 "XDG_ACTIVATION_TOKEN": "by-socket"})
    assert second.returncode == 0, second.stdout
    qtbot.waitUntil(window.isVisible)
    assert os.environ["XDG_ACTIVATION_TOKEN"] == "by-socket"


def test_the_lock_of_a_copy_that_died_is_taken_over(tmp_path: Path) -> None:
    folder = tmp_path / "backcare-desktop"
    script = ("import os, sys; from PySide6.QtCore import QCoreApplication; "
              "from backcare_desktop.desktop import instance; from pathlib import Path; "
              "app = QCoreApplication([]); "
              "claim = instance.claim(None, Path(sys.argv[1])); assert claim; os._exit(0)")
    subprocess.run([sys.executable, "-c", script, str(folder)], cwd=_ROOT, check=True,
                   env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": NO_BUS,
                        "PYTHONPATH": str(_ROOT)})
    assert (folder / "instance.lock").exists()  # os._exit left it behind, as a crash would
    assert instance.claim(QDBusConnection.connectToBus(NO_BUS, "no-bus"), folder) is not None
