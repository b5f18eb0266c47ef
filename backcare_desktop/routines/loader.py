"""Reading routine files: every failure becomes one line naming the file, the field and the problem.

A broken file must never take the others down with it, so loading returns problems as values
instead of raising them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from backcare_desktop.paths import bundled_routines_dir, user_routines_dir
from backcare_desktop.routines.model import MAX_STEP_SECONDS, MIN_STEP_SECONDS, Routine

MAX_FILE_BYTES = 256 * 1024
_SECONDS_FIELDS = {"duration", "min_duration", "max_duration"}


@dataclass(frozen=True)
class RoutineProblem:
    path: Path
    where: str
    message: str

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}: {where}{self.message}"


@dataclass(frozen=True)
class LoadedRoutine:
    routine: Routine
    path: Path
    bundled: bool


@dataclass
class Library:
    """Every routine that loaded, and one problem line per file that did not."""

    routines: list[LoadedRoutine] = field(default_factory=list)
    problems: list[RoutineProblem] = field(default_factory=list)

    def find(self, routine_id: str) -> LoadedRoutine | None:
        return next((item for item in self.routines if item.routine.id == routine_id), None)


def load_routine_file(path: Path) -> Routine | list[RoutineProblem]:
    """Parses and validates one file; returns the routine or the problems found."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [RoutineProblem(
                path, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        raw = path.read_bytes()
    except OSError as error:
        return [RoutineProblem(path, "", f"cannot read the file ({error.strerror or error})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return [RoutineProblem(path, "", f"not UTF-8 text (bad byte at offset {error.start})")]
    if not text.strip():
        return [RoutineProblem(path, "", "the file is empty")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [RoutineProblem(path, "", f"not valid TOML: {error}")]
    try:
        return Routine.model_validate(data)
    except ValidationError as error:
        return [RoutineProblem(path, _location(detail["loc"]), _message(detail))
                for detail in error.errors()]


def load_library(
    bundled_dir: Path | None = None, user_dir: Path | None = None
) -> Library:
    """Loads the bundled routines, then the user's; a user file may not reuse a bundled id."""
    library = Library()
    sources = (
        (bundled_dir or bundled_routines_dir(), True),
        (user_dir or user_routines_dir(), False),
    )
    for directory, bundled in sources:
        for path in _toml_files(directory):
            result = load_routine_file(path)
            if isinstance(result, list):
                library.problems.extend(result)
                continue
            clash = library.find(result.id)
            if clash is not None:
                library.problems.append(RoutineProblem(
                    path, "id", f"{result.id!r} is already used by {clash.path.name}"))
                continue
            library.routines.append(LoadedRoutine(result, path, bundled))
    return library


def resolve_routine(name: str, library: Library | None = None) -> Routine | list[RoutineProblem]:
    """A routine named on the command line: a path to a file, or the id of a known routine."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return load_routine_file(path)
    library = library or load_library()
    found = library.find(name)
    if found is None:
        known = ", ".join(item.routine.id for item in library.routines)
        return [RoutineProblem(Path(name), "", f"no such routine file or id (known ids: {known})")]
    return found.routine


def _toml_files(directory: Path) -> Iterable[Path]:
    try:
        return sorted(directory.glob("*.toml"))
    except OSError:
        return ()


def _location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-", "tagged-union")) and "[" not in part:
            text += f".{part}" if text else part
    return text


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    given = detail.get("input")
    last = detail["loc"][-1] if detail["loc"] else ""
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        if last in _SECONDS_FIELDS:
            return (f"must be between {MIN_STEP_SECONDS} and {MAX_STEP_SECONDS} seconds, "
                    f"got {given!r}")
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = next(iter(context.values()))
        return f"must be {bound} {limit}, got {given!r}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_pattern_mismatch":
        return f"must be lowercase letters, digits and hyphens, got {given!r}"
    if kind in {"too_short", "string_too_short"} and not given:
        return "must not be empty"
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    return f"{detail['msg'][0].lower()}{detail['msg'][1:]}, got {given!r}"
