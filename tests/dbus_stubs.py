"""Stand-ins for the desktop's services, run in their own process on a private session bus:
    python -m tests.dbus_stubs ADDRESS SERVICE... [--invoke ACTION] [--idle SECONDS]
Each call is printed as one line ("Inhibit Back Care ..."), so a test reads what the app
asked for. The argument types are the real interfaces' (uint32 where they say so): QtDBus
matches calls by signature, as the real services do, so a call with the wrong types fails
here as it would on a desktop.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection, QDBusObjectPath

from backcare_desktop.desktop.dbus import interface


def say(*words: object) -> None:
    print(*words, flush=True)


@interface("org.freedesktop.ScreenSaver")
class ScreenSaver(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, idle: int) -> None:
        super().__init__(parent)
        self._next = 0
        self._idle = idle

    @Slot(str, str, result="uint")
    def Inhibit(self, application: str, reason: str) -> int:
        self._next += 1
        say("Inhibit", self._next, application, "/", reason)
        return self._next

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:
        say("UnInhibit", cookie)

    @Slot(result="uint")
    def GetSessionIdleTime(self) -> int:
        return self._idle


@interface("org.gnome.Mutter.IdleMonitor")
class MutterIdle(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, idle: int) -> None:
        super().__init__(parent)
        self._idle = idle

    @Slot(result="qulonglong")
    def GetIdletime(self) -> int:
        return self._idle * 1000 + 500


@interface("org.freedesktop.portal.Inhibit")
class PortalInhibit(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, connection: QDBusConnection) -> None:
        super().__init__(parent)
        self._connection = connection
        self._requests: list[QObject] = []

    @Slot(str, "uint", "QVariantMap", result=QDBusObjectPath)
    def Inhibit(self, window: str, flags: int, options: dict[str, Any]) -> QDBusObjectPath:
        path = f"/org/freedesktop/portal/desktop/request/stub/{len(self._requests) + 1}"
        request = QObject(self)
        PortalRequest(request, path)
        self._requests.append(request)
        self._connection.registerObject(path, request,
                                        QDBusConnection.RegisterOption.ExportAdaptors)
        say("PortalInhibit", flags, options.get("reason"), path)
        return QDBusObjectPath(path)


@interface("org.freedesktop.portal.Request")
class PortalRequest(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, path: str) -> None:
        super().__init__(parent)
        self._path = path

    @Slot()
    def Close(self) -> None:
        say("PortalClose", self._path)


@interface("org.freedesktop.Notifications")
class Notifications(QDBusAbstractAdaptor):
    ActionInvoked = Signal("uint", str)
    NotificationClosed = Signal("uint", "uint")

    def __init__(self, parent: QObject, invoke: str, actions: bool) -> None:
        super().__init__(parent)
        self.setAutoRelaySignals(True)
        self._invoke = invoke
        self._actions = actions
        self._next = 40

    @Slot(result="QStringList")
    def GetCapabilities(self) -> list[str]:
        return ["actions", "body"] if self._actions else ["body"]

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app: str, replaces: int, icon: str, summary: str, body: str,
               actions: list[str], hints: dict[str, Any], timeout: int) -> int:
        self._next += 1
        number = self._next
        say("Notify", number, summary, "/", "|".join(actions))
        if self._invoke:
            QTimer.singleShot(0, lambda: self.ActionInvoked.emit(number, self._invoke))
        return number

    @Slot("uint")
    def CloseNotification(self, number: int) -> None:
        say("CloseNotification", number)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("services", nargs="+",
                        choices=["screensaver", "portal", "notifications", "mutter"])
    parser.add_argument("--invoke", default="", help="the action a notification's reader picks")
    parser.add_argument("--no-actions", action="store_true",
                        help="notifications without buttons (as some desktops have)")
    parser.add_argument("--idle", type=int, default=0, help="idle seconds the monitors tell")
    args = parser.parse_args()
    app = QCoreApplication(sys.argv[:1])
    connection = QDBusConnection.connectToBus(args.address, "stub")
    objects: list[QObject] = []

    def serve(name: str, path: str, adaptor: Any, *extra: object) -> None:
        owner = QObject()
        adaptor(owner, *extra)
        objects.append(owner)
        ok = (connection.registerService(name) and connection.registerObject(
            path, owner, QDBusConnection.RegisterOption.ExportAdaptors))
        assert ok, f"could not serve {name}"

    for service in args.services:
        if service == "screensaver":
            serve("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", ScreenSaver,
                  args.idle)
        elif service == "mutter":
            serve("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
                  MutterIdle, args.idle)
        elif service == "portal":
            serve("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                  PortalInhibit, connection)
        else:
            serve("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                  Notifications, args.invoke, not args.no_actions)
    say("ready")
    app.exec()


if __name__ == "__main__":
    main()
