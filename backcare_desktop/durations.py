"""How the app writes a time, everywhere: a place in a session or a countdown is a clock
("4:30 left", "2:30 of 20:25"), as on any player; a length is words ("20 min 25 s",
"8 min", "45 s"); a length the voice says is whole words ("1 minute 5 seconds"). Each form
is always for the same kind of time."""

from __future__ import annotations


def format_clock(seconds: float) -> str:
    """`m:ss`, or `h:mm:ss` past the hour."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_length(seconds: float) -> str:
    """`20 min 25 s`, `8 min`, `45 s`, or `1 h 5 min` past the hour (seconds dropped there:
    nobody plans an hour to the second); nothing at all is `0 min`."""
    whole = max(0, round(seconds))
    if not whole:
        return "0 min"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    parts = [f"{minutes} min"] if minutes else []
    if secs or not minutes:
        parts.append(f"{secs} s")
    return " ".join(parts)


def spoken_length(seconds: float) -> str:
    """`1 minute 5 seconds`: a length as the voice says it (the screen's `1 min 5 s`)."""
    minutes, rest = divmod(max(0, round(seconds)), 60)
    parts = [f"{count} {unit}{'' if count == 1 else 's'}"
             for count, unit in ((minutes, "minute"), (rest, "second")) if count]
    return " ".join(parts) or "0 seconds"
