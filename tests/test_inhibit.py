"""No screen blanking mid-session: an idle inhibitor held exactly while a session plays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from backcare_desktop.desktop.inhibit import ScreenKeeper
from backcare_desktop.session.live import Stage
from backcare_desktop.ui.main_window import MainWindow
from tests.dbus_helpers import Stub
from tests.ui_helpers import start


@pytest.fixture
def connection(bus: str) -> Iterator[QDBusConnection]:
    """The app's own connection, named after the bus: a name is bound to one bus for as long
    as anything holds the connection."""
    yield QDBusConnection.connectToBus(bus, bus)
    QDBusConnection.disconnectFromBus(bus)


def keeper_for(window: MainWindow, connection: QDBusConnection) -> ScreenKeeper:
    keeper = ScreenKeeper(connection, window)
    window.presenter.stage_changed.connect(keeper.follow)  # as launch() wires it
    return keeper


def skip_to_the_end(window: MainWindow) -> None:
    while window.presenter.stage is not Stage.FINISHED:
        window.presenter.next_step()


def test_screen_saver_is_inhibited_while_playing_only(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection) -> None:
    stub = Stub(bus, "screensaver")
    stubs.append(stub)
    stub.wait_for(qtbot, 1)
    keeper = keeper_for(window, connection)
    start(window, qtbot)
    assert keeper.holding
    assert stub.wait_for(qtbot, 2)[1:] == ["Inhibit 1 Back Care / A guided session is playing"]
    window.presenter.toggle_pause()
    window.presenter.toggle_pause()
    window.stop_session()
    start(window, qtbot)
    skip_to_the_end(window)
    assert stub.wait_for(qtbot, 7)[1:] == [
        "Inhibit 1 Back Care / A guided session is playing", "UnInhibit 1",  # pause
        "Inhibit 2 Back Care / A guided session is playing", "UnInhibit 2",  # stop
        "Inhibit 3 Back Care / A guided session is playing", "UnInhibit 3"]  # finish
    assert not keeper.holding


def test_the_portal_is_preferred_and_its_request_closed(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection) -> None:
    stub = Stub(bus, "portal", "screensaver")
    stubs.append(stub)
    stub.wait_for(qtbot, 1)
    keeper = keeper_for(window, connection)
    start(window, qtbot)
    assert keeper.holding
    window.stop_session()
    request = "/org/freedesktop/portal/desktop/request/stub/1"
    assert stub.wait_for(qtbot, 3)[1:] == [
        f"PortalInhibit 8 A guided session is playing {request}", f"PortalClose {request}"]


def test_without_any_service_the_session_plays_on(
        window: MainWindow, qtbot: QtBot, connection: QDBusConnection,
        caplog: pytest.LogCaptureFixture) -> None:
    keeper = keeper_for(window, connection)
    with caplog.at_level("INFO"):
        start(window, qtbot)
    assert window.presenter.stage is Stage.PLAYING and not keeper.holding
    assert "no screen-saver inhibitor" in caplog.text
