"""The validated shape of a routine file.

Pydantic does the checking so that every rule lives next to the field it guards, and every
problem comes back with a location we can turn into one readable line for the user.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backcare_desktop.figure.body import Position
from backcare_desktop.figure.scenes import DEFAULT_SCENES, LEGACY_ILLUSTRATIONS, SCENES
from backcare_desktop.routines.breathing import BreathingPattern, parse_pattern
from backcare_desktop.routines.text import refusing_controls

MIN_STEP_SECONDS = 5
MAX_STEP_SECONDS = 900

Seconds = Annotated[float, Field(ge=MIN_STEP_SECONDS, le=MAX_STEP_SECONDS)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
ShortText = Annotated[str, Field(min_length=1, max_length=200), refusing_controls()]
"""One line: a title, or a sentence the voice says."""
Paragraphs = Annotated[str, refusing_controls("\n\t")]
"""Longer text for the screen, where line breaks and tabs are at home."""


class _Strict(BaseModel):
    # nan would slip past every range check (each comparison with it is false), and inf
    # past the open-ended ones, so neither is a number here.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              allow_inf_nan=False)


class Cue(_Strict):
    """Something the voice says during a step.

    A cue is placed either `at` seconds after the step starts, or `before_end` seconds
    before it ends (the "ten seconds left" kind). Both are checked against the step's
    shortest allowed duration, so the cue stays inside the step however it is adjusted.
    Exactly one is required: a cue with neither would be said at the step's start, over its
    announcement.
    """

    text: ShortText
    at: float | None = Field(default=None, ge=0)
    before_end: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_anchor(self) -> Cue:
        if self.at is not None and self.before_end is not None:
            raise ValueError("give either 'at' or 'before_end', not both")
        if self.at is None and self.before_end is None:
            raise ValueError("give 'at' or 'before_end': when the cue is said")
        return self


class FigureChange(_Strict):
    """The step moves on to another scene when the voice says so ("Now move to your
    temples")."""

    at: float = Field(gt=0, description="Seconds into the step.")
    scene: str

    @field_validator("scene")
    @classmethod
    def _known_scene(cls, value: str) -> str:
        return _known(value, SCENES, "scene")


class Figure(_Strict):
    """The scene a step shows, from the library in figure/scenes.py, paced like the voice."""

    scene: str
    pace: float | None = Field(default=None, ge=1, le=60,
                               description="Seconds per repetition of the movement.")
    reverse_at: float | None = Field(
        default=None, gt=0, description="Seconds into the step when the movement turns round.")
    then: FigureChange | None = None

    @field_validator("scene")
    @classmethod
    def _known_scene(cls, value: str) -> str:
        return _known(value, SCENES, "scene")


def _known(value: str, names: Iterable[str], kind: str) -> str:
    if value not in names:
        # Every name would make the line too long to read; the README lists them.
        close = difflib.get_close_matches(value, list(names), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "the README lists the known ones"
        raise ValueError(f"unknown {kind} {value[:40]!r}; {hint}")
    return value


class Step(_Strict):
    id: Identifier
    title: ShortText
    instruction: ShortText = Field(description="Spoken when the step starts; one short sentence.")
    description: Paragraphs = Field(default="", max_length=2000)
    duration: Seconds
    min_duration: Seconds | None = None
    max_duration: Seconds | None = None
    position: Position | None = Field(
        default=None, description="How the body rests; the figure must agree, and the last "
                                  "step's sets the end screen's words. Default: the scene's.")
    figure: Figure | None = None
    illustration: str | None = Field(
        default=None, description="Before scenes, the name of a fixed picture: each old name "
                                  "now shows the scene that took its place.")
    cues: tuple[Cue, ...] = ()
    breathing: BreathingPattern | None = None
    sides: bool = Field(default=False, description="Left side, then right, switching at the half.")
    switch_text: ShortText = "Switch sides."

    @field_validator("breathing", mode="before")
    @classmethod
    def _named_pattern(cls, value: object) -> object:
        return parse_pattern(value) if isinstance(value, str) else value

    @field_validator("illustration")
    @classmethod
    def _known_illustration(cls, value: str | None) -> str | None:
        return None if value is None else _known(value, LEGACY_ILLUSTRATIONS, "illustration")

    @property
    def scene(self) -> str:
        """The name of the scene the step shows."""
        if self.figure is not None:
            return self.figure.scene
        if self.illustration is not None:
            return LEGACY_ILLUSTRATIONS[self.illustration]
        return DEFAULT_SCENES[self.position or Position.SEATED]

    @property
    def body_position(self) -> Position:
        return self.position or SCENES[self.scene].position

    @property
    def shortest(self) -> float:
        return self.min_duration if self.min_duration is not None else self.duration

    @property
    def longest(self) -> float:
        return self.max_duration if self.max_duration is not None else self.duration

    @model_validator(mode="after")
    def _consistent(self) -> Step:
        if not self.shortest <= self.duration <= self.longest:
            raise ValueError(
                f"duration {self.duration:g} must lie between min_duration {self.shortest:g} "
                f"and max_duration {self.longest:g}"
            )
        for index, cue in enumerate(self.cues):
            offset = cue.at if cue.at is not None else cue.before_end
            if offset is not None and offset >= self.shortest:
                raise ValueError(
                    f"cues[{index}] at {offset:g} s falls outside the step, whose shortest "
                    f"duration is {self.shortest:g} s"
                )
        if self.breathing is not None and self.breathing.lead_in + self.breathing.cycle > (
            self.shortest
        ):
            raise ValueError(
                f"breathing needs {self.breathing.lead_in + self.breathing.cycle:g} s for its "
                f"lead-in and one cycle, but the step may be as short as {self.shortest:g} s"
            )
        if self.sides and self.shortest < 2 * MIN_STEP_SECONDS:
            raise ValueError(f"a step with sides needs at least {2 * MIN_STEP_SECONDS} s")
        self._agreeing_figure()
        return self

    def _agreeing_figure(self) -> None:
        if self.figure is not None and self.illustration is not None:
            raise ValueError("give 'figure' or the older 'illustration', not both")
        scene = SCENES[self.scene]
        if self.position is not None and scene.position is not self.position:
            raise ValueError(f"the scene {scene.name!r} is {scene.position.words}, but the "
                             f"step's position is {self.position.value!r}")
        turn = self.figure.reverse_at if self.figure else None
        if turn is not None and turn >= self.shortest:
            raise ValueError(f"figure.reverse_at {turn:g} s falls outside the step, whose "
                             f"shortest duration is {self.shortest:g} s")
        change = self.figure.then if self.figure else None
        if change is None:
            return
        later = SCENES[change.scene]
        if later.position is not scene.position or (later.side is None) != (
                scene.side is None):
            raise ValueError(f"figure.then: the scene {later.name!r} is "
                             f"{later.position.words}{'' if later.side else ', both sides'}, "
                             f"unlike {scene.name!r}: a step keeps its position and sides")
        if change.at >= self.shortest:
            raise ValueError(f"figure.then.at {change.at:g} s falls outside the step, whose "
                             f"shortest duration is {self.shortest:g} s")


class Routine(_Strict):
    id: Identifier
    title: ShortText
    summary: Paragraphs = Field(default="", max_length=1000)
    language: Literal["en"] = "en"
    safety_note: Paragraphs = Field(default="", max_length=2000)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _unique_step_ids(self) -> Routine:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used more than once")
            seen.add(step.id)
        return self

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def default_duration(self) -> float:
        return sum(step.duration for step in self.steps)
