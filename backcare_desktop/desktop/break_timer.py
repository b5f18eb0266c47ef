"""When a desk break is due: minutes of active use counted, time away left out.

Pure and Qt-free: the app polls it every so often with the clock and the desktop's idle
time (seconds since the last key or mouse move), and tests drive both by hand. Without an
idle time (no idle monitor on this desktop) every minute counts, as on a wall clock.

The rules, as Workrave and Stretchly have them: time spent idle does not count; idle for
NATURAL_BREAK or longer means the person stepped away, which is a break, so the count
starts again; and a reminder never comes while nobody is at the desk to see it, but as soon
as somebody is.
"""

from __future__ import annotations

import time
from typing import Protocol

from backcare_desktop.session.player import Clock

NATURAL_BREAK = 5 * 60.0
"""Idle this long (or the computer asleep this long) is a break taken."""
AWAY = 60.0
"""Idle this long: nobody is looking at the screen now, so a due reminder waits."""
SNOOZE = 10 * 60.0
""""Later" asks again after this much more active use."""


class IdleSource(Protocol):
    def idle_seconds(self) -> float | None:
        """Seconds since the person last used the keyboard or mouse; None if unknown."""
        ...


class BreakTimer:
    def __init__(self, minutes: float, clock: Clock, idle: IdleSource) -> None:
        self._interval = minutes * 60
        self._clock = clock
        self._idle = idle
        self._last = clock.now()
        self.active = 0.0
        """Seconds of use counted since the last break."""
        self._due_at = self._interval
        self._reminded = False
        """A reminder is out, not yet answered."""

    def set_minutes(self, minutes: float) -> None:
        self._interval = minutes * 60
        self._due_at = self._interval

    def restart(self) -> None:
        """A break was taken (a session played, the person was away): count from zero."""
        self._last = self._clock.now()
        self.active = 0.0
        self._due_at = self._interval
        self._reminded = False

    def postpone(self) -> None:
        """"Later": the reminder just given comes again after SNOOZE more of active use (or
        the usual interval if that is shorter); asked with none out, it never brings the
        next one sooner."""
        later = self.active + min(SNOOZE, self._interval)
        self._due_at = later if self._reminded else max(self._due_at, later)
        self._reminded = False

    def poll(self) -> bool:
        """Counts the use since the last poll; True when a reminder is due now (and the
        count starts again)."""
        now = self._clock.now()
        elapsed, self._last = now - self._last, now
        idle = self._idle.idle_seconds() or 0.0
        if idle >= NATURAL_BREAK or elapsed >= NATURAL_BREAK:
            self.restart()
            return False
        self.active += max(0.0, elapsed - idle)
        if self.active < self._due_at or idle >= AWAY:
            return False
        self.restart()
        self._reminded = True
        return True


class AwakeOrAsleepClock:
    """Seconds that go on while the computer sleeps (CLOCK_BOOTTIME), so that a night with
    the lid closed counts as the break it is; the monotonic clock stops during suspend."""

    def now(self) -> float:
        return time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))
