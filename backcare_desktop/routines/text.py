"""Which characters a routine's text may hold, and how any text is made safe to show.

A routine's words end up on a terminal (`plan`, `play`, `check`), in the window and in the
voice. An escape sequence in a title could repaint or retitle a terminal, a carriage return
could hide a line, and a bidirectional override could make text read differently from what it
is, so validation refuses them, and whatever is printed passes through `printable` anyway.
"""

from __future__ import annotations

import re

from pydantic import AfterValidator

_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 (ESC, CR, ...), DEL and C1 (CSI, ...)
    "\u2028\u2029"  # line and paragraph separators: a line break in disguise
    "\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings, overrides and isolates
)


def first_control(text: str, allowed: str = "") -> str | None:
    """The first character of `text` that may not appear in a routine, other than `allowed`."""
    return next((match.group() for match in _CONTROL.finditer(text)
                 if match.group() not in allowed), None)


def refusing_controls(allowed: str = "") -> AfterValidator:
    """A field validator: the text may hold no control character other than `allowed`."""

    def check(text: str) -> str:
        found = first_control(text, allowed)
        if found is not None:
            raise ValueError(f"must not contain control characters (found U+{ord(found):04X})")
        return text

    return AfterValidator(check)


def printable(text: str, keep: str = "") -> str:
    """`text` with each control character, other than those in `keep`, written as an escape
    such as `\\x1b`, so it shows what was there and cannot act on the terminal."""
    return _CONTROL.sub(
        lambda match: match.group() if match.group() in keep
        else match.group().encode("unicode_escape").decode("ascii"),
        text,
    )


def one_line(text: str, limit: int) -> str:
    """`text` as one printable line of at most `limit` characters, cut with an ellipsis."""
    line = printable(text)
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"
