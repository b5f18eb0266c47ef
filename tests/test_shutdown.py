"""A logout or `kill` ends the app as Quit does, so the session is recorded and the place
kept."""

from __future__ import annotations

import os
import signal
import threading

from pytestqt.qtbot import QtBot

from backcare_desktop.desktop.shutdown import quit_on_terminate
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.ui.main_window import MainWindow
from backcare_desktop.voice.prepare import ClipPreparer, let_voices_finish
from tests.session_helpers import ClickVoice


def test_sigterm_quits_through_the_window_and_is_undone_after(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    asked: list[str] = []
    default = signal.getsignal(signal.SIGTERM)
    undo = quit_on_terminate(window, lambda: asked.append("quit"))
    try:
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # or the kill is fatal
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: asked == ["quit"], timeout=5000)
    finally:
        undo()
    assert signal.getsignal(signal.SIGTERM) == default


def test_quitting_lets_the_voice_finish_the_sentence_in_hand(timeline: Timeline) -> None:
    """The process must not end while Piper is mid-sentence: its native teardown aborts
    (a crash report on the desktop). Quit waits, bounded, for the clip in hand."""
    gate = threading.Event()
    preparer = ClipPreparer(timeline, ClickVoice(gate=gate), fallback=ClickVoice("fallback"))
    preparer.start()
    preparer.cancel()  # as closing the window does: the clip in hand is still being made
    assert not let_voices_finish(0.2)
    gate.set()
    assert let_voices_finish(5.0)
    assert preparer.done.is_set()
