"""Shared fixtures: routine files written on the fly, so each test states the data it needs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library, resolve_routine
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.live import SilentOutput
from backcare_desktop.session.player import ManualClock
from backcare_desktop.session.timeline import Timeline, compile_timeline
from backcare_desktop.settings import RoutineChoices, Settings
from backcare_desktop.ui.main_window import MainWindow
from backcare_desktop.voice.cache import ClipCache
from tests.dbus_helpers import bus, stubs  # noqa: F401  (fixtures for every test module)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

VALID_ROUTINE = """
id = "tiny"
title = "Tiny"
summary = "A short routine for tests."

[[steps]]
id = "breathe"
title = "Breathe"
instruction = "Breathe slowly."
duration = 40
min_duration = 20
max_duration = 80
position = "lying"
figure = { scene = "lying-rest" }
breathing = { pattern = "calm 4-6", lead_in = 5, spoken_cycles = 2 }

[[steps]]
id = "strokes"
title = "Strokes"
instruction = "Stroke your lower back."
duration = 30
min_duration = 10
max_duration = 60
position = "seated"
figure = { scene = "neck-strokes", pace = 5 }
sides = true
cues = [{ at = 5, text = "Keep it light." }, { before_end = 5, text = "Five seconds left." }]
"""

WriteRoutine = Callable[..., Path]


@pytest.fixture
def write_routine(tmp_path: Path) -> WriteRoutine:
    """Writes text (or bytes) to a routine file in a temporary folder and returns its path."""

    def write(content: str | bytes = VALID_ROUTINE, name: str = "tiny.toml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeps every test away from the real user's settings, routines and caches."""
    home = tmp_path_factory.mktemp("home")
    for variable, folder in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                             ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(variable, str(home / folder))


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> ClipCache:
    """One voice cache for the whole run, laid out as the app's own under XDG_CACHE_HOME, so
    the Piper cues several tests synthesise (the bundled routines' ones) are made once."""
    return ClipCache(tmp_path_factory.mktemp("shared-cache") / "backcare-desktop" / "voice")


@pytest.fixture
def tiny(write_routine: WriteRoutine) -> Routine:
    """The routine above, loaded through the same path as any user's file."""
    routine = resolve_routine(str(write_routine()))
    assert isinstance(routine, Routine)
    return routine


@pytest.fixture
def timeline(tiny: Routine) -> Timeline:
    return compile_timeline(tiny)


# The window, with a hand-held clock, no sound output and no voice ----------------------------


@pytest.fixture
def user_routines(tmp_path: Path) -> Path:
    """A user folder holding one broken routine file."""
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "broken"\ntitle = "Broken"\nsteps = []\n')
    return folder


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def window(qtbot: QtBot, clock: ManualClock, user_routines: Path) -> MainWindow:
    settings = Settings(voice="none", theme="light")
    settings.routines["desk-break"] = RoutineChoices(ambient="none")
    settings.routines["full-back-care"] = RoutineChoices(ambient="none")
    library = load_library(bundled_routines_dir(), user_routines)
    win = MainWindow(SilentOutput(clock), settings, library, save=False)
    qtbot.addWidget(win)
    win.show()
    return win
