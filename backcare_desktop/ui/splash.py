"""A first frame within a moment of the start.

The window needs NumPy, pydantic, the routines and the sound modules before it can draw
anything (about half a second on a quiet machine, seconds on a busy one), and a click on the
menu entry that shows nothing for that long reads as a click that missed. This card needs
only Qt, so it is on screen almost as soon as a bare Qt window would be, in the person's
theme, and goes as the window comes.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from backcare_desktop.paths import (
    MAX_SETTINGS_BYTES,
    UnreadableFile,
    assets_dir,
    read_bounded,
    settings_path,
)
from backcare_desktop.ui.theme import FONT_FAMILIES, Palette, resolve

_WIDTH, _HEIGHT = 420, 240


def show_splash(app: QApplication) -> QWidget:
    """Shows the card in the middle of the screen and lets it paint before the slow imports
    begin; closing it is the caller's. (Not QSplashScreen: its show() blocks up to a second
    waiting for an expose event that some platforms never send.)"""
    splash = QLabel()
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setAccessibleName("Back Care is starting")
    splash.setPixmap(_card(resolve(_theme_choice())))
    splash.resize(_WIDTH, _HEIGHT)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        splash.move(screen.availableGeometry().center() - splash.rect().center())
    splash.show()
    app.processEvents()
    return splash


def _theme_choice() -> str:
    """The theme the person chose, read without the settings model (that import is part of
    what the card covers); anything unreadable means the desktop's own, as the settings
    loader would decide."""
    try:
        saved = json.loads(read_bounded(settings_path(), MAX_SETTINGS_BYTES))
    except (OSError, UnreadableFile, ValueError, RecursionError):
        return "system"  # the settings loader says what is wrong with the file, after this
    theme = saved.get("theme") if isinstance(saved, dict) else None
    return theme if theme in {"light", "dark"} else "system"


def _card(palette: Palette) -> QPixmap:
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    pixmap = QPixmap(round(_WIDTH * ratio), round(_HEIGHT * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor(palette.window))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(palette.border), 1))
    painter.drawRect(QRectF(0.5, 0.5, _WIDTH - 1, _HEIGHT - 1))
    icon = QIcon(str(assets_dir() / "icon.svg"))
    painter.drawPixmap(_WIDTH // 2 - 36, 44, icon.pixmap(72, 72))
    title = QFont()
    title.setFamilies(list(FONT_FAMILIES))
    title.setPointSize(20)
    title.setWeight(QFont.Weight.DemiBold)
    painter.setFont(title)
    painter.setPen(QColor(palette.text))
    painter.drawText(QRectF(0, 132, _WIDTH, 36), Qt.AlignmentFlag.AlignCenter, "Back Care")
    note = QFont(title)
    note.setPointSize(11)
    note.setWeight(QFont.Weight.Normal)
    painter.setFont(note)
    painter.setPen(QColor(palette.muted))
    painter.drawText(QRectF(0, 172, _WIDTH, 24), Qt.AlignmentFlag.AlignCenter,
                     "Getting your session ready…")
    painter.end()
    return pixmap
