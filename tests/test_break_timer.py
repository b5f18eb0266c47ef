"""Desk-break reminders' timing: N minutes of active use, idle time left out."""

from __future__ import annotations

import time

import pytest

from backcare_desktop.desktop.break_timer import (
    AWAY,
    NATURAL_BREAK,
    SNOOZE,
    AwakeOrAsleepClock,
    BreakTimer,
)
from backcare_desktop.session.player import ManualClock

POLL = 30.0


class FakeIdle:
    """The desktop's idle monitor, set by hand; None stands for a desktop without one."""

    def __init__(self, seconds: float | None = 0.0) -> None:
        self.seconds = seconds

    def idle_seconds(self) -> float | None:
        return self.seconds


def minutes_until_due(timer: BreakTimer, clock: ManualClock, limit: float = 120) -> float:
    start = clock.now()
    while clock.now() - start < limit * 60:
        clock.advance(POLL)
        if timer.poll():
            return (clock.now() - start) / 60
    return float("inf")


def test_due_after_n_minutes_of_active_use_and_again_after_n_more() -> None:
    clock = ManualClock()
    timer = BreakTimer(20, clock, FakeIdle(0.0))
    assert minutes_until_due(timer, clock) == 20
    assert minutes_until_due(timer, clock) == 20


def test_without_an_idle_monitor_the_wall_clock_counts() -> None:
    clock = ManualClock()
    assert minutes_until_due(BreakTimer(15, clock, FakeIdle(None)), clock) == 15


def test_never_due_while_idle_and_stepping_away_is_a_break() -> None:
    clock, idle = ManualClock(), FakeIdle(0.0)
    timer = BreakTimer(20, clock, idle)
    for _ in range(round(15 * 60 / POLL)):  # 15 minutes of work
        clock.advance(POLL)
        assert not timer.poll()
    idle.seconds = NATURAL_BREAK  # then away from the desk for a long while
    assert minutes_until_due(timer, clock, limit=60) == float("inf")
    assert timer.active == 0
    idle.seconds = 0.0  # back: a full interval from now
    assert minutes_until_due(timer, clock) == 20


def test_idle_minutes_do_not_count_and_a_due_reminder_waits_for_the_person() -> None:
    clock, idle = ManualClock(), FakeIdle(0.0)
    timer = BreakTimer(10, clock, idle)
    for _ in range(round(9 * 60 / POLL)):
        clock.advance(POLL)
        assert not timer.poll()
    idle.seconds = AWAY  # a minute without input since the last poll 30 s ago
    clock.advance(60)
    assert not timer.poll()
    assert timer.active == 9 * 60  # the idle minute did not count
    idle.seconds = 0.0
    assert minutes_until_due(timer, clock) == 1


def test_later_asks_again_after_the_snooze() -> None:
    clock = ManualClock()
    timer = BreakTimer(50, clock, FakeIdle(0.0))
    assert minutes_until_due(timer, clock) == 50
    timer.postpone()
    assert minutes_until_due(timer, clock) == SNOOZE / 60


def test_later_with_no_reminder_out_never_brings_the_next_one_sooner() -> None:
    """The tray's "Remind me later" can be chosen at any time: five minutes into fifty it
    leaves the reminder at fifty, not fifteen."""
    clock = ManualClock()
    timer = BreakTimer(50, clock, FakeIdle(0.0))
    assert minutes_until_due(timer, clock, limit=5) == float("inf")
    timer.postpone()
    assert minutes_until_due(timer, clock) == 45


def test_the_app_clock_goes_on_while_the_computer_sleeps() -> None:
    """The monotonic clock stops during suspend, so a night asleep would never count as a
    break; the reminders' clock is the boot clock."""
    assert AwakeOrAsleepClock().now() == pytest.approx(
        time.clock_gettime(time.CLOCK_BOOTTIME), abs=0.5)


def test_a_computer_asleep_counts_as_a_break() -> None:
    clock = ManualClock()
    timer = BreakTimer(20, clock, FakeIdle(None))
    for _ in range(round(15 * 60 / POLL)):
        clock.advance(POLL)
        assert not timer.poll()
    assert timer.active == 15 * 60
    clock.advance(NATURAL_BREAK)  # no poll while asleep
    assert not timer.poll() and timer.active == 0
