"""The log file, and the hooks that turn an uncaught exception into a log entry and a report.

Without these, an exception in a Qt slot or a worker thread printed a traceback to a
terminal nobody watches and the window went on as if nothing had happened. Now every such
exception is written, traceback and all, to a small rotating file a person can send, and
handed to `report` as a short line and a detail for the window to show.

This module does not import Qt: the command line uses it too.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TextIO

import platformdirs

from backcare_desktop.errors import BackCareError
from backcare_desktop.paths import APP_NAME

LOG_NAME = "backcare.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
SHORT_LIMIT = 120
"""The most characters of an exception's message that go into its short line."""

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_log = logging.getLogger("backcare_desktop")

Report = Callable[[str, str], None]
"""Takes a short line and a detail; may be called from any thread."""


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Ours, told apart from handlers that others (pytest, a host program) put on the root."""


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Sends the root logger to `backcare.log` in the user's log folder and, from WARNING
    up, to stderr; returns the file's path, or None when only stderr could be had.

    A second call changes nothing (the window and the command line may both call it). A
    folder that cannot be made or a file that cannot be written costs the file, never the
    start of the app: logging is there to explain failures, not to cause one.
    """
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, _StderrHandler):
            return _file_of(root)
    formatter = logging.Formatter(_FORMAT)
    stderr = _StderrHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(formatter)
    root.setLevel(level)
    path = Path(platformdirs.user_log_dir(APP_NAME)) / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                   encoding="utf-8")
    except OSError as error:
        root.addHandler(stderr)
        _log.warning("No log file (%s); logging to stderr only.", error)
        return None
    file.setFormatter(formatter)
    root.addHandler(file)
    root.addHandler(stderr)
    return path


def _file_of(root: logging.Logger) -> Path | None:
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def describe(error: BaseException) -> tuple[str, str]:
    """The short line and the detail for an exception: a BackCareError says its own; for
    anything else, which is a bug, the type and the start of the message, and the traceback.
    """
    if isinstance(error, BackCareError):
        return error.short, error.detail
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > SHORT_LIMIT:
        message = message[:SHORT_LIMIT - 1].rstrip() + "…"
    name = type(error).__name__
    short = f"Something went wrong: {name}: {message}" if message else (
        f"Something went wrong: {name}")
    detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return short, detail.rstrip()


def install_exception_hooks(report: Report) -> Callable[[], None]:
    """Logs every uncaught exception with its traceback and hands `describe(exception)` to
    `report`: from the main thread, from Qt slots (PySide6 sends those through
    sys.excepthook and carries on) and from `threading` threads (on their own thread, so
    `report` must be safe to call from any thread).

    KeyboardInterrupt, SystemExit and the like go to the hooks that were there before.
    Returns a function that puts those hooks back.
    """
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        if not isinstance(error, Exception):
            previous_hook(kind, error, trace)
            return
        _handle(report, error, trace, "the main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        error = args.exc_value
        if not isinstance(error, Exception):
            previous_thread_hook(args)
            return
        name = args.thread.name if args.thread is not None else "a thread"
        _handle(report, error, args.exc_traceback, f"thread {name}")

    sys.excepthook = hook
    threading.excepthook = thread_hook

    def uninstall() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook

    return uninstall


def _handle(report: Report, error: Exception, trace: TracebackType | None,
            where: str) -> None:
    """Never raises: an exception out of an excepthook is printed and lost, and this one
    may be reporting the only clue there is."""
    if error.__traceback__ is None:
        error = error.with_traceback(trace)
    _log.error("Uncaught exception in %s", where, exc_info=(type(error), error, trace))
    try:
        report(*describe(error))
    except Exception:
        _log.exception("The report of that exception failed too")
