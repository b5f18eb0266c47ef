"""Voice, tones and soundtrack volume sliders: in the set-up panel and, during a session, in
the session view's sound menu. Sliders move on a perceptual scale; settings keep linear gains."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QMenu, QSlider, QWidget

from backcare_desktop.audio.mixer import Volumes
from backcare_desktop.settings import VolumeSettings

CHANNELS = (("voice", "Voice"), ("tones", "Tones"), ("ambient", "Soundtrack"))


class VolumeControls(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.sliders: dict[str, QSlider] = {}
        for row, (name, text) in enumerate(CHANNELS):
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setMinimumWidth(160)
            slider.setAccessibleName(f"{text} volume")
            slider.setToolTip(f"{text} volume")
            slider.valueChanged.connect(self.changed)
            slider.installEventFilter(self)
            grid.addWidget(QLabel(text), row, 0)
            grid.addWidget(slider, row, 1)
            self.sliders[name] = slider

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In a menu (the session's Sound menu), Tab and Shift+Tab move between the sliders:
        the menu itself would take them to mean its next item, and it has only this one."""
        if (isinstance(event, QKeyEvent) and event.type() is QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
                and isinstance(self.window(), QMenu) and watched in self.sliders.values()):
            sliders = list(self.sliders.values())
            step = -1 if event.key() == Qt.Key.Key_Backtab else 1
            index = sliders.index(watched)  # type: ignore[arg-type]
            sliders[(index + step) % len(sliders)].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def show_volumes(self, volumes: VolumeSettings) -> None:
        for name, slider in self.sliders.items():
            with QSignalBlocker(slider):
                slider.setValue(round(Volumes.to_slider(getattr(volumes, name))))

    def volumes(self, master: float) -> VolumeSettings:
        gains = {name: Volumes.from_slider(slider.value()) for name, slider in self.sliders.items()}
        return VolumeSettings(**gains, master=master)
