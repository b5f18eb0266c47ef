"""How long the person has not touched the keyboard or mouse, from the desktop's idle monitor:
GNOME's (Mutter) or the freedesktop screen saver's (KDE and others, each in its own unit).
Where neither answers, None, and the break timer counts wall-clock time instead."""

from __future__ import annotations

import os

from PySide6.QtDBus import QDBusConnection

from backcare_desktop.desktop.dbus import Service


class DesktopIdle:
    def __init__(self, connection: QDBusConnection | None = None) -> None:
        connection = connection or QDBusConnection.sessionBus()
        self._mutter = Service(connection, "org.gnome.Mutter.IdleMonitor",
                               "/org/gnome/Mutter/IdleMonitor/Core",
                               "org.gnome.Mutter.IdleMonitor")
        self._screen_saver = Service(connection, "org.freedesktop.ScreenSaver",
                                     "/org/freedesktop/ScreenSaver",
                                     "org.freedesktop.ScreenSaver")

    def idle_seconds(self) -> float | None:
        if self._mutter.offers("GetIdletime"):
            milliseconds = self._mutter.call("GetIdletime", returns="qulonglong")
            if isinstance(milliseconds, int):
                return milliseconds / 1000
        if self._screen_saver.offers("GetSessionIdleTime"):
            count = self._screen_saver.call("GetSessionIdleTime", returns="uint")
            if isinstance(count, int):
                return count / 1000 if _counts_milliseconds() else float(count)
        return None


def _counts_milliseconds() -> bool:
    """KDE's screen locker answers GetSessionIdleTime in milliseconds (KIdleTime's unit);
    the others that offer it (xfce4-screensaver, gnome-screensaver) in seconds."""
    return "KDE" in os.environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":")
