"""A logout, a shutdown or `kill` (SIGTERM) ends the app as Quit does.

Without this the process dies where it stands: the session under way is never recorded in
the history, its resume point and any choice not yet saved are lost. That matters most for
an app that lives in the tray all day. Qt's event loop runs in C, where Python's own signal
handlers wait their turn, so the signal wakes the loop through a socket it watches.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


def quit_on_terminate(parent: QObject, quit_app: Callable[[], None]) -> Callable[[], None]:
    """Calls `quit_app` in the event loop when SIGTERM comes; returns what undoes it."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    previous_handler = signal.signal(signal.SIGTERM, lambda _number, _frame: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, parent)

    def woken() -> None:
        try:
            numbers = reader.recv(64)
        except BlockingIOError:
            return
        if signal.SIGTERM.value in numbers:
            quit_app()

    notifier.activated.connect(woken)

    def undo() -> None:
        notifier.setEnabled(False)
        signal.signal(signal.SIGTERM, previous_handler)
        signal.set_wakeup_fd(previous_fd)
        reader.close()
        writer.close()

    return undo
