"""The one exception family for everything a person can cause or meet.

Each error carries a short line, meant for a status line, a dialog title or the command
line, and an optional detail for a "details" pane or the log (the shape of Quod Libet's
`PlayerError`). The window and the command line translate only this family; anything else
that escapes is a bug, logged with its traceback by the exception hooks.
"""

from __future__ import annotations


class BackCareError(Exception):
    """A failure said in one line (`short`), with more for whoever asks (`detail`)."""

    def __init__(self, short: str, detail: str = "") -> None:
        super().__init__(short)
        self.short = short
        self.detail = detail

    def __str__(self) -> str:
        return self.short
