"""Desktop notifications with buttons (org.freedesktop.Notifications), for reminders.

A reminder is only useful if it can be answered where it appears, so `offers_actions` says
whether the desktop's notifications carry buttons; where they do not, the reminders use
the tray icon instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

from backcare_desktop.desktop.dbus import Service
from backcare_desktop.paths import assets_dir

log = logging.getLogger(__name__)

_SERVICE = ("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications")
DEFAULT_ACTION = "default"
"""What the desktop sends when the notification itself is clicked."""


class Notifier(QObject):
    action_invoked = Signal(str)
    """The key of the button the person pressed on our notification."""

    def __init__(self, connection: QDBusConnection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        connection = connection or QDBusConnection.sessionBus()
        self._service = Service(connection, *_SERVICE)
        self._shown: int | None = None
        if connection.isConnected():
            # PySide6 takes the slot as SLOT's text; its stubs say bytes, which it refuses.
            connection.connect(_SERVICE[0], _SERVICE[1], _SERVICE[2], "ActionInvoked", self,
                               SLOT("_on_action(uint,QString)"))  # type: ignore[call-overload]

    def offers_actions(self) -> bool:
        capabilities = self._service.call("GetCapabilities", returns="QStringList")
        return isinstance(capabilities, list) and "actions" in capabilities

    def show(self, summary: str, body: str, actions: Sequence[tuple[str, str]]) -> bool:
        """Shows (or replaces) our one notification; False when none could be shown."""
        number = self._service.call(
            "Notify", ("QString", "Back Care"), ("uint", self._shown or 0),
            ("QString", str(assets_dir() / "icon.svg")), ("QString", summary),
            ("QString", body), ("QStringList", [part for pair in actions for part in pair]),
            ("QVariantMap", {"desktop-entry": "backcare-desktop"}), ("int", -1),
            returns="uint")
        self._shown = number if isinstance(number, int) else None
        return self._shown is not None

    def withdraw(self) -> None:
        if self._shown is not None:
            self._service.call("CloseNotification", ("uint", self._shown))
            self._shown = None

    @Slot("uint", str)
    def _on_action(self, number: int, key: str) -> None:
        if number == self._shown:
            self._shown = None
            self.action_invoked.emit(key)
