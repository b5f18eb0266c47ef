"""The settings file: whatever it holds, the app starts, and one bad value costs only itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzzing
from hypothesis import strategies as st

from backcare_desktop.paths import MAX_SETTINGS_BYTES, bundled_routines_dir, clean_leftovers
from backcare_desktop.routines.loader import Library, load_library
from backcare_desktop.session.timeline import AdjustmentError, Adjustments, compile_timeline
from backcare_desktop.settings import (
    RoutineChoices,
    Settings,
    heal,
    load_settings,
    save_settings,
)

DESK = "Desk break: neck and shoulders"
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The bundled routines, and no user ones."""
    return load_library(bundled_routines_dir(), tmp_path_factory.mktemp("no-user-routines"))


def compile_all(settings: Settings, library: Library) -> None:
    """What the window does at start: a timeline for every routine, from the choices."""
    for item in library.routines:
        choices = settings.choices_for(item.routine.id)
        compile_timeline(item.routine, Adjustments(choices.step_durations, choices.fit_minutes))


def bad_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.glob("settings.json.*.bad")}


# Choices the routines no longer allow --------------------------------------------------------


def test_a_duration_for_a_renamed_step_is_forgotten_alone(tmp_path: Path,
                                                          library: Library) -> None:
    path = tmp_path / "settings.json"
    saved = Settings(theme="dark")
    saved.routines["desk-break"] = RoutineChoices(
        step_durations={"neck-rolls": 90, "shoulder-rolls": 100}, ambient="ocean")
    save_settings(saved, path)
    loaded, message = load_settings(path)
    assert message == "" and loaded == saved, "the file itself is valid"
    with pytest.raises(AdjustmentError):
        compile_all(loaded, library)  # what crashed the app at every start

    assert heal(loaded, library) == [
        f'Forgot your 90 s for "Neck rolls" in "{DESK}": the routine changed.']
    assert loaded.routines["desk-break"] == RoutineChoices(
        step_durations={"shoulder-rolls": 100}, ambient="ocean")
    assert loaded.theme == "dark"
    compile_all(loaded, library)
    assert heal(loaded, library) == [], "said once"


@pytest.mark.parametrize(("choice", "line"), [
    ({"step_durations": {"sit-tall": 300.0}},
     f'Forgot your 300 s for "Sit tall" in "{DESK}": it can be 38 to 90 s now.'),
    ({"step_durations": {"sit-tall": 20.0}},
     f'Forgot your 20 s for "Sit tall" in "{DESK}": it can be 38 to 90 s now.'),
    ({"step_durations": {"sit-tall": float("nan")}},
     f'Forgot your nan s for "Sit tall" in "{DESK}": that is not a length of time.'),
    ({"step_durations": {"sit-tall": float("-inf")}},
     f'Forgot your -inf s for "Sit tall" in "{DESK}": that is not a length of time.'),
    ({"fit_minutes": 2000.0},
     f'Forgot your fit to 2000 minutes for "{DESK}": no session can take that long.'),
    ({"fit_minutes": float("nan")},
     f'Forgot your fit to nan minutes for "{DESK}": no session can take that long.'),
    ({"ambient": "thunder"},
     f'Forgot your soundtrack "thunder" for "{DESK}": it is no longer there.'),
    ({"ambient": "/nowhere/my_waves.ogg"},
     f'Forgot your soundtrack "my_waves" for "{DESK}": it is no longer there.'),
    ({"ambient": "~no-such-user-here/waves.ogg"},
     f'Forgot your soundtrack "waves" for "{DESK}": it is no longer there.'),
    ({"ambient": "/" + "w" * 5000 + ".ogg"},
     f'Forgot your soundtrack "{"w" * 5000}" for "{DESK}": it is no longer there.'),
])
def test_each_choice_that_no_longer_fits_is_forgotten_alone(
        choice: dict[str, Any], line: str, library: Library) -> None:
    """Built without validation, as a future bug or migration might: heal still copes."""
    durations: dict[str, object] = {"reset": 60.0, **choice.get("step_durations", {})}
    both = {"step_durations": durations, "fit_minutes": choice.get("fit_minutes", 10.0),
            "ambient": choice.get("ambient", "ocean")}
    settings = Settings()
    settings.routines["desk-break"] = RoutineChoices.model_construct(**both)
    assert heal(settings, library) == [line]
    survivors = settings.routines["desk-break"]
    assert survivors.step_durations == {"reset": 60.0}
    defaults = RoutineChoices()
    assert survivors.fit_minutes == (None if "fit_minutes" in choice else 10.0)
    assert survivors.ambient == (defaults.ambient if "ambient" in choice else "ocean")
    compile_all(settings, library)


def test_choices_that_still_fit_are_kept(tmp_path: Path, library: Library) -> None:
    own = tmp_path / "my_waves.ogg"
    own.write_bytes(b"kept")
    settings = Settings()
    settings.routines["desk-break"] = RoutineChoices(
        step_durations={"sit-tall": 38, "reset": 118}, fit_minutes=240, ambient=str(own))
    settings.routines["breathe-and-unwind"] = RoutineChoices(ambient="none")
    settings.routines["my-own"] = RoutineChoices(step_durations={"gone": 5}, ambient="thunder")
    before = settings.model_copy(deep=True)
    assert heal(settings, library) == []
    assert settings == before, "a routine missing from the library (broken for now) keeps all"


@fuzzing(max_examples=200, deadline=None)
@given(choices=st.dictionaries(
    st.sampled_from(["desk-break", "full-back-care", "breathe-and-unwind", "my-own"]),
    st.fixed_dictionaries({
        "step_durations": st.dictionaries(
            st.sampled_from(["sit-tall", "reset", "arrive", "rest", "neck-rolls", "x"]),
            st.floats(), max_size=4),
        "fit_minutes": st.none() | st.floats(),
        "ambient": st.sampled_from(["rain", "none", "thunder", "/nowhere.ogg", "~x/y"]),
    })))
def test_after_healing_every_timeline_compiles(choices: dict[str, dict[str, Any]],
                                               library: Library) -> None:
    settings = Settings()
    for routine_id, fields in choices.items():
        settings.routines[routine_id] = RoutineChoices.model_construct(**fields)
    forgotten = heal(settings, library)
    compile_all(settings, library)
    dropped = 0
    for routine_id, fields in choices.items():
        healed = settings.routines[routine_id]
        assert healed.step_durations.items() <= fields["step_durations"].items(), "only forgets"
        dropped += len(fields["step_durations"]) - len(healed.step_durations)
        dropped += fields["fit_minutes"] is not None and healed.fit_minutes is None
        dropped += healed.ambient != fields["ambient"]
    assert len(forgotten) == dropped, "one line per choice forgotten"


# A file that holds something unusable -------------------------------------------------------


@pytest.mark.parametrize("spelled", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_breathing_duration_is_forgotten_alone(tmp_path: Path, library: Library,
                                                            spelled: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1, "theme": "dark", "routines": {"desk-break": '
                    f'{{"step_durations": {{"sit-tall": {spelled}, "reset": 60}}, '
                    '"ambient": "ocean"}}}')
    loaded, message = load_settings(path)
    assert message == (f'Setting "routines.desk-break.step_durations.sit-tall" was {spelled} '
                       "(not a finite number); forgot it.")
    assert path.exists(), "a usable file stays where it is"
    assert loaded.theme == "dark"
    assert loaded.routines["desk-break"] == RoutineChoices(step_durations={"reset": 60},
                                                           ambient="ocean")
    assert heal(loaded, library) == []
    compile_all(loaded, library)


def test_one_bad_field_costs_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "version": 1,
        "theme": "purple",
        "speaking_rate": 0.9,
        "captions": False,
        "volumes": {"voice": 7, "tones": 0.3},
        "routines": {
            "desk-break": {"step_durations": {"reset": 60, "sit-tall": "long"},
                           "fit_minutes": -3, "ambient": "ocean"},
            "full-back-care": "garbage",
            "breathe-and-unwind": {"ambient": "none"},
        },
        "soundtracks": {"not": "a list"},
        "from-a-newer-minor-version": True,
    }))
    loaded, message = load_settings(path)
    assert message.splitlines() == [
        'Setting "theme" was "purple" (input should be \'system\', \'light\' or \'dark\'); '
        'using "system".',
        'Setting "volumes.voice" was 7 (input should be less than or equal to 1); using 1.0.',
        'Setting "routines.desk-break.step_durations.sit-tall" was "long" (input should be a '
        "valid number, unable to parse string as a number); forgot it.",
        'Setting "routines.desk-break.fit_minutes" was -3 (input should be greater than 0); '
        "using null.",
        'Setting "routines.full-back-care" was "garbage" (input should be a valid dictionary '
        "or instance of RoutineChoices); forgot it.",
        'Setting "soundtracks" was {\'not\': \'a list\'} (input should be a valid list); '
        "using [].",
    ]
    assert path.exists() and not bad_files(tmp_path)
    assert (loaded.theme, loaded.speaking_rate, loaded.captions) == ("system", 0.9, False)
    assert (loaded.volumes.voice, loaded.volumes.tones) == (1.0, 0.3)
    assert loaded.routines == {
        "desk-break": RoutineChoices(step_durations={"reset": 60}, ambient="ocean"),
        "breathe-and-unwind": RoutineChoices(ambient="none"),
    }
    assert loaded.soundtracks == []


def test_reduced_motion_is_kept_and_healed_like_any_setting(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "reduced_motion": True, "captions": False}))
    assert load_settings(path)[0].reduced_motion is True
    path.write_text(json.dumps({"version": 1, "reduced_motion": "sometimes", "captions": False}))
    loaded, message = load_settings(path)
    assert message.startswith('Setting "reduced_motion" was "sometimes" (')
    assert message.endswith("using false.")
    assert (loaded.reduced_motion, loaded.captions) == (False, False)


def test_many_bad_fields_are_counted_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"routines": {f"r{index}": 1 for index in range(40)}}))
    _, message = load_settings(path)
    lines = message.splitlines()
    assert len(lines) == 6 and lines[-1] == "…and 35 more settings were not usable."


def test_every_line_is_one_line_of_text(tmp_path: Path, library: Library) -> None:
    """JSON escapes can spell a line break or a lone surrogate, which Qt cannot show."""
    path = tmp_path / "settings.json"
    path.write_text(r'{"routines": {"a\nb\ud800": 1, "desk-break": {"step_durations": '
                    r'{"x\ny": 60}, "ambient": "/gone/a\nb.ogg"}}}')
    loaded, message = load_settings(path)
    assert message == (r'Setting "routines.a\nb\ud800" was 1 (input should be a valid '
                       "dictionary or instance of RoutineChoices); forgot it.")
    assert heal(loaded, library) == [
        rf'Forgot your 60 s for "X\ny" in "{DESK}": the routine changed.',
        rf'Forgot your soundtrack "a\nb" for "{DESK}": it is no longer there.']


@pytest.mark.parametrize(("content", "problem"), [
    (b"[" * 100_000, "is damaged (nested too deeply)"),
    (b'{"routines": {"desk-break": ' + b'{"a": ' * 50_000, "is damaged (nested too deeply)"),
    (b"{ not json", "is damaged (Expecting property name enclosed in double quotes"),
    (b"", "is damaged (Expecting value"),
    (b"\xff\xfe\x00garbage", "is damaged ('utf-8' codec can't decode byte 0xff"),
    (b"[1, 2]", "is damaged (not a JSON object)"),
    (b'"settings"', "is damaged (not a JSON object)"),
    (b'{"version": 2}', "is from an unknown version (2)"),
    (b'{"version": "1"}', 'is from an unknown version ("1")'),
    (b'{"version": 1e999}', "is from an unknown version (1e999)"),
    (b'{"version": true}', "is from an unknown version (true)"),
])
def test_an_unusable_file_is_moved_aside_with_one_line(tmp_path: Path, content: bytes,
                                                       problem: str) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    loaded, message = load_settings(path)
    assert loaded == Settings()
    assert message.startswith(f"Settings file {path} {problem}") and "\n" not in message
    assert not path.exists()
    [(name, kept)] = bad_files(tmp_path).items()
    assert kept == content and message.endswith(f"moved it to {name} and used defaults.")


def test_a_byte_order_mark_is_no_damage(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'\xef\xbb\xbf{"theme": "dark"}')
    assert load_settings(path) == (Settings(theme="dark"), "")


def test_files_set_aside_in_the_same_second_keep_their_own_names(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for attempt in range(3):
        path.write_text(f"{{ not json {attempt}")
        load_settings(path)
    assert sorted(bad_files(tmp_path).values()) == [b"{ not json 0", b"{ not json 1",
                                                    b"{ not json 2"]


def test_a_file_that_cannot_be_moved_aside_is_still_no_obstacle(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "settings.json"
    path.write_text("{ not json")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a read-only folder is writable")
        loaded, message = load_settings(path)
    finally:
        folder.chmod(0o700)
    assert loaded == Settings()
    assert message.endswith("; using defaults.") and path.exists()


def test_a_huge_file_is_moved_aside_unread(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"soundtracks": ["x" * 1000] * 8000}))  # a valid 8 MB
    size = path.stat().st_size
    tracemalloc.start()
    try:
        loaded, message = load_settings(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded == Settings()
    assert message.startswith(f"Settings file {path} is over the size limit of 1024 KB; moved")
    assert peak < 3 * MAX_SETTINGS_BYTES, "reads no more than the limit"
    assert [len(kept) for kept in bad_files(tmp_path).values()] == [size]


def test_a_pipe_or_a_device_in_its_place_never_holds_up_the_start(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer that never comes: the app would never
    open. It is moved aside like any other file that is not settings."""
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    loaded, message = load_settings(path)
    assert loaded == Settings()
    assert message.startswith(f"Settings file {path} is not a regular file"), message
    assert not path.exists()


# Temporary files of saves that were killed ---------------------------------------------------


KILLED_MID_SAVE = """
import os, signal, sys
from pathlib import Path
from backcare_desktop import paths
os.fsync = lambda descriptor: os.kill(os.getpid(), signal.SIGKILL)  # kill -9 mid-save
paths.write_atomically(Path(sys.argv[1]), b'{"theme": "dark"}')
"""


def killed_mid_save(path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", KILLED_MID_SAVE, str(path)], cwd=PROJECT,
                           timeout=60, check=False)
    assert child.returncode == -signal.SIGKILL


def test_temporary_files_of_killed_saves_are_cleaned_at_start(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(theme="light"), path)
    for _ in range(3):
        killed_mid_save(path)
    old = list(tmp_path.glob(".settings.json.*.tmp"))
    assert len(old) == 3
    an_hour_ago = time.time() - 3600
    for leftover in old:
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    killed_mid_save(path)  # a fresh one may be a save still going on in another process
    [fresh] = set(tmp_path.glob(".settings.json.*.tmp")) - set(old)
    others = [tmp_path / ".voice.wav.abc123.tmp", tmp_path / "notes.tmp"]
    for other in others:
        other.write_bytes(b"not ours")
        os.utime(other, (an_hour_ago, an_hour_ago))

    assert load_settings(path) == (Settings(theme="light"), "")
    assert sorted(tmp_path.iterdir()) == sorted([path, fresh, *others])
    assert clean_leftovers(tmp_path) == 1, "any file's leftovers, given no name"
    assert clean_leftovers(tmp_path, older_than=0) == 1
    assert sorted(tmp_path.iterdir()) == sorted([path, others[1]])
    assert clean_leftovers(tmp_path / "missing") == 0


# Fuzzing ------------------------------------------------------------------------------------


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)
_routine_entry = st.fixed_dictionaries({}, optional={
    "step_durations": st.dictionaries(
        st.sampled_from(["sit-tall", "reset", "arrive", "neck-rolls"]) | st.text(max_size=6),
        st.floats(min_value=-10, max_value=1000) | st.floats() | _json, max_size=4) | _json,
    "fit_minutes": st.floats() | st.none() | _json,
    "ambient": st.sampled_from(["rain", "none", "thunder", "", "/tmp", "~x/y"]) | _json,
})
_shaped = st.fixed_dictionaries({}, optional={
    "version": st.sampled_from([1, 0, 2, -1, 1.0, True]) | _json,
    "theme": st.sampled_from(["system", "light", "dark", "purple"]) | _json,
    "captions": _json,
    "reduced_motion": _json,
    "speaking_rate": st.floats() | _json,
    "volumes": st.dictionaries(st.sampled_from(["voice", "tones", "ambient", "master"]),
                               st.floats() | _json) | _json,
    "routines": st.dictionaries(st.sampled_from(["desk-break", "full-back-care"])
                                | st.text(max_size=6), _routine_entry | _json, max_size=3)
    | _json,
    "soundtracks": st.lists(st.text(max_size=8) | _json, max_size=3) | _json,
}).map(lambda data: json.dumps(data).encode())


@st.composite
def _spliced(draw: st.DrawFn) -> bytes:
    """A settings-shaped file with a few bytes cut out or put in: half-written, mistyped."""
    raw = draw(_shaped)
    start = draw(st.integers(0, len(raw)))
    end = draw(st.integers(start, min(len(raw), start + 8)))
    return raw[:start] + draw(st.binary(max_size=4)) + raw[end:]


_nested = st.builds(
    lambda depth, opening, closed: (opening * depth + (b"1" if closed else b"")
                                    + (b"}" if opening.startswith(b"{") else b"]") * (
                                        depth if closed else 0)),
    st.integers(0, 5000), st.sampled_from([b"[", b'{"a": ', b'{"routines": ']), st.booleans())


@fuzzing(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=64) | _shaped | _spliced() | _nested)
def test_whatever_the_file_holds_loading_gives_usable_settings(raw: bytes,
                                                               library: Library) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(raw)
        loaded, message = load_settings(path)
        assert isinstance(loaded, Settings) and isinstance(message, str)
        assert path.exists() or message, "a file is never moved aside silently"
        text = json.dumps(loaded.model_dump(mode="json"), allow_nan=False)
        assert Settings.model_validate_json(text) == loaded, "saves and loads back the same"
        save_settings(loaded, path)
        assert load_settings(path) == (loaded, "")
    heal(loaded, library)
    compile_all(loaded, library)
