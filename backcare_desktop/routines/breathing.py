"""Breathing patterns: the named ones people know, and the table form for anything else."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcare_desktop.routines.text import refusing_controls

PhaseSeconds = Field(default=0.0, ge=0, le=20)


class BreathingPattern(BaseModel):
    """One breathing cycle: in, optional hold, out, optional hold.

    `lead_in` leaves room for the step's spoken announcement before the first breath, and
    only the first `spoken_cycles` cycles are counted aloud; after that the tones carry the
    pace, as a teacher would stop counting once the class has the rhythm.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: Annotated[str, refusing_controls()] = ""
    inhale: float = Field(ge=1, le=20)
    hold_in: float = PhaseSeconds
    exhale: float = Field(ge=1, le=20)
    hold_out: float = PhaseSeconds
    lead_in: float = Field(default=8.0, ge=0, le=60)
    spoken_cycles: int = Field(default=3, ge=0, le=20)

    @model_validator(mode="before")
    @classmethod
    def _expand_named(cls, value: object) -> object:
        if isinstance(value, dict) and "pattern" in value:
            rest = {key: item for key, item in value.items() if key != "pattern"}
            return {**parse_pattern(str(value["pattern"])).model_dump(), **rest}
        return value

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    @property
    def label(self) -> str:
        counts = [self.inhale, self.hold_in, self.exhale, self.hold_out]
        if not self.hold_in and not self.hold_out:
            counts = [self.inhale, self.exhale]
        elif not self.hold_out:
            counts = counts[:3]
        return self.name or "-".join(f"{count:g}" for count in counts)

    @property
    def words(self) -> str:
        """"in for 4, out for 6": the pattern as a newcomer reads it (a name like "calm 4-6"
        is jargon), wherever it is shown."""
        parts = [(word, seconds) for word, seconds in (
            ("in", self.inhale), ("hold", self.hold_in), ("out", self.exhale),
            ("hold", self.hold_out)) if seconds]
        return ", ".join(f"{word} for {seconds:g}" for word, seconds in parts)

    def cycles_in(self, seconds: float) -> int:
        """Whole cycles a step of `seconds` breathes after its lead-in."""
        return max(0, int((seconds - self.lead_in + 1e-9) // self.cycle))


NAMED_PATTERNS: dict[str, BreathingPattern] = {
    pattern.name: pattern
    for pattern in (
        BreathingPattern(name="calm 4-6", inhale=4, exhale=6),
        BreathingPattern(name="even 5-5", inhale=5, exhale=5),
        BreathingPattern(name="box 4-4-4-4", inhale=4, hold_in=4, exhale=4, hold_out=4),
        BreathingPattern(name="relax 4-7-8", inhale=4, hold_in=7, exhale=8),
    )
}


def parse_pattern(name: str) -> BreathingPattern:
    """Looks up a named pattern; the error names the ones that exist."""
    try:
        return NAMED_PATTERNS[name.strip().lower()]
    except KeyError:
        known = ", ".join(repr(key) for key in NAMED_PATTERNS)
        raise ValueError(f"unknown breathing pattern {name[:40]!r} (known: {known})") from None
