"""Times are written one way for each kind: clocks for places and countdowns, words for
lengths."""

from __future__ import annotations

import pytest

from backcare_desktop.durations import format_clock, format_length


@pytest.mark.parametrize(("seconds", "clock"), [
    (0, "0:00"), (9.6, "0:10"), (270, "4:30"), (1225, "20:25"), (3725, "1:02:05"), (-3, "0:00"),
])
def test_a_clock(seconds: float, clock: str) -> None:
    assert format_clock(seconds) == clock


@pytest.mark.parametrize(("seconds", "length"), [
    (0, "0 min"), (45, "45 s"), (60, "1 min"), (480, "8 min"), (1225, "20 min 25 s"),
    (3600, "1 h"), (3930, "1 h 5 min"), (9480, "2 h 38 min"),
])
def test_a_length(seconds: float, length: str) -> None:
    assert format_length(seconds) == length
