"""The routine loader against whatever a file may hold: it hands back a routine or problems,
never an exception, and each problem is one short printable line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import MAX_PROBLEMS, load_library, load_routine_file
from backcare_desktop.routines.model import Routine
from backcare_desktop.routines.text import printable
from tests.conftest import VALID_ROUTINE

TomlValue = bool | int | float | str | list["TomlValue"] | dict[str, "TomlValue"]

scalars = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=60))
toml_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20,
)
nestings = st.builds(
    lambda place, opener, depth: place + opener * depth + "1" + {"[": "]", "{a = ": "}"}[opener]
    * depth,
    st.sampled_from(["x = ", "title = ", "steps = ", "[[steps]]\ncues = ",
                     "[[steps]]\nbreathing = "]),
    st.sampled_from(["[", "{a = "]),
    st.integers(min_value=1, max_value=3000),
)
hostile_contents = st.one_of(st.binary(max_size=3000), nestings.map(str.encode))


def to_toml(value: TomlValue) -> str:
    """A value written as TOML: JSON's string escapes are TOML's too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(key)} = {to_toml(item)}"
                           for key, item in value.items()) + "}"


ASSIGNMENTS = [index for index, line in enumerate(VALID_ROUTINE.splitlines()) if " = " in line]


@st.composite
def mutated_routines(draw: st.DrawFn) -> str:
    """The valid routine with one of its values replaced by anything at all."""
    lines = VALID_ROUTINE.splitlines()
    index = draw(st.sampled_from(ASSIGNMENTS))
    key = lines[index].split(" = ")[0]
    lines[index] = f"{key} = {to_toml(draw(toml_values))}"
    return "\n".join(lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in texts(item)] if isinstance(value, list) else []


def assert_routine_or_short_problems(path: Path) -> None:
    result = load_routine_file(path)
    if isinstance(result, Routine):
        assert all(printable(text, keep="\n\t") == text
                   for text in texts(result.model_dump(mode="json")))
        return
    assert 1 <= len(result) <= MAX_PROBLEMS + 1
    for problem in result:
        line = str(problem)
        assert printable(line) == line, "a control character got through"
        assert len(line) - len(str(path)) < 300


@settings(max_examples=200, deadline=None)
@given(content=hostile_contents)
def test_any_bytes_or_nesting_give_a_routine_or_short_problems(folder: Path,
                                                               content: bytes) -> None:
    path = folder / "fuzz.toml"
    path.write_bytes(content)
    assert_routine_or_short_problems(path)


@settings(max_examples=300, deadline=None)
@given(text=mutated_routines())
def test_any_value_in_any_field_gives_a_routine_or_short_problems(folder: Path,
                                                                  text: str) -> None:
    path = folder / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    assert_routine_or_short_problems(path)


@settings(max_examples=30, deadline=None)
@given(content=hostile_contents)
def test_one_hostile_file_leaves_every_good_routine_loading(folder: Path, content: bytes) -> None:
    user = folder / "user"
    user.mkdir(exist_ok=True)
    (user / "good.toml").write_text(VALID_ROUTINE)
    (user / "hostile.toml").write_bytes(content)
    library = load_library(bundled_routines_dir(), user)
    assert {"tiny", "full-back-care", "desk-break", "breathe-and-unwind"} <= {
        item.routine.id for item in library.routines}
    assert {problem.path.name for problem in library.problems} <= {"hostile.toml"}
