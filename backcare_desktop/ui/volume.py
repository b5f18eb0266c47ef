"""Voice, tones and soundtrack volume sliders: in the set-up panel and, during a session, in
the session view's sound menu. Sliders move on a perceptual scale; settings keep linear gains."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QWidget

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
            grid.addWidget(QLabel(text), row, 0)
            grid.addWidget(slider, row, 1)
            self.sliders[name] = slider

    def show_volumes(self, volumes: VolumeSettings) -> None:
        for name, slider in self.sliders.items():
            with QSignalBlocker(slider):
                slider.setValue(round(Volumes.to_slider(getattr(volumes, name))))

    def volumes(self, master: float) -> VolumeSettings:
        gains = {name: Volumes.from_slider(slider.value()) for name, slider in self.sliders.items()}
        return VolumeSettings(**gains, master=master)
