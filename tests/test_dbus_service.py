"""Calls to desktop services: one that is missing or hung costs a second at most and never
raises, so a reminder or a session's start goes on without it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from backcare_desktop.desktop.dbus import TIMEOUT_MS, Service
from backcare_desktop.desktop.notifications import Notifier
from tests.dbus_helpers import Stub


@pytest.fixture
def connection(bus: str) -> Iterator[QDBusConnection]:
    yield QDBusConnection.connectToBus(bus, bus)
    QDBusConnection.disconnectFromBus(bus)


def test_a_service_nobody_provides_is_simply_not_there(connection: QDBusConnection) -> None:
    missing = Service(connection, "org.example.Missing", "/x", "org.example.Missing")
    assert not missing.offers("Anything")
    assert missing.call("Anything", ("uint", 1), returns="uint") is None
    notifier = Notifier(connection)  # a desktop without a notification daemon
    assert not notifier.offers_actions()
    assert not notifier.show("Time for a desk break", "", [])


def test_a_hung_service_costs_about_a_second_not_25(connection: QDBusConnection, qtbot: QtBot,
                                                    bus: str, stubs: list[Stub]) -> None:
    stub = Stub(bus, "screensaver")
    stubs.append(stub)
    stub.wait_for(qtbot, 1)
    os.kill(stub.pid, signal.SIGSTOP)  # owns its name, answers nothing
    try:
        began = time.monotonic()
        hung = Service(connection, "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                       "org.freedesktop.ScreenSaver")
        assert not hung.offers("Inhibit")
        assert time.monotonic() - began < 10 * TIMEOUT_MS / 1000  # Qt's own first look: 25 s
    finally:
        os.kill(stub.pid, signal.SIGCONT)
