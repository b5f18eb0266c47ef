"""Reading routine files: every failure becomes one line naming the file, the field and the problem.

A broken file must never take the others down with it, so loading returns problems as values
instead of raising them, whatever the file holds: it may be huge, nested thousands deep, full
of errors, a FIFO or a link to /dev/zero.
"""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from backcare_desktop.paths import (
    UnreadableFile,
    bundled_routines_dir,
    read_bounded,
    user_routines_dir,
)
from backcare_desktop.routines.model import MAX_STEP_SECONDS, MIN_STEP_SECONDS, Routine
from backcare_desktop.routines.text import one_line, printable

MAX_FILE_BYTES = 256 * 1024
MAX_NESTING = 10
"""Levels of tables and arrays: a routine needs five (the file, its steps, a step, its cues, a
cue). Far deeper is hostile, and past a few hundred the TOML parser runs out of stack."""
MAX_PROBLEMS = 5
"""Problems told per file: a file broken in 3,000 places is not fixed by reading 3,000 lines."""
_SECONDS_FIELDS = {"duration", "min_duration", "max_duration"}


@dataclass(frozen=True)
class RoutineProblem:
    """One thing wrong with a file: `where` and `message` make one short printable line, and
    `detail` has more for whoever asks (`check --verbose`)."""

    path: Path
    where: str
    message: str
    detail: str = ""

    def __post_init__(self) -> None:
        # What lands here comes from the file (a key can be 10 KB long, a value can hold escape
        # sequences), so the promise of one short line is kept here rather than by each caller.
        object.__setattr__(self, "where", one_line(self.where, 40))
        object.__setattr__(self, "message", one_line(self.message, 240))
        object.__setattr__(self, "detail", one_line(self.detail, 2000))

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{printable(str(self.path))}: {where}{self.message}"


@dataclass(frozen=True)
class LoadedRoutine:
    routine: Routine
    path: Path
    bundled: bool


@dataclass
class Library:
    """Every routine that loaded, and the problems of each file that did not."""

    routines: list[LoadedRoutine] = field(default_factory=list)
    problems: list[RoutineProblem] = field(default_factory=list)
    folders: list[tuple[Path, bool]] = field(default_factory=list)
    """Each folder read, and whether it is bundled: what `reloaded` reads again."""

    def find(self, routine_id: str) -> LoadedRoutine | None:
        return next((item for item in self.routines if item.routine.id == routine_id), None)

    def add_folder(self, directory: Path, bundled: bool) -> None:
        self.folders.append((directory, bundled))
        for path in _toml_files(directory):
            self.add(path, load_routine_file(path), bundled)

    def reloaded(self) -> Library:
        """The same folders read again: files fixed, added or removed since."""
        library = Library()
        for directory, bundled in self.folders:
            library.add_folder(directory, bundled)
        return library

    def add(self, path: Path, result: Routine | list[RoutineProblem],
            bundled: bool) -> list[RoutineProblem]:
        """Takes in one file's routine, or its problems; returns the problems it recorded.

        An id belongs to the first file that uses it: a later file reusing it is a problem of
        its own, unless it is the same file reached again.
        """
        problems = result if isinstance(result, list) else []
        if isinstance(result, Routine):
            clash = self.find(result.id)
            if clash is None:
                self.routines.append(LoadedRoutine(result, path, bundled))
            elif not _same_file(clash.path, path):
                owner = f"the bundled {clash.path.name}" if clash.bundled else clash.path.name
                problems = [RoutineProblem(path, "id", f"{result.id!r} is already used by {owner}")]
        self.problems.extend(problems)
        return problems


def load_routine_file(
    path: Path, limit: int | None = MAX_PROBLEMS
) -> Routine | list[RoutineProblem]:
    """Parses and validates one file; returns the routine or the problems found: the first
    `limit` of them and a last one saying how many more there are (None: every one).
    Never raises, whatever the file holds."""
    result = _load(path)
    if isinstance(result, Routine) or limit is None or len(result) <= limit:
        return result
    more = len(result) - limit
    return [*result[:limit], RoutineProblem(
        path, "", f"and {more} more problem{'s' if more > 1 else ''} "
                  "(`backcare-desktop check --verbose` lists them all)")]


def load_library(
    bundled_dir: Path | None = None, user_dir: Path | None = None
) -> Library:
    """Loads the bundled routines, then the user's; a user file may not reuse a bundled id."""
    library = Library()
    library.add_folder(bundled_dir or bundled_routines_dir(), bundled=True)
    library.add_folder(user_dir or user_routines_dir(), bundled=False)
    return library


def resolve_routine(name: str, library: Library | None = None) -> Routine | list[RoutineProblem]:
    """A routine named on the command line: a file if the name looks like a path (it has a `/`
    or ends in `.toml`), else the id of a known routine, so that a folder in the current
    directory cannot shadow an id by sharing its name."""
    if "/" in name or name.endswith(".toml"):
        return load_routine_file(Path(name))
    library = library or load_library()
    found = library.find(name)
    if found is None:
        known = ", ".join(item.routine.id for item in library.routines)
        return [RoutineProblem(Path(name), "", f"no such routine id (known ids: {known}); "
                                               "name a file by a path with a / or .toml")]
    return found.routine


def _load(path: Path) -> Routine | list[RoutineProblem]:
    raw = _read(path)
    if isinstance(raw, RoutineProblem):
        return [raw]
    body = raw.removeprefix(codecs.BOM_UTF8)  # some editors start UTF-8 text with one
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + len(raw) - len(body)
        return [RoutineProblem(path, "", f"not UTF-8 text (bad byte at offset {offset})")]
    if not text.strip():
        return [RoutineProblem(path, "", "the file is empty")]
    too_deep = RoutineProblem(
        path, "", f"tables and arrays nest more than {MAX_NESTING} levels deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [RoutineProblem(path, "", f"not valid TOML: {error}")]
    except ValueError:  # int() refuses thousands of digits, and tomllib lets that through
        return [RoutineProblem(path, "", "not valid TOML: a number has too many digits")]
    except RecursionError:  # tomllib recurses once per level, with no limit of its own
        return [too_deep]
    if _nesting(data) > MAX_NESTING:
        return [too_deep]
    try:
        return Routine.model_validate(data)
    except ValidationError as error:
        return _validation_problems(path, error.errors(include_url=False))


def _read(path: Path) -> bytes | RoutineProblem:
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except (FileNotFoundError, UnreadableFile) as error:
        reason = "is not there" if isinstance(error, FileNotFoundError) else str(error)
        return RoutineProblem(path, "", reason)


def _nesting(value: object) -> int:
    """How many levels of tables and arrays `value` has; without recursion, as the depth it
    guards against is the hostile kind."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in item)
    return deepest


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def _validation_problems(path: Path, details: list[ErrorDetails]) -> list[RoutineProblem]:
    return [RoutineProblem(path, _location(detail["loc"]), _message(detail),
                           f"{detail['msg']}; given {detail.get('input')!r}")
            for detail in details if not _follows_from_others(detail, details)]


def _follows_from_others(detail: ErrorDetails, details: list[ErrorDetails]) -> bool:
    """A list that is "too short after validation" only because its items failed (a routine
    whose one step is broken) says nothing the items' own problems do not."""
    loc = detail["loc"]
    return detail["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in details)


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
                    f"got {_shown(given)}")
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = next(iter(context.values()))
        return f"must be {bound} {limit}, got {_shown(given)}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_pattern_mismatch":
        return f"must be lowercase letters, digits and hyphens, got {_shown(given)}"
    if kind in {"too_short", "string_too_short"} and not given:
        return "must not be empty"
    if kind == "too_long":
        return f"must have at most {context['max_length']} items, got {context['actual_length']}"
    if kind == "string_too_long":
        return f"must be at most {context['max_length']} characters long"
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    return f"{detail['msg'][0].lower()}{detail['msg'][1:]}, got {_shown(given)}"


def _shown(value: object) -> str:
    """A given value as a message quotes it: enough to find it, never the whole input."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:36]} ..."
