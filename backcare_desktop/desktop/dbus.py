"""Calls to desktop services on the session bus, with the argument types the service declares.

PySide6 turns every Python int into a D-Bus int32, and services built on GDBus or QtDBus
refuse a call whose types differ from their declaration (an inhibitor's cookie, a portal's
flags and a notification's id are uint32). So a call goes through a QDBusInterface, which
reads the service's introspection data, and is invoked by its Qt signature, which carries
the declared types.

These calls block, bounded by TIMEOUT_MS (the first look at a service too); they are few (a
session's start and pause, a reminder every many minutes) and the services answer in
milliseconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, ClassInfo, QMetaObject, Qt
from PySide6.QtDBus import (
    QDBus,
    QDBusAbstractAdaptor,
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
)

log = logging.getLogger(__name__)

TIMEOUT_MS = 1000

_Adaptor = TypeVar("_Adaptor", bound=QDBusAbstractAdaptor)


def interface(name: str) -> Callable[[type[_Adaptor]], type[_Adaptor]]:
    """Names the D-Bus interface an adaptor serves. The key is not a Python name, so it goes in
    a dict; PySide6's stubs know only ClassInfo's keyword form, and not that it decorates."""
    return ClassInfo({"D-Bus Interface": name})  # type: ignore[call-arg, return-value]


class Service:
    """One interface of one object of a desktop service, or nothing when it is not there.

    It is looked up at its first use, and again at each use while it is missing: merely
    building one starts nothing (a notification daemon is started by the bus when first
    asked), and a service that comes later is found then."""

    def __init__(self, connection: QDBusConnection, service: str, path: str,
                 interface: str) -> None:
        self._connection = connection
        self._where = (service, path, interface)
        self._proxy: QDBusInterface | None = None
        self.name = f"{service} {interface}"

    def _found(self) -> QDBusInterface | None:
        if self._proxy is None and self._connection.isConnected() and self._answers():
            proxy = QDBusInterface(*self._where, self._connection)
            proxy.setTimeout(TIMEOUT_MS)
            if proxy.isValid() and (proxy.metaObject().methodCount()
                                    > proxy.metaObject().methodOffset()):
                self._proxy = proxy
        return self._proxy

    def _answers(self) -> bool:
        """Whether the service answers within TIMEOUT_MS (asking also starts one the bus
        starts on demand). QDBusInterface's own first look would wait 25 s for a hung one,
        with the window frozen."""
        service, path, _ = self._where
        probe = QDBusMessage.createMethodCall(service, path,
                                              "org.freedesktop.DBus.Introspectable",
                                              "Introspect")
        reply = self._connection.call(probe, QDBus.CallMode.Block, TIMEOUT_MS)
        return reply.type() == QDBusMessage.MessageType.ReplyMessage

    def offers(self, method: str) -> bool:
        """Whether the service declares `method` (given by name alone)."""
        proxy = self._found()
        if proxy is None:
            return False
        meta = proxy.metaObject()
        return any(bytes(meta.method(index).name().data()).decode() == method
                   for index in range(meta.methodOffset(), meta.methodCount()))

    def call(self, method: str, *arguments: tuple[str, object],
             returns: str | None = None) -> Any:
        """Calls `method` with (Qt type name, value) arguments; returns its result, or None
        when the call failed (logged: nothing here is worth bothering the person with)."""
        proxy = self._found()
        if proxy is None:
            return None
        typed = [Q_ARG(kind, value) for kind, value in arguments]
        try:
            if returns is None:
                result: Any = QMetaObject.invokeMethod(
                    proxy, method, Qt.ConnectionType.DirectConnection, *typed)
            else:
                result = QMetaObject.invokeMethod(
                    proxy, method, Qt.ConnectionType.DirectConnection,
                    Q_RETURN_ARG(returns), *typed)
        except RuntimeError as failure:  # the service went away, or changed its interface
            log.info("%s.%s failed: %s", self.name, method, failure)
            self._proxy = None  # looked up again next time
            return None
        error = proxy.lastError()
        if error.isValid():
            log.info("%s.%s failed: %s", self.name, method, error.message())
            return None
        return result
