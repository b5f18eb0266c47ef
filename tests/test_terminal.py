from __future__ import annotations

from backcare_desktop.session.player import ManualClock, Player
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.terminal import status_line


def test_the_status_line_tells_step_phase_side_and_time(timeline: Timeline) -> None:
    clock = ManualClock()
    player = Player(timeline, clock)
    player.start()
    player.seek(6)
    assert status_line(player) == "1/2 Breathe  ·  In  ·  0:34 left in step  ·  0:06 / 1:10"
    player.seek(60)
    player.pause()
    assert status_line(player) == ("2/2 Strokes  ·  right side  ·  0:10 left in step  ·  "
                                   "1:00 / 1:10  ·  paused (Space resumes)")
