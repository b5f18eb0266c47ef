"""The person's choices, kept between runs: one declared model, a version, and migrations.

Every setting is declared once with its type, bounds, default and meaning (the approach
qutebrowser takes), so validation and defaults come from the same place. The file is
readable JSON in the platform's config folder, written atomically.

A broken settings file never stops the app, and one bad value costs only itself: each
setting, each routine's entry and each remembered step duration is checked on its own, and
a bad one falls back to its default with one line saying so. Only a file that cannot be used
at all (unreadable, too big, not a JSON object, from an unknown version) is moved aside.
Choices that were valid when saved may no longer fit the routines (an update renamed a
step): `heal` forgets those, one line each, before anything compiles a timeline from them.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backcare_desktop.audio.ambient import GENERATORS
from backcare_desktop.audio.mixer import Volumes
from backcare_desktop.paths import (
    MAX_SETTINGS_BYTES,
    UnreadableFile,
    clean_leftovers,
    read_bounded,
    settings_path,
    write_atomically,
)
from backcare_desktop.routines.loader import Library
from backcare_desktop.routines.model import Routine
from backcare_desktop.routines.text import one_line
from backcare_desktop.session.timeline import AdjustmentError, Adjustments, resolve_durations

SETTINGS_VERSION = 1
_MAX_LINES = 6
"""Problems listed for one file; any beyond are counted, not listed."""
_MAX_DIGITS = 20
"""An integer longer than this is no setting (and Python refuses to parse 4,300 digits)."""
_ROUNDING = 0.5
"""The set-up panel's spin boxes hold whole seconds between the step's bounds rounded, so a
remembered duration may lie this far outside a fractional bound; compile_timeline holds it
to the bound, so that is no reason to forget it."""


_Seconds = Annotated[float, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True, allow_inf_nan=False)


_DEFAULT_VOLUMES = Volumes()


class VolumeSettings(_Model):
    """Linear gains; the sliders show them on a perceptual scale. The defaults are the
    mixer's own, so the app and the command line sound the same out of the box."""

    voice: float = Field(_DEFAULT_VOLUMES.voice, ge=0, le=1, description="Spoken cues.")
    tones: float = Field(_DEFAULT_VOLUMES.tones, ge=0, le=1,
                         description="Breathing tones and bells.")
    ambient: float = Field(_DEFAULT_VOLUMES.ambient, ge=0, le=1,
                           description="The ambient soundtrack.")
    master: float = Field(_DEFAULT_VOLUMES.master, ge=0, le=1, description="Everything.")


class RoutineChoices(_Model):
    """What the person chose for one routine, remembered for next time."""

    step_durations: dict[str, _Seconds] = Field(default_factory=dict)
    fit_minutes: float | None = Field(None, gt=0, le=240)
    ambient: str = Field("rain", min_length=1,
                         description="A bundled soundtrack id, 'none', or a file path.")


class ResumePoint(_Model):
    """Where a stopped session was, with the choices it ran with, so that "Resume where you
    left off" plays the same session again from that step, also after a restart."""

    routine_id: str = Field(min_length=1)
    position: float = Field(ge=0)
    choices: RoutineChoices = Field(default_factory=RoutineChoices)


class ReminderSettings(_Model):
    """Desk-break reminders, off until the person asks for them."""

    enabled: bool = Field(False, description="Remind me to take a desk break.")
    minutes: int = Field(50, ge=10, le=240, description="Minutes of active use between breaks.")
    autostart: bool = Field(False, description="Start in the tray when I log in.")


class Settings(_Model):
    version: int = SETTINGS_VERSION
    theme: Literal["system", "light", "dark"] = Field(
        "system", description="Follow the desktop's light or dark mode, or fix one.")
    start_fullscreen: bool = Field(False, description="Open sessions full screen.")
    captions: bool = Field(True, description="Show the spoken cue as a caption.")
    reduced_motion: bool = Field(False, description="Show each step's key pose still instead "
                                                    "of a moving figure.")
    voice: Literal["piper", "espeak", "none"] = Field(
        "piper", description="Piper sounds natural; espeak-ng is robotic but tiny; none is silent.")
    speaking_rate: float = Field(1.0, ge=0.8, le=1.2, description="Slower or faster speech.")
    tone_style: Literal["soft", "bowl", "off"] = Field("soft", description="Breathing tones.")
    volumes: VolumeSettings = Field(default_factory=VolumeSettings)
    routines: dict[str, RoutineChoices] = Field(default_factory=dict)
    soundtracks: list[str] = Field(default_factory=list,
                                   description="The person's own audio files, by path.")
    resume: ResumePoint | None = Field(None, description="Where the last stopped session was.")
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)

    def choices_for(self, routine_id: str) -> RoutineChoices:
        return self.routines.get(routine_id) or RoutineChoices()


# Renamed keys, oldest first: each maps an old file's data to the next version's shape.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_settings(path: Path | None = None) -> tuple[Settings, str]:
    """The settings, and what had to be done about the file: '' when nothing, otherwise one
    line per problem (a setting back to its default, a choice forgotten, the file moved
    aside). Never raises: whatever the file holds, the app starts.

    Temporary files left beside it by saves that were killed midway are removed first.
    """
    path = path or settings_path()
    clean_leftovers(path.parent, path.name)
    try:
        raw = read_bounded(path, MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        return Settings(), ""
    except UnreadableFile as error:
        return Settings(), _set_aside(path, str(error))
    try:
        data = _parse(raw)
    except RecursionError:
        return Settings(), _set_aside(path, "is damaged (nested too deeply)")
    except ValueError as error:
        first_line = str(error).partition("\n")[0]
        return Settings(), _set_aside(path, f"is damaged ({first_line})")
    if not isinstance(data, dict):
        return Settings(), _set_aside(path, "is damaged (not a JSON object)")
    version = data.get("version", SETTINGS_VERSION)
    if type(version) is not int or not 1 <= version <= SETTINGS_VERSION:
        return Settings(), _set_aside(path, f"is from an unknown version ({_shown(version)})")
    while version < SETTINGS_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    data["version"] = SETTINGS_VERSION
    problems = _Problems()
    return _usable(Settings, data, problems), str(problems)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    text = json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True)
    write_atomically(path or settings_path(), (text + "\n").encode("utf-8"))


def heal(settings: Settings, library: Library) -> list[str]:
    """Forgets, in place, each remembered choice that no longer fits its routine, and says
    so in one line per choice: a duration for a step the routine no longer has or outside
    the step's bounds, a fit the timeline cannot make, a soundtrack that is gone. Every
    other choice stays.

    The file held them validly, so only the routines can tell: call this once the library
    is loaded and before any timeline is compiled from the choices, which then cannot fail.
    A routine missing from the library (its file broken for now) keeps its choices.
    """
    forgotten: list[str] = []
    for routine_id, choices in list(settings.routines.items()):
        found = library.find(routine_id)
        if found is not None:
            settings.routines[routine_id] = _healed(found.routine, choices, forgotten)
    return forgotten


# Reading the file ---------------------------------------------------------------------------


class _Unusable:
    """A number in the file that no setting can hold (NaN, Infinity, 1e999, a thousand
    digits), refused as it is parsed. It fails the one setting holding it, which falls back
    alone, where raising would have cost the whole file."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        return self.text


def _parse(raw: bytes) -> Any:
    def finite(text: str) -> float | _Unusable:
        number = float(text)
        return number if math.isfinite(number) else _Unusable(text, "not a finite number")

    def short(text: str) -> int | _Unusable:
        return int(text) if len(text) <= _MAX_DIGITS else _Unusable(text, "too many digits")

    return json.loads(raw.decode("utf-8-sig"), parse_float=finite, parse_int=short,
                      parse_constant=lambda text: _Unusable(text, "not a finite number"))


class _Problems:
    """One line per bad value, the first few written out and the rest only counted: nobody
    reads more, and a file of many thousand bad values would take seconds to describe."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.hidden = 0

    def add(self, label: str, value: Any, error: ValidationError, outcome: str) -> None:
        if len(self.lines) < _MAX_LINES:
            self.lines.append(f'Setting "{_readable(label)}" was {_shown(value)} '
                              f"({_reason(error)}); {outcome}.")
        else:
            self.hidden += 1

    def __str__(self) -> str:
        if not self.hidden:
            return "\n".join(self.lines)
        return "\n".join([*self.lines[:-1],
                          f"…and {self.hidden + 1} more settings were not usable."])


_M = TypeVar("_M", bound=_Model)


def _usable(model: type[_M], data: dict[str, Any], problems: _Problems, where: str = "") -> _M:
    """`data` as a `model`, each field checked on its own, and each entry of a dict field
    too: a bad field takes its default and a bad entry is forgotten, with one line each,
    and the rest stays. A nested model (the volumes, a routine's choices) is checked the
    same way, field by field."""
    fields: dict[str, Any] = {}
    for name, value in data.items():
        field = model.model_fields.get(name)
        if field is None:
            continue
        label = f"{where}{name}"
        if isinstance(value, dict) and _is_model(field.annotation):
            fields[name] = _usable(field.annotation, value, problems, f"{label}.")
        elif isinstance(value, dict) and get_origin(field.annotation) is dict:
            entry_type = get_args(field.annotation)[1]
            entries: dict[str, Any] = {}
            for key, entry in value.items():
                if isinstance(entry, dict) and _is_model(entry_type):
                    entries[key] = _usable(entry_type, entry, problems, f"{label}.{key}.")
                    continue
                try:
                    entries[key] = _alone(model, name, {key: entry})[key]
                except ValidationError as error:
                    problems.add(f"{label}.{key}", entry, error, "forgot it")
            fields[name] = entries
        else:
            try:
                fields[name] = _alone(model, name, value)
            except ValidationError as error:
                default = field.get_default(call_default_factory=True)
                problems.add(label, value, error, f"using {_shown(default)}")
    return model.model_validate(fields)


def _is_model(annotation: object) -> TypeGuard[type[_Model]]:
    return isinstance(annotation, type) and issubclass(annotation, _Model)


def _alone(model: type[_Model], name: str, value: Any) -> Any:
    """`value` validated as `model`'s field `name`, the other fields left at their defaults."""
    return getattr(model.model_validate({name: value}), name)


def _reason(error: ValidationError) -> str:
    detail = error.errors()[0]
    given = detail.get("input")
    if isinstance(given, _Unusable):
        return given.reason
    return detail["msg"][0].lower() + detail["msg"][1:]


_REPR = reprlib.Repr()
_REPR.maxlevel = 2


def _shown(value: Any) -> str:
    """A value as the file spells it, cut short: a line, not a dump."""
    if value is None or isinstance(value, bool | int | float | str):
        text = json.dumps(value)
    else:
        text = _REPR.repr(value)
    return one_line(text, 40)


def _readable(text: str) -> str:
    """`text` fit for one line of a message: JSON escapes can put line breaks and lone
    surrogates (which Qt and a UTF-8 log cannot take) into a key, so those are escaped."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def _set_aside(path: Path, problem: str) -> str:
    try:
        aside = _move_aside(path)
    except OSError:
        return f"Settings file {path} {problem}; using defaults."
    return f"Settings file {path} {problem}; moved it to {aside.name} and used defaults."


def _move_aside(path: Path) -> Path:
    """Renames `path` to a `.bad` name nobody used yet: the time, and a counter when two go
    aside in the same second. The name is claimed by creating it exclusively before the
    rename, so not even two processes at once overwrite each other's."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    attempt = 1
    while True:
        aside = path.with_name(f"{path.name}.{stamp}{f'-{attempt}' if attempt > 1 else ''}.bad")
        attempt += 1
        try:
            aside.touch(exist_ok=False)
        except FileExistsError:
            continue
        try:
            path.replace(aside)
        except OSError:
            aside.unlink(missing_ok=True)
            raise
        return aside


# Fitting the choices to the routines ------------------------------------------------------


def _healed(routine: Routine, choices: RoutineChoices, forgotten: list[str]) -> RoutineChoices:
    durations: dict[str, float] = {}
    for step_id, seconds in choices.step_durations.items():
        problem = _duration_problem(routine, step_id, seconds)
        if problem:
            forgotten.append(f'Forgot your {seconds:g} s for "{_step_title(routine, step_id)}" '
                             f'in "{routine.title}": {problem}.')
        else:
            durations[step_id] = seconds
    fit = choices.fit_minutes
    if fit is not None and not _can_fit(routine, fit):
        forgotten.append(f'Forgot your fit to {fit:g} minutes for "{routine.title}": '
                         "no session can take that long.")
        fit = None
    ambient = choices.ambient
    if not _soundtrack_exists(ambient):
        forgotten.append(f'Forgot your soundtrack "{_readable(Path(ambient).stem or ambient)}" '
                         f'for "{routine.title}": it is no longer there.')
        ambient = RoutineChoices.model_fields["ambient"].default
    return choices.model_copy(
        update={"step_durations": durations, "fit_minutes": fit, "ambient": ambient})


def _duration_problem(routine: Routine, step_id: str, seconds: float) -> str:
    try:
        step = routine.step(step_id)
    except KeyError:
        return "the routine changed"
    if not math.isfinite(seconds):
        return "that is not a length of time"
    if not step.shortest - _ROUNDING <= seconds <= step.longest + _ROUNDING:
        return f"it can be {step.shortest:g} to {step.longest:g} s now"
    return ""


def _step_title(routine: Routine, step_id: str) -> str:
    """The step's title, or for a step the routine no longer has, its id made readable."""
    try:
        return routine.step(step_id).title
    except KeyError:
        return _readable(step_id.replace("-", " ").capitalize())


def _can_fit(routine: Routine, fit_minutes: float) -> bool:
    """Asks the timeline itself, so the rule lives in one place."""
    try:
        resolve_durations(routine, Adjustments({}, fit_minutes))
    except AdjustmentError:
        return False
    return True


def _soundtrack_exists(name: str) -> bool:
    if name == "none" or name in GENERATORS:
        return True
    try:
        return Path(name).expanduser().is_file()
    except (OSError, RuntimeError):  # a name too long for a path; "~nobody/…"
        return False
