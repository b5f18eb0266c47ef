"""Desk-break reminders in the app: the notification, its buttons, the settings, the tray."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from backcare_desktop.desktop.autostart import FILE_NAME, autostart_dir
from backcare_desktop.desktop.idle import DesktopIdle
from backcare_desktop.desktop.reminders import LATER, START, Reminders, attach_reminders
from backcare_desktop.session.live import Stage
from backcare_desktop.session.player import ManualClock
from backcare_desktop.settings import ReminderSettings, load_settings
from backcare_desktop.ui.main_window import MainWindow
from backcare_desktop.ui.settings_dialog import SettingsDialog
from tests.dbus_helpers import Stub
from tests.test_break_timer import POLL, FakeIdle
from tests.ui_helpers import start

NO_BUS = "unix:path=/nonexistent/bus"


@pytest.fixture
def connection(bus: str) -> Iterator[QDBusConnection]:
    yield QDBusConnection.connectToBus(bus, bus)
    QDBusConnection.disconnectFromBus(bus)


def turn_on(window: MainWindow, minutes: int = 10, autostart: bool = False) -> None:
    """As the Settings dialog's OK does."""
    window.apply_settings(window.settings.model_copy(update={
        "reminders": ReminderSettings(enabled=True, minutes=minutes, autostart=autostart)}))


def started(stub: Stub, stubs: list[Stub], qtbot: QtBot) -> Stub:
    """The stub service, once it is on the bus (and stopped after the test)."""
    stubs.append(stub)
    stub.wait_for(qtbot, 1)
    return stub


def polls_until(reminders: Reminders, clock: ManualClock, minutes: float) -> None:
    for _ in range(round(minutes * 60 / POLL)):
        clock.advance(POLL)
        reminders.poll()


def test_the_notification_starts_desk_break_hands_free(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection) -> None:
    stub = started(Stub(bus, "notifications", "--invoke", START), stubs, qtbot)
    clock = ManualClock()
    reminders = attach_reminders(window, connection, clock, FakeIdle(0.0))
    turn_on(window, minutes=10)
    polls_until(reminders, clock, 9.5)
    assert stub.lines == ["ready"]
    polls_until(reminders, clock, 0.5)
    assert stub.wait_for(qtbot, 2)[1] == (
        f"Notify 41 Time for a desk break / default|Show Back Care|{START}|Start Desk break|"
        f"{LATER}|Later")
    qtbot.waitUntil(lambda: window.presenter.stage is Stage.PLAYING, timeout=10_000)
    assert window.library_page.setup.routine_id == "desk-break"
    assert window.stack.currentWidget() is window.session_view
    polls_until(reminders, clock, 20)  # a session is a break: no reminder during one
    assert len(stub.lines) == 2


def test_a_session_paused_and_left_open_is_no_break(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection) -> None:
    """Work goes on beside a paused session: reminders count it as the desk time it is."""
    stub = started(Stub(bus, "notifications"), stubs, qtbot)
    clock = ManualClock()
    reminders = attach_reminders(window, connection, clock, FakeIdle(0.0))
    turn_on(window, minutes=10)
    start(window, qtbot)
    window.presenter.toggle_pause()
    assert window.presenter.stage is Stage.PAUSED
    polls_until(reminders, clock, 10)
    assert stub.wait_for(qtbot, 2)[1].startswith("Notify")


def test_later_asks_again_after_the_snooze(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection) -> None:
    stub = started(Stub(bus, "notifications", "--invoke", LATER), stubs, qtbot)
    clock = ManualClock()
    reminders = attach_reminders(window, connection, clock, FakeIdle(0.0))
    turn_on(window, minutes=30)
    with qtbot.waitSignal(reminders.notifier.action_invoked, timeout=10_000):
        polls_until(reminders, clock, 30)
    assert stub.wait_for(qtbot, 2)[1].startswith("Notify")
    polls_until(reminders, clock, 9.5)
    assert len(stub.lines) == 2
    polls_until(reminders, clock, 0.5)
    assert stub.wait_for(qtbot, 3)[2].startswith("Notify")
    assert window.presenter.session is None


def test_without_buttons_on_notifications_the_tray_reminds(
        window: MainWindow, qtbot: QtBot, bus: str, stubs: list[Stub],
        connection: QDBusConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = started(Stub(bus, "notifications", "--no-actions"), stubs, qtbot)
    shown: list[str] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", lambda self: True)
    monkeypatch.setattr(QSystemTrayIcon, "showMessage",
                        lambda self, title, *_: shown.append(title))
    clock = ManualClock()
    reminders = attach_reminders(window, connection, clock, FakeIdle(0.0))
    assert reminders.tray is not None
    turn_on(window, minutes=10)
    reminders.tray.messageClicked.emit()  # not a reminder: starts nothing
    assert window.presenter.session is None
    polls_until(reminders, clock, 10)
    assert shown == ["Time for a desk break"] and stub.lines == ["ready"]
    reminders.tray.messageClicked.emit()
    qtbot.waitUntil(lambda: window.presenter.stage is Stage.PLAYING, timeout=10_000)


def test_without_notifications_or_tray_the_window_says_it(
        window: MainWindow, qtbot: QtBot) -> None:
    clock = ManualClock()
    reminders = attach_reminders(window, QDBusConnection.connectToBus(NO_BUS, "no-bus"),
                                 clock, FakeIdle(None))
    reminders.tray = None
    turn_on(window, minutes=10)
    polls_until(reminders, clock, 10)
    qtbot.waitUntil(lambda: any("Time for a desk break" in message.short
                                for message in window.messages.messages()))


@pytest.mark.parametrize(("services", "desktop", "seconds"), [
    (["mutter", "screensaver"], "GNOME", 120.5), (["screensaver"], "XFCE", 120.0),
    (["screensaver"], "KDE", 0.12), ([], "GNOME", None)])
def test_idle_time_comes_from_the_desktops_idle_monitor(
        qtbot: QtBot, bus: str, stubs: list[Stub], connection: QDBusConnection,
        services: list[str], desktop: str, seconds: float | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In seconds, whatever the monitor's unit: KDE's screen locker counts milliseconds."""
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", desktop)
    if services:
        started(Stub(bus, *services, "--idle", "120"), stubs, qtbot)
    assert DesktopIdle(connection).idle_seconds() == seconds


def test_reminders_are_off_by_default_and_healed_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"reminders": {"enabled": True, "minutes": 3}}))
    loaded, message = load_settings(path)
    assert loaded.reminders == ReminderSettings(enabled=True, minutes=50)
    assert 'Setting "reminders.minutes" was 3' in message
    assert load_settings(tmp_path / "none.json")[0].reminders.enabled is False


def test_the_settings_dialog_edits_reminders(window: MainWindow, qtbot: QtBot) -> None:
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    assert not dialog.remind.isChecked() and not dialog.remind_minutes.isEnabled()
    dialog.remind.setChecked(True)
    assert dialog.remind_minutes.isEnabled() and dialog.autostart.isEnabled()
    dialog.remind_minutes.setValue(25)
    dialog.autostart.setChecked(True)
    assert dialog.result_settings().reminders == ReminderSettings(enabled=True, minutes=25,
                                                                  autostart=True)


def test_autostart_entry_is_written_and_removed(window: MainWindow) -> None:
    attach_reminders(window, QDBusConnection.connectToBus(NO_BUS, "no-bus"), ManualClock(),
                     FakeIdle(None))
    entry = autostart_dir() / FILE_NAME
    turn_on(window, autostart=True)
    text = entry.read_text()
    assert "Exec=" in text and "-m backcare_desktop --background" in text
    window.apply_settings(window.settings.model_copy(update={
        "reminders": ReminderSettings(enabled=False, autostart=True)}))
    assert not entry.exists()


def test_with_reminders_on_closing_keeps_the_app_in_the_tray(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    reminders = attach_reminders(window, QDBusConnection.connectToBus(NO_BUS, "no-bus"),
                                 ManualClock(), FakeIdle(None))
    assert reminders.tray is not None and not reminders.tray.isVisible()
    turn_on(window)
    assert reminders.tray.isVisible()
    assert not window.close()
    assert not window.isVisible()
    window.bring_to_front()
    window.apply_settings(window.settings.model_copy(update={
        "reminders": ReminderSettings(enabled=False)}))
    assert window.close()
