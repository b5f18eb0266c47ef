from __future__ import annotations

from pathlib import Path

import pytest

from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import load_library, load_routine_file
from backcare_desktop.routines.model import Routine
from tests.conftest import VALID_ROUTINE, WriteRoutine


def problems_of(path: Path) -> list[str]:
    result = load_routine_file(path)
    assert isinstance(result, list), "expected the file to be rejected"
    return [str(problem) for problem in result]


def test_bundled_routines_are_valid_and_have_the_promised_lengths() -> None:
    library = load_library(bundled_routines_dir(), Path("/nonexistent"))
    assert library.problems == []
    minutes = {item.routine.id: item.routine.default_duration / 60 for item in library.routines}
    assert 18 <= minutes["full-back-care"] <= 22
    assert 4 <= minutes["desk-break"] <= 6
    assert 7 <= minutes["breathe-and-unwind"] <= 9
    for item in library.routines:
        assert item.routine.safety_note
        for step in item.routine.steps:
            assert step.cues or step.breathing, f"{step.id} has no spoken cues"


def test_bundled_routines_keep_pressure_off_the_spine() -> None:
    text = " ".join(path.read_text().lower() for path in bundled_routines_dir().glob("*.toml"))
    for claim in ("toxin", "lymph", "cure", "heal", "peroneal"):
        assert claim not in text
    assert "never on" in text


def test_a_valid_file_loads(write_routine: WriteRoutine) -> None:
    routine = load_routine_file(write_routine())
    assert isinstance(routine, Routine)
    assert [step.id for step in routine.steps] == ["breathe", "strokes"]
    assert routine.steps[0].breathing is not None
    assert routine.steps[0].breathing.cycle == 10


BAD_FILES = [
    pytest.param(b"\xff\xfe not utf-8", "not UTF-8 text", id="not-utf8"),
    pytest.param("id = ", "not valid TOML", id="not-toml"),
    pytest.param("   \n", "the file is empty", id="empty"),
    pytest.param("# " + "x" * 300_000, "the limit is", id="huge"),
    pytest.param(VALID_ROUTINE.replace('id = "strokes"', 'id = "breathe"'),
                 "step id 'breathe' is used more than once", id="duplicate-step"),
    pytest.param(VALID_ROUTINE.replace('"palms-lower-back"', '"handstand"'),
                 "steps[1].illustration: unknown illustration 'handstand'", id="illustration"),
    pytest.param(VALID_ROUTINE.replace('"calm 4-6"', '"panic 1-1"'),
                 "steps[0].breathing: unknown breathing pattern 'panic 1-1'", id="pattern"),
    pytest.param(VALID_ROUTINE.replace("at = 5,", "at = 15,"),
                 "steps[1]: cues[0] at 15 s falls outside the step", id="cue-outside"),
    pytest.param(VALID_ROUTINE.replace("duration = 30", "duration = -4"),
                 "steps[1].duration: must be between 5 and 900 seconds, got -4", id="duration"),
    pytest.param(VALID_ROUTINE.replace('title = "Tiny"', ""), "title: is required", id="missing"),
    pytest.param(VALID_ROUTINE + "\ncolour = 'blue'\n", "colour: is not a known field", id="extra"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_a_broken_file_gets_one_line_naming_file_field_and_problem(
    write_routine: WriteRoutine, content: str | bytes, expected: str
) -> None:
    path = write_routine(content, name="broken.toml")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: ")
    assert expected in problems[0]
    assert "\n" not in problems[0]


def test_a_broken_file_does_not_stop_the_others_loading(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "mine.toml").write_text(VALID_ROUTINE)
    (user / "broken.toml").write_text("steps = 3")
    (user / "clash.toml").write_text(VALID_ROUTINE.replace('id = "tiny"', 'id = "desk-break"'))
    library = load_library(bundled_routines_dir(), user)
    ids = {item.routine.id for item in library.routines}
    assert {"tiny", "full-back-care", "desk-break", "breathe-and-unwind"} <= ids
    messages = [str(problem) for problem in library.problems]
    assert any("broken.toml: id: is required" in line for line in messages)
    assert any("clash.toml: id: 'desk-break' is already used" in line for line in messages)


def test_a_missing_user_folder_is_no_problem(tmp_path: Path) -> None:
    library = load_library(bundled_routines_dir(), tmp_path / "absent")
    assert library.problems == []
    assert len(library.routines) == 3
