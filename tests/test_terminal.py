from __future__ import annotations

import pytest

from backcare_desktop.session.live import SilentOutput, Stage
from backcare_desktop.session.player import ManualClock, State
from backcare_desktop.session.timeline import Timeline
from backcare_desktop.terminal import act_on_key, status_line
from tests.session_helpers import ClickVoice, make_session, wait_until_playing


class _Still:
    real_time = False
    output = SilentOutput(ManualClock())

    def run(self, seconds: float) -> None:
        pass


def test_the_status_line_tells_step_phase_side_and_time(timeline: Timeline) -> None:
    driver = _Still()
    session = make_session(timeline, driver, ClickVoice())  # type: ignore[arg-type]
    assert status_line(session).startswith("Preparing the voice")
    wait_until_playing(session, driver)  # type: ignore[arg-type]
    session.seek(6)
    assert status_line(session) == "1/2 Breathe  ·  In  ·  0:34 left in step  ·  0:06 / 1:10"
    session.seek(60)
    session.pause()
    assert status_line(session) == ("2/2 Strokes  ·  right side  ·  0:10 left in step  ·  "
                                    "1:00 / 1:10  ·  paused (Space resumes)")


def test_control_characters_in_a_title_never_reach_the_terminal(timeline: Timeline) -> None:
    driver = _Still()
    session = make_session(timeline, driver, ClickVoice())  # type: ignore[arg-type]
    wait_until_playing(session, driver)  # type: ignore[arg-type]
    step = timeline.steps[0].step
    object.__setattr__(step, "title", "Breathe\x1b[2J\x07")  # as if validation had let it in
    assert "\x1b" not in status_line(session) and "\\x1b[2J" in status_line(session)


def test_the_keys_pause_skip_say_where_and_stop(timeline: Timeline,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    driver = _Still()
    session = make_session(timeline, driver, ClickVoice())  # type: ignore[arg-type]
    wait_until_playing(session, driver)  # type: ignore[arg-type]
    asked: list[str] = []
    monkeypatch.setattr(session, "where_am_i", lambda: asked.append("where") or "")
    assert act_on_key(session, " ") and session.player.state is State.PAUSED
    assert act_on_key(session, " ") and session.player.state is State.RUNNING
    assert act_on_key(session, "n") and session.player.current_step.index == 1
    assert act_on_key(session, "p") and session.player.current_step.index == 0
    assert act_on_key(session, "w") and act_on_key(session, "W") and asked == ["where"] * 2
    assert act_on_key(session, "x") and act_on_key(session, "")  # nothing, and no key
    assert not act_on_key(session, "q") and session.stage is Stage.STOPPED
