"""Light and dark palettes, and the one stylesheet that dresses every view in them.

Colours live here only: widgets and the figure ask the palette for theirs, so a theme
change reaches everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from backcare_desktop.paths import assets_dir


@dataclass(frozen=True)
class Palette:
    name: str
    window: str
    surface: str
    raised: str
    text: str
    muted: str
    accent: str
    accent_text: str
    accent_soft: str
    border: str
    ink: str
    """Illustration strokes."""
    soft: str
    """Illustration floors, mats and furniture."""
    track: str
    """The unfilled part of rings and bars."""
    problem: str
    """Text that says something is wrong, beside the thing it is about."""


LIGHT = Palette(
    name="light", window="#F6F4F0", surface="#FFFFFF", raised="#FBFAF7", text="#1E2533",
    muted="#687084", accent="#4A7BD8", accent_text="#FFFFFF", accent_soft="#E3EBFA",
    border="#E5E1D8", ink="#2E3A4F", soft="#C9D6EE", track="#E9E5DD", problem="#A8461F",
)
DARK = Palette(
    name="dark", window="#12151C", surface="#1A1F2A", raised="#212735", text="#E9EDF5",
    muted="#98A1B5", accent="#80A7F4", accent_text="#0E1320", accent_soft="#27324B",
    border="#2A3142", ink="#DDE4F1", soft="#3B4868", track="#2A3140", problem="#F2A27A",
)


def resolve(theme: str) -> Palette:
    """'light', 'dark', or 'system' (whatever the desktop says, light if it says nothing)."""
    if theme == "dark":
        return DARK
    if theme == "light":
        return LIGHT
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and (
            app.styleHints().colorScheme() == Qt.ColorScheme.Dark):
        return DARK
    return LIGHT


def apply(app: QApplication, palette: Palette) -> None:
    qt_palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, palette.window),
                         (QPalette.ColorRole.Base, palette.surface),
                         (QPalette.ColorRole.AlternateBase, palette.raised),
                         (QPalette.ColorRole.Button, palette.surface),
                         (QPalette.ColorRole.Text, palette.text),
                         (QPalette.ColorRole.WindowText, palette.text),
                         (QPalette.ColorRole.ButtonText, palette.text),
                         (QPalette.ColorRole.PlaceholderText, palette.muted),
                         (QPalette.ColorRole.Highlight, palette.accent),
                         (QPalette.ColorRole.HighlightedText, palette.accent_text),
                         (QPalette.ColorRole.ToolTipBase, palette.raised),
                         (QPalette.ColorRole.ToolTipText, palette.text)):
        qt_palette.setColor(role, QColor(colour))
    app.setPalette(qt_palette)
    app.setStyleSheet(stylesheet(palette))


def _chevron(direction: str) -> str:
    return (assets_dir() / "ui" / f"chevron-{direction}.svg").as_posix()


def _check(p: Palette) -> str:
    return (assets_dir() / "ui" / f"check-{p.name}.svg").as_posix()


FONT_FAMILIES = ("Inter", "DejaVu Sans")
"""The app's type, first choice first (fonts-inter is installed with the app)."""


def stylesheet(p: Palette) -> str:
    families = ", ".join(f'"{family}"' for family in FONT_FAMILIES) + ", sans-serif"
    return f"""
    QWidget {{ color: {p.text}; font-family: {families};
               font-size: 14px; }}
    QMainWindow, QStackedWidget, #page {{ background: {p.window}; }}
    QLabel#muted, QLabel[role="muted"] {{ color: {p.muted}; }}
    QLabel[role="eyebrow"] {{ color: {p.muted}; font-size: 12px; font-weight: 600;
                             letter-spacing: 1px; }}
    QLabel[role="h1"] {{ font-size: 28px; font-weight: 600; }}
    QLabel[role="h2"] {{ font-size: 20px; font-weight: 600; }}
    QLabel[role="instruction"] {{ font-size: 26px; font-weight: 500; }}
    QLabel[role="caption"] {{ color: {p.muted}; font-size: 17px; font-style: italic; }}
    QLabel[role="problem"] {{ color: {p.problem}; }}
    QLabel[role="chip"] {{ background: {p.accent_soft}; color: {p.accent}; border-radius: 12px;
                          padding: 4px 12px; font-weight: 600; }}
    QLabel[role="hint"] {{ color: {p.muted}; font-size: 12px; }}
    QPushButton[role="chip"] {{ background: {p.raised}; border: 1px solid {p.border};
                               border-radius: 15px; padding: 0px; }}
    QPushButton[role="chip"]:checked {{ background: {p.accent}; color: {p.accent_text};
                                       border-color: {p.accent}; font-weight: 600; }}
    QTreeView {{ background: {p.surface}; alternate-background-color: {p.raised};
                border: 1px solid {p.border}; border-radius: 10px; }}
    QTreeView::item {{ padding: 5px 4px; border: none; }}
    QTreeView::item:selected {{ background: {p.accent_soft}; color: {p.text}; }}
    QHeaderView::section {{ background: {p.surface}; color: {p.muted}; border: none;
                           border-bottom: 1px solid {p.border}; padding: 6px 8px;
                           font-weight: 600; }}
    QFrame[role="card"], QRadioButton[role="card"] {{ background: {p.surface};
                          border: 1px solid {p.border}; border-radius: 14px; }}
    QRadioButton[role="card"][selected="true"] {{ border: 2px solid {p.accent}; }}
    QRadioButton[role="card"]:focus {{ background: {p.accent_soft}; }}
    QRadioButton[role="card"]:hover {{ border-color: {p.accent}; }}
    QFrame[role="note"] {{ background: {p.raised}; border: 1px solid {p.border};
                          border-radius: 10px; }}
    QFrame[role="panel"] {{ background: {p.surface}; border-left: 1px solid {p.border}; }}
    QFrame[role="card"][broken="true"] {{ background: {p.raised}; border-style: dashed; }}
    QLabel:disabled {{ color: {p.muted}; }}
    QPushButton {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: 10px;
                  padding: 8px 16px; }}
    QPushButton:hover {{ border-color: {p.accent}; }}
    QPushButton:focus {{ border: 2px solid {p.accent}; }}
    QPushButton:disabled {{ color: {p.muted}; }}
    QPushButton[role="primary"] {{ background: {p.accent}; color: {p.accent_text};
                                  border: none; font-weight: 600; padding: 11px 26px;
                                  font-size: 15px; }}
    QPushButton[role="primary"]:focus {{ border: 3px solid {p.text}; padding: 8px 23px; }}
    QPushButton[role="primary"]:disabled {{ background: {p.track}; color: {p.muted}; }}
    QToolButton {{ background: transparent; border: none; border-radius: 22px;
                  padding: 8px; }}
    QToolButton:hover {{ background: {p.accent_soft}; }}
    QToolButton:focus {{ background: {p.accent_soft}; border: 2px solid {p.accent}; }}
    QToolButton[role="primary"] {{ background: {p.accent}; border-radius: 32px; }}
    QToolButton[role="primary"]:focus {{ border: 3px solid {p.text}; }}
    QToolButton[popupMode="2"] {{ padding: 6px 24px 6px 12px; border-radius: 10px;
                                 border: 1px solid {p.border}; }}
    QToolButton::menu-indicator {{ image: url({_chevron("down")}); width: 10px; height: 10px;
                                  subcontrol-origin: padding; subcontrol-position: right center;
                                  right: 8px; }}
    QMenu {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: 10px; }}
    QSpinBox, QDoubleSpinBox, QComboBox {{ background: {p.raised}; border: 1px solid {p.border};
                  border-radius: 8px; padding: 5px 8px; min-height: 22px; }}
    QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{ border: 2px solid {p.accent}; }}
    QSpinBox {{ padding-right: 22px; }}
    QSpinBox:disabled, QDoubleSpinBox:disabled, QComboBox:disabled {{ color: {p.muted}; }}
    QSpinBox::up-button {{ subcontrol-origin: border; subcontrol-position: top right;
                          width: 20px; border: none; }}
    QSpinBox::down-button {{ subcontrol-origin: border; subcontrol-position: bottom right;
                            width: 20px; border: none; }}
    QSpinBox::up-arrow {{ image: url({_chevron("up")}); width: 10px; height: 10px; }}
    QSpinBox::down-arrow, QComboBox::down-arrow {{ image: url({_chevron("down")});
                                                  width: 10px; height: 10px; }}
    QComboBox::drop-down {{ border: none; width: 26px; }}
    QComboBox QAbstractItemView {{ background: {p.surface}; border: 1px solid {p.border};
                  selection-background-color: {p.accent_soft}; selection-color: {p.text};
                  outline: 0; padding: 4px; }}
    QComboBox QAbstractItemView::item {{ min-height: 26px; padding: 0 6px; }}
    QComboBoxPrivateContainer {{ background: {p.surface}; border: 1px solid {p.border}; }}
    QSlider:horizontal {{ min-height: 26px; border-radius: 6px; }}
    QSlider:focus {{ background: {p.accent_soft}; }}
    QSlider::groove:horizontal {{ height: 4px; background: {p.track}; border-radius: 2px; }}
    QSlider::sub-page:horizontal {{ background: {p.accent}; border-radius: 2px; }}
    QSlider::handle:horizontal {{ background: {p.surface}; border: 2px solid {p.accent};
                  width: 14px; height: 14px; margin: -7px 0; border-radius: 9px; }}
    QSlider::handle:horizontal:focus {{ background: {p.accent}; }}
    QProgressBar {{ background: {p.track}; border: none; border-radius: 3px; max-height: 6px;
                  text-align: center; color: transparent; }}
    QProgressBar::chunk {{ background: {p.accent}; border-radius: 3px; }}
    StepRing, SessionBar {{ max-height: 16777215px; }}
    QScrollArea {{ background: transparent; border: none; }}
    QScrollArea > QWidget > QWidget {{ background: transparent; }}
    QScrollBar:vertical {{ background: transparent; width: 10px; border: none; }}
    QScrollBar:horizontal {{ background: transparent; height: 10px; border: none; }}
    QScrollBar::handle {{ background: {p.soft}; border-radius: 5px; border: none; }}
    QScrollBar::handle:vertical {{ min-height: 30px; }}
    QScrollBar::handle:horizontal {{ min-width: 30px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ height: 0px; width: 0px; border: none; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QStatusBar {{ background: {p.window}; color: {p.muted}; }}
    QCheckBox {{ spacing: 8px; padding: 2px; border-radius: 6px; }}
    QCheckBox:focus {{ background: {p.accent_soft}; }}
    QCheckBox::indicator {{ width: 16px; height: 16px; border: 2px solid {p.muted};
                  border-radius: 4px; background: {p.surface}; }}
    QCheckBox::indicator:checked {{ background: {p.accent}; border-color: {p.accent};
                  image: url({_check(p)}); }}
    QToolTip {{ background: {p.raised}; color: {p.text}; border: 1px solid {p.border};
               padding: 4px 8px; }}
    QDialog {{ background: {p.window}; }}
    QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
    """
