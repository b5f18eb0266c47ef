from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import (
    MAX_PROBLEMS,
    load_library,
    load_routine_file,
    resolve_routine,
)
from backcare_desktop.routines.model import Routine
from tests.conftest import VALID_ROUTINE, WriteRoutine

T = TypeVar("T")

ONE_STEP = """
id = "one"
title = "One"

[[steps]]
id = "only"
title = "Only"
instruction = "Round your back, then arch it."
duration = 30
illustration = "cat-cow"
"""

NESTED = "x = " + "[" * 400 + "]" * 400
"""1-2 KB that took the TOML parser past the interpreter's recursion limit."""


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
    pytest.param("# " + "x" * 300_000, "over the size limit of 256 KB", id="huge"),
    pytest.param(NESTED, "tables and arrays nest more than 10 levels deep", id="nested-deep"),
    pytest.param("x = " + "{a = " * 40 + "1" + "}" * 40, "nest more than 10 levels",
                 id="nested-shallow"),
    pytest.param("x = 1" + "0" * 5000, "a number has too many digits", id="long-number"),
    pytest.param(VALID_ROUTINE.replace('id = "strokes"', 'id = "breathe"'),
                 "step id 'breathe' is used more than once", id="duplicate-step"),
    pytest.param(VALID_ROUTINE.replace('"neck-strokes"', '"handstand"'),
                 "steps[1].figure.scene: unknown scene 'handstand'", id="scene"),
    pytest.param(VALID_ROUTINE.replace('"neck-strokes"', '"neck-stroke"'),
                 "steps[1].figure.scene: unknown scene 'neck-stroke'; did you mean "
                 "'neck-strokes'?", id="scene-misspelt"),
    pytest.param(VALID_ROUTINE.replace('position = "seated"', 'position = "lying"'),
                 "steps[1]: the scene 'neck-strokes' is seated in a chair, but the step's "
                 "position is 'lying'", id="position-contradicts-scene"),
    pytest.param(VALID_ROUTINE.replace('position = "seated"', 'position = "sitting"'),
                 "steps[1].position: input should be 'seated', 'seated-floor', 'lying'",
                 id="unknown-position"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }', 'pace = 5 }\nillustration = "cat-cow"'),
                 "steps[1]: give 'figure' or the older 'illustration', not both",
                 id="figure-and-illustration"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }', 'pace = 5, reverse_at = 12 }'),
                 "steps[1]: figure.reverse_at 12 s falls outside the step", id="reverse-late"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }',
                                       'pace = 5, then = { at = 3, scene = "cat-cow" } }'),
                 "steps[1]: figure.then: the scene 'cat-cow' is ", id="then-other-position"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }',
                                       'pace = 5, then = { at = 12, scene = "neck-strokes" } }'),
                 "steps[1]: figure.then.at 12 s falls outside the step", id="then-late"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }',
                                       'pace = 5, then = { at = 3, scene = "templs" } }'),
                 "steps[1].figure.then.scene: unknown scene 'templs'; did you mean 'temples'?",
                 id="then-unknown"),
    pytest.param(VALID_ROUTINE.replace('pace = 5 }', 'pace = 0 }'),
                 "steps[1].figure.pace: must be at least 1.0, got 0", id="pace"),
    pytest.param(VALID_ROUTINE.replace('"calm 4-6"', '"panic 1-1"'),
                 "steps[0].breathing: unknown breathing pattern 'panic 1-1'", id="pattern"),
    pytest.param(VALID_ROUTINE.replace("at = 5,", "at = 15,"),
                 "steps[1]: cues[0] at 15 s falls outside the step", id="cue-outside"),
    pytest.param(VALID_ROUTINE.replace("duration = 30", "duration = -4"),
                 "steps[1].duration: must be between 5 and 900 seconds, got -4", id="duration"),
    pytest.param(VALID_ROUTINE.replace('title = "Tiny"', ""), "title: is required", id="missing"),
    pytest.param(VALID_ROUTINE + "\ncolour = 'blue'\n", "colour: is not a known field", id="extra"),
    pytest.param(VALID_ROUTINE.replace("at = 5, ", ""),
                 "steps[1].cues[0]: give 'at' or 'before_end'", id="cue-without-time"),
    pytest.param(VALID_ROUTINE.replace("duration = 30", "duration = nan"),
                 "steps[1].duration: input should be a finite number", id="nan"),
    pytest.param(VALID_ROUTINE.replace('title = "Tiny"', 'title = "Tiny\\u001b]0;owned\\u0007"'),
                 "title: must not contain control characters (found U+001B)", id="escape-title"),
    pytest.param(VALID_ROUTINE.replace('"Keep it light."', '"Keep\\rit light."'),
                 "steps[1].cues[0].text: must not contain control characters (found U+000D)",
                 id="carriage-return-cue"),
    pytest.param(VALID_ROUTINE.replace('title = "Strokes"', 'title = "Strokes\\u202e"'),
                 "steps[1].title: must not contain control characters (found U+202E)",
                 id="bidi-override"),
    pytest.param(VALID_ROUTINE.replace('summary = "', 'summary = "\\u009b31m'),
                 "summary: must not contain control characters (found U+009B)", id="csi-summary"),
    pytest.param(VALID_ROUTINE.replace('pattern = "calm 4-6"',
                                       'name = "\\u001b[2J", inhale = 4, exhale = 6'),
                 "steps[0].breathing.name: must not contain control characters",
                 id="escape-pattern"),
    pytest.param(ONE_STEP.replace('"cat-cow"', '"cat-cwo"'),
                 "steps[0].illustration: unknown illustration 'cat-cwo'; did you mean 'cat-cow'?",
                 id="illustration-of-the-only-step"),
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


def test_a_file_may_start_with_a_byte_order_mark(write_routine: WriteRoutine) -> None:
    assert isinstance(load_routine_file(write_routine(b"\xef\xbb\xbf" + VALID_ROUTINE.encode())),
                      Routine)
    problems = problems_of(write_routine(b"\xef\xbb\xbfid = 'a\xff'"))
    assert "bad byte at offset 10" in problems[0]


def test_longer_texts_keep_their_line_breaks_and_tabs(write_routine: WriteRoutine) -> None:
    routine = load_routine_file(write_routine(VALID_ROUTINE.replace(
        '"A short routine for tests."', '"""Two lines:\n\tthis is the second."""')))
    assert isinstance(routine, Routine)
    assert routine.summary == "Two lines:\n\tthis is the second."


def finishes(call: Callable[[], T], seconds: float = 10) -> T:
    """Runs `call` on a thread, so that a hang fails the test instead of stalling the suite."""
    results: list[T] = []
    worker = threading.Thread(target=lambda: results.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert results, f"still running after {seconds} s"
    return results[0]


def hostile_files(folder: Path) -> list[Path]:
    """A FIFO, a link to /dev/zero (its size reads 0) and a folder, all named like routines."""
    fifo, zeros, directory = folder / "fifo.toml", folder / "zeros.toml", folder / "folder.toml"
    os.mkfifo(fifo)
    zeros.symlink_to("/dev/zero")
    directory.mkdir()
    return [fifo, zeros, directory]


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo, zeros, directory = hostile_files(tmp_path)
    for path, expected in ((fifo, "is not a regular file"), (zeros, "is not a regular file"),
                           (directory, "is a folder")):
        result = finishes(partial(load_routine_file, path))
        assert isinstance(result, list) and len(result) == 1
        assert str(result[0]).startswith(f"{path}: {expected}")


def test_a_link_to_a_routine_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.toml").write_text(VALID_ROUTINE)
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert isinstance(load_routine_file(tmp_path / "link.toml"), Routine)


def many_steps(count: int, duration: int = 30) -> str:
    steps = ",\n".join(f'{{id="s{index}",title="S",instruction="R.",duration={duration},'
                       'illustration="cat-cow"}' for index in range(count))
    return f'id = "many"\ntitle = "Many"\nsteps = [\n{steps}\n]\n'


def test_too_many_steps_is_one_short_line(write_routine: WriteRoutine) -> None:
    path = write_routine(many_steps(3000))
    assert problems_of(path) == [f"{path}: steps: must have at most 100 items, got 3000"]


def test_a_file_broken_in_many_places_tells_the_first_few_and_how_many_more(
        write_routine: WriteRoutine) -> None:
    path = write_routine(many_steps(90, duration=3))
    problems = problems_of(path)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0] == f"{path}: steps[0].duration: must be between 5 and 900 seconds, got 3"
    assert problems[-1].startswith(f"{path}: and 85 more problems (")
    assert "check --verbose" in problems[-1]
    every = load_routine_file(path, limit=None)
    assert isinstance(every, list) and len(every) == 90
    assert "Input should be greater than or equal to 5; given 3" in every[0].detail


def test_no_problem_line_dumps_the_input(write_routine: WriteRoutine) -> None:
    long_value = "x" * 100_000
    path = write_routine(VALID_ROUTINE.replace('"palms-lower-back"', f'"{long_value}"')
                         + f'\n"{long_value}" = 1\n')
    for line in problems_of(path):
        assert len(line) < len(str(path)) + 300


def test_a_file_name_cannot_reach_the_terminal_raw(tmp_path: Path) -> None:
    path = tmp_path / "\x1b[2Jmine.toml"
    path.write_text("steps = 3")
    assert all("\x1b" not in line and "\\x1b[2Jmine.toml" in line for line in problems_of(path))


def test_hostile_files_in_the_user_folder_do_not_stop_the_library(tmp_path: Path) -> None:
    (tmp_path / "nested.toml").write_text(NESTED)
    (tmp_path / "mine.toml").write_text(VALID_ROUTINE)
    hostile_files(tmp_path)
    library = finishes(lambda: load_library(bundled_routines_dir(), tmp_path))
    assert {item.routine.id for item in library.routines} == {
        "tiny", "full-back-care", "desk-break", "breathe-and-unwind"}
    assert sorted(problem.path.name for problem in library.problems) == [
        "fifo.toml", "folder.toml", "nested.toml", "zeros.toml"]


def test_an_id_is_not_shadowed_by_a_folder_of_the_same_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk-break").mkdir()
    routine = resolve_routine("desk-break")
    assert isinstance(routine, Routine) and routine.id == "desk-break"
    (tmp_path / "tiny.toml").write_text(VALID_ROUTINE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "tiny").write_text(VALID_ROUTINE)
    assert isinstance(resolve_routine("tiny.toml"), Routine)
    assert isinstance(resolve_routine("sub/tiny"), Routine)
    missing = resolve_routine("tiny")
    assert isinstance(missing, list)
    assert "no such routine id" in str(missing[0])
