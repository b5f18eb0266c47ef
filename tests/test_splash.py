"""The starting card: on screen before the slow imports, in the person's theme."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from backcare_desktop.paths import settings_path
from backcare_desktop.ui.splash import show_splash
from backcare_desktop.ui.theme import DARK, LIGHT


def _corner_colour(qtbot: QtBot) -> QColor:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    splash = show_splash(app)
    qtbot.addWidget(splash)
    assert isinstance(splash, QLabel) and splash.isVisible()
    image = splash.pixmap().toImage()
    return image.pixelColor(image.width() // 2, 8)


def test_the_card_wears_the_theme_the_person_chose(qtbot: QtBot) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text('{"theme": "dark", "voice": "joe"}')
    assert _corner_colour(qtbot) == QColor(DARK.window)


@pytest.mark.parametrize("content", ['{"theme": "purple"}', "{not json", "[1, 2]", None,
                                     "[" * 200_000])
def test_an_unreadable_choice_means_the_desktops_own(qtbot: QtBot, content: str | None) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        os.mkfifo(path)  # a read would block for ever
    else:
        path.write_text(content)
    assert _corner_colour(qtbot) == QColor(LIGHT.window)  # offscreen says nothing: light


def test_the_card_needs_none_of_the_slow_imports() -> None:
    """It is there to cover NumPy, pydantic and the sound modules loading: importing any of
    them first would make it late by exactly what it covers."""
    probe = ("import sys, backcare_desktop.ui.splash; "
             "print(sorted(m for m in ('numpy', 'pydantic', 'backcare_desktop.settings', "
             "'backcare_desktop.ui.main_window') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert found.stdout.strip() == "[]"
