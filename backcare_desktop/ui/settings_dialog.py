"""The settings dialog: voice, sound, look. It edits a copy and hands it back on OK."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.audio.mixer import Volumes
from backcare_desktop.settings import Settings
from backcare_desktop.ui.library import label

VOICES = (("piper", "Natural (Piper)"), ("espeak", "Robotic (espeak-ng)"),
          ("none", "No voice: captions and tones only"))
TONES = (("soft", "Soft sine"), ("bowl", "Singing bowl"), ("off", "Off"))
THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


def _combo(options: tuple[tuple[str, str], ...], current: str, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, text in options:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _slider(minimum: int, maximum: int, value: int, name: str) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(minimum, maximum)
    slider.setValue(value)
    slider.setAccessibleName(name)
    slider.setToolTip(name)
    return slider


class SettingsDialog(QDialog):
    preview_voice = Signal(str, float)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(460)
        self._settings = settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(label("Settings", "h2"))
        form = QFormLayout()
        form.setVerticalSpacing(12)
        self.voice = _combo(VOICES, settings.voice, "Voice")
        form.addRow("Voice", self.voice)
        self.rate = _slider(80, 120, round(settings.speaking_rate * 100), "Speaking rate")
        rate_row = QHBoxLayout()
        rate_row.addWidget(label("Slower", "muted"))
        rate_row.addWidget(self.rate)
        rate_row.addWidget(label("Faster", "muted"))
        preview = QPushButton("Preview")
        preview.setToolTip("Hear the voice at this rate")
        preview.clicked.connect(lambda: self.preview_voice.emit(self.voice.currentData(),
                                                                self.rate.value() / 100))
        rate_row.addWidget(preview)
        form.addRow("Speaking rate", rate_row)
        self.master = _slider(0, 100, round(Volumes.to_slider(settings.volumes.master)),
                              "Master volume")
        form.addRow("Master volume", self.master)
        self.tones = _combo(TONES, settings.tone_style, "Breathing tones")
        form.addRow("Breathing tones", self.tones)
        self.theme = _combo(THEMES, settings.theme, "Theme")
        form.addRow("Theme", self.theme)
        self.fullscreen = QCheckBox("Start sessions full screen")
        self.fullscreen.setChecked(settings.start_fullscreen)
        form.addRow("", self.fullscreen)
        self.captions = QCheckBox("Show what the voice says as captions")
        self.captions.setChecked(settings.captions)
        form.addRow("", self.captions)
        self.reduced_motion = QCheckBox("Reduce motion: keep the figure still")
        self.reduced_motion.setToolTip("Each step shows its key pose without moving")
        self.reduced_motion.setChecked(settings.reduced_motion)
        form.addRow("", self.reduced_motion)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def result_settings(self) -> Settings:
        volumes = self._settings.volumes.model_copy(
            update={"master": Volumes.from_slider(self.master.value())})
        return self._settings.model_copy(update={
            "voice": self.voice.currentData(),
            "speaking_rate": self.rate.value() / 100,
            "tone_style": self.tones.currentData(),
            "theme": self.theme.currentData(),
            "start_fullscreen": self.fullscreen.isChecked(),
            "captions": self.captions.isChecked(),
            "reduced_motion": self.reduced_motion.isChecked(),
            "volumes": volumes,
        })
