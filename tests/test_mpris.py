"""Desktop media controls, over a private D-Bus session bus."""

from __future__ import annotations

import subprocess

from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from backcare_desktop.session.player import State
from backcare_desktop.ui.main_window import MainWindow
from backcare_desktop.ui.mpris import OBJECT_PATH, SERVICE, MediaControls
from tests.ui_helpers import start


def send(address: str, *arguments: str) -> subprocess.Popen[str]:
    """Calls the app like a desktop panel would, from another process."""
    return subprocess.Popen(["dbus-send", f"--bus={address}", "--print-reply",
                             f"--dest={SERVICE}", OBJECT_PATH, *arguments],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def reply(qtbot: QtBot, call: subprocess.Popen[str]) -> str:
    qtbot.waitUntil(lambda: call.poll() is not None, timeout=5000)  # the app answers in its loop
    output, _ = call.communicate()  # also closes the pipe
    return output


def test_media_keys_pause_and_skip_through_dbus(window: MainWindow,
                                                 qtbot: QtBot, bus: str) -> None:
    connection = QDBusConnection.connectToBus(bus, "media-test")
    controls = MediaControls(window.presenter, window.media_commands(), connection)
    assert controls.active
    start(window, qtbot)
    status = reply(qtbot, send(bus, "org.freedesktop.DBus.Properties.Get",
                               "string:org.mpris.MediaPlayer2.Player",
                               "string:PlaybackStatus"))
    assert '"Playing"' in status
    reply(qtbot, send(bus, "org.mpris.MediaPlayer2.Player.PlayPause"))
    assert window.presenter.state is State.PAUSED
    reply(qtbot, send(bus, "org.mpris.MediaPlayer2.Player.Play"))
    assert window.presenter.state is State.RUNNING
    reply(qtbot, send(bus, "org.mpris.MediaPlayer2.Player.Next"))
    assert window.session_view.step_title.text() == "Shoulder rolls"
    metadata = reply(qtbot, send(bus, "org.freedesktop.DBus.Properties.Get",
                                 "string:org.mpris.MediaPlayer2.Player", "string:Metadata"))
    assert "Shoulder rolls" in metadata and "Desk break" in metadata
    reply(qtbot, send(bus, "org.mpris.MediaPlayer2.Player.Stop"))
    assert window.stack.currentWidget() is window.library_page
    connection.unregisterObject(OBJECT_PATH)
    QDBusConnection.disconnectFromBus("media-test")


def test_without_a_bus_media_controls_stay_out_of_the_way(window: MainWindow) -> None:
    connection = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "no-bus")
    assert not MediaControls(window.presenter, window.media_commands(), connection).active
