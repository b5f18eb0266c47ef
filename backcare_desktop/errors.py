"""The one exception family for everything a person can cause or meet.

Each error carries a short line, meant for a status line, a dialog title or the command
line, and an optional detail for a "details" pane or the log (the shape of Quod Libet's
`PlayerError`). The window and the command line translate only this family; anything else
that escapes is a bug, logged with its traceback by the exception hooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BackCareError(Exception):
    """A failure said in one line (`short`), with more for whoever asks (`detail`)."""

    def __init__(self, short: str, detail: str = "") -> None:
        super().__init__(short)
        self.short = short
        self.detail = detail

    def __str__(self) -> str:
        return self.short


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Notice:
    """A message for the person, as a value: workers hand these back instead of raising, and
    the window (or the terminal) shows each one without overwriting another."""

    level: Level
    short: str
    detail: str = ""

    @classmethod
    def of(cls, error: BackCareError, level: Level = Level.WARNING) -> Notice:
        return cls(level, error.short, error.detail)
