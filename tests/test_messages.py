"""The message bar, the bridge to it, the log file and the exception hooks."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from backcare_desktop import logs
from backcare_desktop.errors import BackCareError, Level, Notice
from backcare_desktop.session.player import ManualClock
from backcare_desktop.ui.messages import MessageBar, MessageBridge, show_error_dialog
from backcare_desktop.ui.theme import DARK

Reports = list[tuple[str, str]]


class RecordingView:
    """A view that notes what it was given and on which thread."""

    def __init__(self) -> None:
        self.shown: list[Notice] = []
        self.crashes: list[Notice] = []
        self.threads: list[QThread] = []

    def show_message(self, message: Notice) -> None:
        self.shown.append(message)
        self.threads.append(QThread.currentThread())

    def show_crash(self, message: Notice) -> None:
        self.crashes.append(message)


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private log folder, and the root logger as it was afterwards."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield tmp_path / "state" / "backcare-desktop" / "log"
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def hooks() -> Iterator[tuple[Reports, Callable[[], None]]]:
    """The exception hooks installed with a recording report; put back whatever happens."""
    before = sys.excepthook, threading.excepthook
    reports: Reports = []
    uninstall = logs.install_exception_hooks(lambda short, detail: reports.append(
        (short, detail)))
    yield reports, uninstall
    uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    window = QWidget()
    window.setLayout(QVBoxLayout())
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(100.0)


@pytest.fixture
def bar(host: QWidget, clock: ManualClock) -> MessageBar:
    bar = MessageBar(clock, log_path=Path("/tmp/backcare.log"))
    layout = host.layout()
    assert layout is not None
    layout.addWidget(bar)
    return bar


@pytest.fixture(autouse=True)
def _no_dialog_left() -> Iterator[None]:
    yield
    for dialog in open_dialogs():
        dialog.close()


def open_dialogs() -> list[QDialog]:
    return [widget for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QDialog) and widget.isVisible()]


def visible_rows(bar: MessageBar) -> list[str]:
    return [row.accessibleName() for row in bar.findChildren(QWidget, "message")
            if row.isVisibleTo(bar)]


def button(bar: QWidget, name: str) -> QAbstractButton:
    for found in bar.findChildren(QAbstractButton):
        if found.accessibleName() == name and found.isVisibleTo(bar):
            return found
    raise AssertionError(f"no button {name!r}")


# The bar and the bridge ----------------------------------------------------------------------


def test_four_messages_at_start_are_all_there_none_overwritten(
        qtbot: QtBot, bar: MessageBar) -> None:
    bridge = MessageBridge()
    bridge.post(Level.WARNING, "No audio device: captions only.")
    bridge.post(Level.WARNING, "Your settings were damaged and moved aside.")
    bridge.post(Level.ERROR, "2 routine files could not be loaded.", "bad.toml: line 3")
    bridge.post(Level.INFO, "Piper is missing; using espeak-ng.")
    assert bar.isHidden()
    bridge.attach(bar)
    qtbot.waitUntil(lambda: len(bar.messages()) == 4)

    assert bar.isVisible()
    assert visible_rows(bar) == [  # the newest three, newest last, and the fold
        "Warning: Your settings were damaged and moved aside.",
        "Error: 2 routine files could not be loaded.",
        "Info: Piper is missing; using espeak-ng."]
    button(bar, "Show 1 more messages").click()
    assert visible_rows(bar)[0] == "Warning: No audio device: captions only."
    assert len(visible_rows(bar)) == 4
    button(bar, "Show fewer messages").click()
    assert len(visible_rows(bar)) == 3


def test_a_post_from_a_worker_thread_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge, view = MessageBridge(), RecordingView()
    bridge.attach(view)
    worker = threading.Thread(target=bridge.post, args=(Level.INFO, "Voice ready."))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(view.shown) == 1)
    assert view.shown == [Notice(Level.INFO, "Voice ready.")]
    assert view.threads == [gui_thread()]


def test_a_message_still_showing_is_not_repeated(qtbot: QtBot, bar: MessageBar,
                                                 clock: ManualClock) -> None:
    bridge = MessageBridge()
    for _ in range(2):  # waiting for a view ...
        bridge.post(Level.WARNING, "Soundtrack missing; using silence.")
    bridge.attach(bar)
    qtbot.waitUntil(lambda: bar.messages() != [])
    bridge.post(Level.WARNING, "Soundtrack missing; using silence.")  # ... and on show
    bridge.post(Level.INFO, "Soundtrack missing; using silence.")  # another level is another
    qtbot.waitUntil(lambda: len(bar.messages()) == 2)
    QApplication.processEvents()
    assert [m.level for m in bar.messages()] == [Level.WARNING, Level.INFO]

    clock.advance(25)
    bar.expire()
    assert bar.messages() == []
    bar.show_message(Notice(Level.INFO, "Soundtrack missing; using silence."))
    assert len(bar.messages()) == 1  # gone, so said again


def test_info_and_warnings_expire_errors_stay_until_dismissed(
        bar: MessageBar, clock: ManualClock) -> None:
    for level in Level:
        bar.show_message(Notice(level, f"A {level} message."))
    clock.advance(9.9)
    bar.expire()
    assert len(bar.messages()) == 3
    clock.advance(0.2)
    bar.expire()
    assert [m.level for m in bar.messages()] == [Level.WARNING, Level.ERROR]
    bar.show_message(Notice(Level.WARNING, "A warning message."))  # said again: full time
    clock.advance(19)
    bar.expire()
    assert [m.level for m in bar.messages()] == [Level.WARNING, Level.ERROR]
    clock.advance(1)
    bar.expire()
    clock.advance(3600)
    bar.expire()
    assert visible_rows(bar) == ["Error: A error message."]

    button(bar, "Dismiss: A error message.").click()
    assert bar.messages() == []
    assert bar.isHidden()


def test_the_detail_is_there_on_request_and_the_palette_is_followed(bar: MessageBar) -> None:
    bar.show_message(Notice(Level.ERROR, "Could not save your settings.", "disk full"))
    bar.set_palette(DARK)
    row = bar.findChildren(QWidget, "message")[0]
    assert row.accessibleDescription() == "Details available."
    button(bar, "Details of: Could not save your settings.").click()
    [details] = open_dialogs()
    text = details.findChild(QPlainTextEdit)
    assert text is not None and "disk full" in text.toPlainText()


def test_one_crash_dialog_at_a_time_the_rest_go_to_the_bar(qtbot: QtBot,
                                                           bar: MessageBar) -> None:
    bridge = MessageBridge()
    bridge.report("Something went wrong: ValueError: first", "Traceback one")
    bridge.attach(bar)  # a crash before the window existed still gets its dialog
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    bridge.report("Something went wrong: KeyError: second", "Traceback two")
    qtbot.waitUntil(lambda: len(bar.messages()) == 1)
    assert bar.messages() == [Notice(Level.ERROR, "Something went wrong: KeyError: second",
                                      "Traceback two")]
    [dialog] = open_dialogs()
    assert dialog.windowTitle() == "Something went wrong"
    assert not show_error_dialog(None, "third", "", None)
    dialog.close()
    assert show_error_dialog(None, "third", "", None)
    assert len(open_dialogs()) == 1


# The log and the exception hooks -------------------------------------------------------------


def test_logging_goes_to_a_rotating_file_once(log_folder: Path) -> None:
    path = logs.configure_logging()
    assert path == log_folder / "backcare.log"
    count = len(logging.getLogger().handlers)
    assert logs.configure_logging() == path
    assert len(logging.getLogger().handlers) == count
    logging.getLogger("backcare_desktop.test").info("hello from the test")
    flush()
    assert "hello from the test" in path.read_text(encoding="utf-8")


def test_a_folder_that_cannot_be_made_leaves_stderr_only(
        tmp_path: Path, log_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "file"))
    assert logs.configure_logging() is None
    assert logs.configure_logging() is None


class Emitter(QObject):
    fired = Signal()


def raise_value_error() -> None:
    raise ValueError("the slot broke\nsecond line " + "x" * 300)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_is_logged_and_reported(
        qtbot: QtBot, log_folder: Path, hooks: tuple[Reports, Callable[[], None]]) -> None:
    reports, _ = hooks
    path = logs.configure_logging()
    assert path is not None
    emitter = Emitter()
    emitter.fired.connect(raise_value_error)
    emitter.fired.emit()  # PySide6 calls sys.excepthook and carries on
    QTimer.singleShot(0, raise_value_error)
    qtbot.waitUntil(lambda: len(reports) == 2)

    short, detail = reports[0]
    assert short == "Something went wrong: ValueError: the slot broke"
    assert "Traceback" in detail and "raise_value_error" in detail
    flush()
    text = path.read_text(encoding="utf-8")
    assert "Uncaught exception in the main thread" in text
    assert "ValueError: the slot broke" in text and "raise_value_error" in text


def test_an_exception_in_a_thread_is_logged_and_reported(
        log_folder: Path, hooks: tuple[Reports, Callable[[], None]]) -> None:
    reports, _ = hooks
    path = logs.configure_logging()
    assert path is not None
    worker = threading.Thread(target=lambda: [][1], name="voice-worker")
    worker.start()
    worker.join()

    assert reports[0][0] == "Something went wrong: IndexError: list index out of range"
    flush()
    text = path.read_text(encoding="utf-8")
    assert "Uncaught exception in thread voice-worker" in text and "IndexError" in text


def test_a_long_message_is_cut_and_an_empty_one_left_out() -> None:
    short, _ = logs.describe(RuntimeError("y" * 500))
    assert len(short) < len("Something went wrong: RuntimeError: ") + logs.SHORT_LIMIT + 1
    assert short.endswith("…")
    assert logs.describe(RuntimeError())[0] == "Something went wrong: RuntimeError"


def test_a_backcare_error_keeps_its_own_words(
        hooks: tuple[Reports, Callable[[], None]]) -> None:
    reports, _ = hooks
    error = BackCareError("Could not open the soundtrack.", "ocean.ogg: no such file")
    sys.excepthook(BackCareError, error, None)
    worker = threading.Thread(target=raise_it, args=(error,))
    worker.start()
    worker.join()
    assert reports == [("Could not open the soundtrack.", "ocean.ogg: no such file")] * 2


def test_keyboard_interrupt_goes_to_the_previous_hook(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, trace: seen.append(kind))
    reports: Reports = []
    uninstall = logs.install_exception_hooks(lambda s, d: reports.append((s, d)))
    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    uninstall()
    assert seen == [KeyboardInterrupt] and reports == []


def test_a_failing_report_does_not_escape_the_hook(
        log_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    def broken(short: str, detail: str) -> None:
        raise OSError("the window is gone")

    uninstall = logs.install_exception_hooks(broken)
    try:
        sys.excepthook(ValueError, ValueError("first"), None)
    finally:
        uninstall()
    assert "The report of that exception failed too" in caplog.text


def gui_thread() -> QThread:
    app = QApplication.instance()
    assert app is not None
    return app.thread()


def raise_it(error: Exception) -> None:
    raise error


def flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()
