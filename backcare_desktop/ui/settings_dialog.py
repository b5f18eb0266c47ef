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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backcare_desktop.audio.mixer import Volumes
from backcare_desktop.settings import ReminderSettings, Settings
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
        form.setVerticalSpacing(8)
        self.voice = _combo(VOICES, settings.voice, "Voice")
        form.addRow("Voice", self.voice)
        self.rate = _slider(80, 120, round(settings.speaking_rate * 100), "Speaking rate")
        rate_row = QHBoxLayout()
        rate_row.setSpacing(10)
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
        self.reduced_motion = QCheckBox("Reduce motion")
        self.reduced_motion.setToolTip("Keep the figure still: each step shows its key pose")
        self.reduced_motion.setChecked(settings.reduced_motion)
        session_row = QHBoxLayout()  # one row: the dialog must fit the smallest window
        session_row.addWidget(self.fullscreen)
        session_row.addWidget(self.reduced_motion)
        session_row.addStretch()
        form.addRow("", session_row)
        self.captions = QCheckBox("Show what the voice says as captions")
        self.captions.setChecked(settings.captions)
        form.addRow("", self.captions)
        self._add_reminder_rows(form, settings.reminders)
        layout.addLayout(form)
        layout.addSpacing(8)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add_reminder_rows(self, form: QFormLayout, reminders: ReminderSettings) -> None:
        """On/off, how often, and starting at login (which only means something when on)."""
        heading = label("DESK-BREAK REMINDERS", "eyebrow")
        heading.setContentsMargins(0, 12, 0, 0)
        form.addRow(heading)
        self.remind = QCheckBox("Remind me to take a desk break")
        self.remind.setChecked(reminders.enabled)
        form.addRow("", self.remind)
        self.remind_minutes = QSpinBox()
        self.remind_minutes.setAccessibleName("Minutes of active use between reminders")
        self.remind_minutes.setRange(10, 240)
        self.remind_minutes.setSingleStep(5)
        self.remind_minutes.setValue(reminders.minutes)
        self.remind_minutes.setSuffix(" minutes of active use")
        form.addRow("Every", self.remind_minutes)
        self.autostart = QCheckBox("Start Back Care in the tray when I log in")
        self.autostart.setChecked(reminders.autostart)
        form.addRow("", self.autostart)
        for row in (self.remind_minutes, self.autostart):
            row.setEnabled(reminders.enabled)
            self.remind.toggled.connect(row.setEnabled)

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
            "reminders": ReminderSettings(enabled=self.remind.isChecked(),
                                          minutes=self.remind_minutes.value(),
                                          autostart=self.autostart.isChecked()),
        })
