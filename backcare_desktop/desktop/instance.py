"""One copy of the app at a time: starting it again brings the running window to the front.

Two copies would play over each other and write the same settings file. The running copy
owns a name on the session bus and serves the freedesktop Application interface (what
desktops call to activate an app); where there is no session bus, it holds a lock file and
listens on a local socket in the runtime folder. A second copy asks the first to come
forward and exits. Only the window is concerned: the command-line tools never get here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from backcare_desktop.desktop.dbus import Service, interface
from backcare_desktop.paths import runtime_dir

log = logging.getLogger(__name__)

APP_ID = "io.github.backcare.BackCare"
OBJECT_PATH = "/io/github/backcare/BackCare"
_INTERFACE = "org.freedesktop.Application"
_SOCKET_WAIT_MS = 1000
_ACTIVATE = b"activate"
_TOKEN = "XDG_ACTIVATION_TOKEN"
"""Where a launcher puts the token that lets a Wayland compositor give an app the focus; Qt
uses (and clears) it at the next activateWindow."""


class Instance(QObject):
    """The running copy's claim; `activated` fires when another copy (or the desktop)
    asks for the window. Without D-Bus it holds `lock` and listens on `socket`."""

    activated = Signal()

    def __init__(self, lock: QLockFile | None = None, socket: Path | None = None) -> None:
        super().__init__()
        self._lock = lock
        self._server: QLocalServer | None = None
        if socket is not None:
            QLocalServer.removeServer(str(socket))  # left by a copy that died; the lock is ours
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_connection)
            if not self._server.listen(str(socket)):
                log.info("cannot listen on %s: %s", socket, self._server.errorString())

    def _on_connection(self) -> None:
        assert self._server is not None
        while (client := self._server.nextPendingConnection()) is not None:
            client.readyRead.connect(lambda client=client: self._on_message(client))
            client.disconnected.connect(client.deleteLater)

    def activate(self, token: str = "") -> None:
        """Another copy's request; its launcher's activation token, passed on, lets the
        window really come forward on Wayland rather than only ask for attention."""
        if token:
            os.environ[_TOKEN] = token
        self.activated.emit()

    def _on_message(self, client: QLocalSocket) -> None:
        word, _, token = bytes(client.readAll().data()).decode(errors="replace").partition(" ")
        if word.strip() == _ACTIVATE.decode():
            self.activate(token.strip())


@interface(_INTERFACE)
class _Application(QDBusAbstractAdaptor):
    def __init__(self, instance: Instance) -> None:
        super().__init__(instance)
        self._instance = instance

    # The D-Bus interface's own method names, hence CamelCase.

    @Slot("QVariantMap")
    def Activate(self, platform_data: dict[str, Any]) -> None:
        self._instance.activate(str(platform_data.get("activation-token", "")))


def claim(connection: QDBusConnection | None = None,
          folder: Path | None = None, activate: bool = True) -> Instance | None:
    """This copy's claim to be the only one; None when another copy runs (and, with
    `activate`, was asked to show its window), so this one should exit.

    Without a session bus, or where it refuses the name, the lock file in `folder` (the
    runtime folder) decides. When neither works this copy runs anyway: a second window is
    better than none.
    """
    connection = connection or QDBusConnection.sessionBus()
    if connection.isConnected():
        instance = Instance()
        _Application(instance)
        if connection.registerService(APP_ID):
            connection.registerObject(OBJECT_PATH, instance,
                                      QDBusConnection.RegisterOption.ExportAdaptors)
            return instance
        if connection.interface().isServiceRegistered(APP_ID).value():
            if activate:
                token = os.environ.get(_TOKEN, "")
                Service(connection, APP_ID, OBJECT_PATH, _INTERFACE).call(
                    "Activate", ("QVariantMap", {"activation-token": token} if token else {}))
            return None
    return _claim_by_socket(folder or runtime_dir(), activate)


def _claim_by_socket(folder: Path, activate: bool) -> Instance | None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        log.info("no single-instance lock (%s); running anyway", error)
        return Instance()
    lock = QLockFile(str(folder / "instance.lock"))
    lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
    socket = folder / "instance.socket"
    if lock.tryLock(0):
        return Instance(lock, socket)
    if activate:
        _send_activate(socket)
    return None


def _send_activate(socket: Path) -> None:
    client = QLocalSocket()
    client.connectToServer(str(socket))
    if client.waitForConnected(_SOCKET_WAIT_MS):
        client.write(b" ".join([_ACTIVATE, os.environ.get(_TOKEN, "").encode()]) + b"\n")
        client.waitForBytesWritten(_SOCKET_WAIT_MS)
        client.disconnectFromServer()
    else:
        log.info("another copy holds the lock but does not answer on %s", socket)
