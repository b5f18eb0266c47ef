"""Keeping the screen awake while a session plays.

A person following a 20-minute session with eyes closed touches nothing, so the desktop
would blank and lock the screen midway. While the session plays the app holds an idle
inhibitor, and lets go the moment it pauses, stops, ends or fails: a paused session left
alone should let the screen rest as usual.

The XDG desktop portal's Inhibit is asked first (it works inside sandboxes and on GNOME and
KDE alike), then org.freedesktop.ScreenSaver; with neither, the session plays on and the
log says why.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtDBus import QDBusConnection, QDBusObjectPath

from backcare_desktop.desktop.dbus import Service
from backcare_desktop.session.live import Stage

log = logging.getLogger(__name__)

APP_NAME = "Back Care"
REASON = "A guided session is playing"
_PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
_PORTAL_IDLE = 8
"""The portal's flag for inhibiting idleness (screen saving and blanking), and only that:
inhibiting suspend too would make a manual suspend ask the person first."""


class _Inhibitor(Protocol):
    def hold(self) -> bool:
        """Asks the desktop to keep the screen awake; False when it refused."""
        ...

    def release(self) -> None:
        ...


class _Portal:
    def __init__(self, connection: QDBusConnection) -> None:
        self._connection = connection
        self._service = Service(connection, *_PORTAL, "org.freedesktop.portal.Inhibit")
        self._request: str | None = None

    def available(self) -> bool:
        return self._service.offers("Inhibit")

    def hold(self) -> bool:
        handle = self._service.call("Inhibit", ("QString", ""), ("uint", _PORTAL_IDLE),
                                    ("QVariantMap", {"reason": REASON}),
                                    returns="QDBusObjectPath")
        if isinstance(handle, QDBusObjectPath) and handle.path():
            self._request = handle.path()
            return True
        return False

    def release(self) -> None:
        if self._request is not None:
            Service(self._connection, _PORTAL[0], self._request,
                    "org.freedesktop.portal.Request").call("Close")
            self._request = None


class _ScreenSaver:
    def __init__(self, connection: QDBusConnection) -> None:
        self._service = Service(connection, "org.freedesktop.ScreenSaver",
                                "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver")
        self._cookie: int | None = None

    def available(self) -> bool:
        return self._service.offers("Inhibit")

    def hold(self) -> bool:
        cookie = self._service.call("Inhibit", ("QString", APP_NAME), ("QString", REASON),
                                    returns="uint")
        if isinstance(cookie, int):
            self._cookie = cookie
            return True
        return False

    def release(self) -> None:
        if self._cookie is not None:
            self._service.call("UnInhibit", ("uint", self._cookie))
            self._cookie = None


class ScreenKeeper(QObject):
    """Holds an idle inhibitor exactly while a session plays; connect `follow` to the
    presenter's stage_changed."""

    def __init__(self, connection: QDBusConnection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connection = connection or QDBusConnection.sessionBus()
        self._inhibitor: _Inhibitor | None = None
        self._looked = False
        self.holding = False

    def follow(self, stage: Stage, _reason: str = "") -> None:
        if stage is Stage.PLAYING:
            self.hold()
        else:
            self.release()

    def hold(self) -> None:
        if self.holding:
            return
        inhibitor = self._find()
        if inhibitor is None:
            return
        self.holding = inhibitor.hold()
        if not self.holding:
            log.info("the desktop refused to keep the screen awake; it may blank mid-session")

    def release(self) -> None:
        if self.holding and self._inhibitor is not None:
            self._inhibitor.release()
        self.holding = False

    def _find(self) -> _Inhibitor | None:
        """The desktop's inhibitor, looked for once, when the first session plays."""
        if not self._looked:
            self._looked = True
            if self._connection.isConnected():
                for candidate in (_Portal(self._connection), _ScreenSaver(self._connection)):
                    if candidate.available():
                        self._inhibitor = candidate
                        break
            if self._inhibitor is None:
                log.info("no screen-saver inhibitor on this desktop (no D-Bus session bus, "
                         "portal or org.freedesktop.ScreenSaver); the screen may blank "
                         "mid-session")
        return self._inhibitor
