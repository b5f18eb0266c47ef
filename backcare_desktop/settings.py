"""The person's choices, kept between runs: one declared model, a version, and migrations.

Every setting is declared once with its type, bounds, default and meaning (the approach
qutebrowser takes), so validation and defaults come from the same place. The file is
readable JSON in the platform's config folder, written atomically. A file that is corrupt
or from an unknown version is moved aside with one line saying so, and defaults are used:
a broken settings file never stops the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backcare_desktop.paths import config_dir, write_atomically

SETTINGS_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class VolumeSettings(_Model):
    """Linear gains; the sliders show them on a perceptual scale."""

    voice: float = Field(1.0, ge=0, le=1, description="Spoken cues.")
    tones: float = Field(0.6, ge=0, le=1, description="Breathing tones and bells.")
    ambient: float = Field(0.5, ge=0, le=1, description="The ambient soundtrack.")
    master: float = Field(1.0, ge=0, le=1, description="Everything.")


class RoutineChoices(_Model):
    """What the person chose for one routine, remembered for next time."""

    step_durations: dict[str, float] = Field(default_factory=dict)
    fit_minutes: float | None = Field(None, gt=0, le=240)
    ambient: str = Field("rain", description="A bundled soundtrack id, 'none', or a file path.")


class Settings(_Model):
    version: int = SETTINGS_VERSION
    theme: Literal["system", "light", "dark"] = Field(
        "system", description="Follow the desktop's light or dark mode, or fix one.")
    start_fullscreen: bool = Field(False, description="Open sessions full screen.")
    captions: bool = Field(True, description="Show the spoken cue as a caption.")
    voice: Literal["piper", "espeak", "none"] = Field(
        "piper", description="Piper sounds natural; espeak-ng is robotic but tiny; none is silent.")
    speaking_rate: float = Field(1.0, ge=0.8, le=1.2, description="Slower or faster speech.")
    tone_style: Literal["soft", "bowl", "off"] = Field("soft", description="Breathing tones.")
    volumes: VolumeSettings = Field(default_factory=VolumeSettings)
    routines: dict[str, RoutineChoices] = Field(default_factory=dict)
    soundtracks: list[str] = Field(default_factory=list,
                                   description="The person's own audio files, by path.")

    def choices_for(self, routine_id: str) -> RoutineChoices:
        return self.routines.get(routine_id) or RoutineChoices()


# Renamed keys, oldest first: each maps an old file's data to the next version's shape.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> tuple[Settings, str]:
    """The settings, and a one-line message when the file had to be set aside ('' if not)."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), ""
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), _set_aside(path, f"could not be read ({error})")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        version = data.get("version", SETTINGS_VERSION)
        if not isinstance(version, int) or version > SETTINGS_VERSION or version < 1:
            return Settings(), _set_aside(path, f"is from an unknown version ({version!r})")
        while version < SETTINGS_VERSION:
            data = _MIGRATIONS[version](data)
            version += 1
        data["version"] = SETTINGS_VERSION
        return Settings.model_validate(data), ""
    except (ValueError, ValidationError) as error:
        first = str(error).splitlines()[0]
        return Settings(), _set_aside(path, f"is damaged ({first})")


def save_settings(settings: Settings, path: Path | None = None) -> None:
    text = json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True)
    write_atomically(path or settings_path(), (text + "\n").encode("utf-8"))


def _set_aside(path: Path, problem: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.{stamp}.bad")
    try:
        path.replace(aside)
    except OSError:
        return f"Settings file {path} {problem}; using defaults."
    return f"Settings file {path} {problem}; moved it to {aside.name} and used defaults."
