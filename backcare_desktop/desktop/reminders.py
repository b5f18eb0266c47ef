"""Desk-break reminders: a notice after so many minutes of active use that starts the Desk break
routine hands-free, from a notification's button or from the tray icon's menu.

While reminders are on the app lives on in the tray when its window is closed (where the
desktop has a tray), and can start with the session (see desktop.autostart). A session
that plays is a break in itself: no reminder comes during one, and the count starts again
when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from backcare_desktop.desktop.autostart import set_autostart
from backcare_desktop.desktop.break_timer import AwakeOrAsleepClock, BreakTimer, IdleSource
from backcare_desktop.desktop.idle import DesktopIdle
from backcare_desktop.desktop.notifications import DEFAULT_ACTION, Notifier
from backcare_desktop.session.live import Stage
from backcare_desktop.session.player import Clock
from backcare_desktop.settings import ReminderSettings

if TYPE_CHECKING:
    from backcare_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

ROUTINE_ID = "desk-break"
POLL_MS = 30_000
"""How often the idle time is read: a reminder comes at most this late."""
START, LATER = "start-desk-break", "later"
SUMMARY = "Time for a desk break"
BODY = "Five minutes in your chair for your neck, shoulders and back, guided by voice."


@dataclass(frozen=True)
class WindowCommands:
    """What the reminders ask of the app."""

    start_break: Callable[[], None]
    """Starts Desk break hands-free with the remembered choices, window in front."""
    show: Callable[[], None]
    quit: Callable[[], None]
    say: Callable[[str], None]
    """A line in the window's message bar."""


class Reminders(QObject):
    def __init__(self, commands: WindowCommands, notifier: Notifier, idle: IdleSource,
                 clock: Clock, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._commands = commands
        self.notifier = notifier
        self.notifier.action_invoked.connect(self._on_action)
        self._settings = ReminderSettings()
        self._timer = BreakTimer(self._settings.minutes, clock, idle)
        self._in_session = False
        self._offering = False
        """The tray's last message is a reminder (clicking it starts the break)."""
        self._told_where = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        self.tray = self._make_tray(icon) if QSystemTrayIcon.isSystemTrayAvailable() else None

    @property
    def keeps_running(self) -> bool:
        """Whether closing the window should leave the app running in the tray."""
        return self._settings.enabled and self.tray is not None

    def configure(self, settings: ReminderSettings) -> None:
        """Follows the settings: the count, the tray icon and the autostart entry."""
        if settings.minutes != self._settings.minutes:
            self._timer.set_minutes(settings.minutes)
        if settings.enabled and not self._poll.isActive():
            self._timer.restart()
            self._poll.start()
        elif not settings.enabled:
            self._poll.stop()
            self.notifier.withdraw()
        if self.tray is not None:
            self.tray.setVisible(settings.enabled)
        if (settings.enabled and settings.autostart) != (
                self._settings.enabled and self._settings.autostart):
            self._set_autostart(settings.enabled and settings.autostart)
        self._settings = settings

    def follow(self, stage: Stage, _reason: str = "") -> None:
        """Connect to the presenter's stage_changed: a session playing is a break (one
        paused and left open is not: work goes on beside it)."""
        self._in_session = stage is Stage.PLAYING
        if self._in_session:
            self.notifier.withdraw()
        self._timer.restart()

    def poll(self) -> None:
        """One look at the time used; reminds when a break is due."""
        if self._in_session:
            self._timer.restart()
        elif self._timer.poll():
            self._remind()

    def _remind(self) -> None:
        if self.notifier.offers_actions() and self.notifier.show(
                SUMMARY, BODY, [(DEFAULT_ACTION, "Show Back Care"), (START, "Start Desk break"),
                                (LATER, "Later")]):
            return
        if self.tray is not None and self.tray.supportsMessages():
            self._offering = True
            self.tray.showMessage(SUMMARY, f"{BODY} Click here to start, or choose it "
                                  "from the Back Care icon's menu.", self.tray.icon())
            return
        self._commands.say(f"{SUMMARY}: press Start on Desk break when you are ready.")

    def _on_action(self, key: str) -> None:
        if key == START:
            self._commands.start_break()
        elif key == LATER:
            self._timer.postpone()
        elif key == DEFAULT_ACTION:
            self._commands.show()

    def _make_tray(self, icon: QIcon) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(icon, self)
        tray.setToolTip("Back Care")
        menu = QMenu()  # a tray menu has no parent widget; kept alive here
        for text, action in (("Show Back Care", self._commands.show),
                             ("Start Desk break", self._commands.start_break),
                             ("Remind me later", self._timer.postpone),
                             ("Quit Back Care", self._commands.quit)):
            item = QAction(text, menu)
            item.triggered.connect(action)
            menu.addAction(item)
        menu.insertSeparator(menu.actions()[-1])
        tray.setContextMenu(menu)
        self._menu = menu
        tray.activated.connect(self._on_tray_activated)
        tray.messageClicked.connect(self._on_message_clicked)
        return tray

    def window_hidden(self) -> None:
        """Says, once, where the app went when its window was closed."""
        if self.tray is not None and not self._told_where:
            self._told_where = True
            self._offering = False
            self.tray.showMessage("Back Care is still running",
                                  "It stays here to remind you of desk breaks. Quit it from "
                                  "this icon's menu.", self.tray.icon())

    def _on_message_clicked(self) -> None:
        if self._offering:
            self._offering = False
            self._commands.start_break()

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self._commands.show()

    def _set_autostart(self, enabled: bool) -> None:
        try:
            set_autostart(enabled)
        except OSError as error:
            self._commands.say(f"Could not {'add' if enabled else 'remove'} the autostart "
                               f"entry: {error.strerror or error}")


def attach_reminders(window: MainWindow, connection: QDBusConnection | None = None,
                     clock: Clock | None = None, idle: IdleSource | None = None) -> Reminders:
    """Reminders for `window`, following its settings and its sessions."""
    def start_break() -> None:
        window.bring_to_front()
        window.start_routine(ROUTINE_ID)

    commands = WindowCommands(start_break=start_break, show=window.bring_to_front,
                              quit=window.quit, say=window.show_message)
    reminders = Reminders(commands, Notifier(connection, window), idle or DesktopIdle(connection),
                          clock or AwakeOrAsleepClock(), window.windowIcon(), window)
    window.presenter.stage_changed.connect(reminders.follow)
    window.settings_applied.connect(lambda settings: reminders.configure(settings.reminders))
    reminders.configure(window.settings.reminders)
    window.reminders = reminders
    return reminders
