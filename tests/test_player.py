from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_desktop.routines.loader import load_routine_file
from backcare_desktop.routines.model import Routine
from backcare_desktop.session.player import (
    BreathingPhaseChanged,
    CueDue,
    Event,
    Finished,
    ManualClock,
    Player,
    State,
    StepChanged,
)
from backcare_desktop.session.timeline import Timeline, compile_timeline
from tests.conftest import VALID_ROUTINE


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    path = tmp_path_factory.mktemp("routine") / "tiny.toml"
    path.write_text(VALID_ROUTINE)
    routine = load_routine_file(path)
    assert isinstance(routine, Routine)
    return compile_timeline(routine)


def make_player(timeline: Timeline) -> tuple[Player, ManualClock, list[Event]]:
    clock = ManualClock()
    player = Player(timeline, clock)
    events: list[Event] = []
    player.subscribe(events.append)
    return player, clock, events


def run(player: Player, clock: ManualClock, seconds: float, step: float = 0.25) -> None:
    for _ in range(round(seconds / step)):
        clock.advance(step)
        player.tick()


def cue_times(events: list[Event]) -> list[float]:
    return [event.cue.time for event in events if isinstance(event, CueDue)]


def test_a_whole_session_fires_every_cue_once_in_order(timeline: Timeline) -> None:
    player, clock, events = make_player(timeline)
    player.start()
    run(player, clock, 80)
    assert player.state is State.FINISHED
    assert cue_times(events) == [cue.time for cue in timeline.cues]
    assert [e.step.index for e in events if isinstance(e, StepChanged)] == [0, 1]
    assert sum(isinstance(e, Finished) for e in events) == 1
    assert player.position == timeline.duration


def test_pause_holds_the_position_and_resume_continues(timeline: Timeline) -> None:
    player, clock, events = make_player(timeline)
    player.start()
    run(player, clock, 10)
    player.pause()
    clock.advance(300)
    player.tick()
    assert player.position == pytest.approx(10)
    fired = len(cue_times(events))
    player.resume()
    run(player, clock, 5)
    assert player.position == pytest.approx(15)
    assert len(cue_times(events)) == fired + 1  # the exhale at 15 s, nothing stale


def test_next_previous_and_restart(timeline: Timeline) -> None:
    player, clock, _ = make_player(timeline)
    player.start()
    run(player, clock, 3)
    player.next_step()
    assert player.current_step.index == 1 and player.position == 40
    run(player, clock, 1)
    player.previous_step()  # within two seconds of its start: back to the step before
    assert player.current_step.index == 0
    player.next_step()
    run(player, clock, 10)
    player.previous_step()  # well into the step: restarts it
    assert player.current_step.index == 1 and player.position == 40
    run(player, clock, 4)
    player.restart_step()
    assert player.position == 40


def test_seek_skips_cues_behind_it_and_announces_the_breath_phase(timeline: Timeline) -> None:
    player, clock, events = make_player(timeline)
    player.start()
    events.clear()
    player.seek(16)
    phases = [e.phase for e in events if isinstance(e, BreathingPhaseChanged)]
    assert phases and phases[-1] is not None and phases[-1].start == 15
    assert cue_times(events) == []
    run(player, clock, 4)
    assert cue_times(events) == [19]


def test_a_large_clock_jump_pauses_instead_of_firing_stale_cues(timeline: Timeline) -> None:
    player, clock, events = make_player(timeline)
    player.start()
    run(player, clock, 2)
    fired = len(cue_times(events))
    clock.advance(3600)
    player.tick()
    assert player.state is State.PAUSED
    assert player.position == pytest.approx(2)
    assert len(cue_times(events)) == fired


def test_stop_returns_to_idle_at_the_start(timeline: Timeline) -> None:
    player, clock, _ = make_player(timeline)
    player.start()
    run(player, clock, 20)
    player.stop()
    assert player.state is State.IDLE and player.position == 0


COMMANDS = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.floats(0.05, 4.0)),
        st.tuples(st.sampled_from(["pause", "resume", "next", "previous", "restart"]),
                  st.just(0.0)),
        st.tuples(st.just("seek"), st.floats(0, 75)),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(commands=COMMANDS)
def test_events_stay_in_timeline_order_and_time_adds_up(timeline: Timeline, commands: list) -> None:
    player, clock, events = make_player(timeline)
    player.start()
    played = 0.0
    for name, value in commands:
        before = player.position
        if name == "advance":
            was_running = player.state is State.RUNNING
            clock.advance(value)
            player.tick()
            if was_running:
                played += player.position - before
        else:
            events.append(StepChanged(player.current_step))  # a marker: order restarts here
            if name == "seek":
                player.seek(value)
            else:
                {"pause": player.pause, "resume": player.resume, "next": player.next_step,
                 "previous": player.previous_step, "restart": player.restart_step}[name]()
        assert 0 <= player.position <= timeline.duration
    # Between commands, cues come in timeline order and none twice.
    run_of: list[float] = []
    for event in events:
        if isinstance(event, StepChanged):
            run_of = []
        elif isinstance(event, CueDue):
            assert not run_of or event.cue.time >= run_of[-1]
            run_of.append(event.cue.time)
    assert played <= timeline.duration + 1e-6
    assert sum(isinstance(e, Finished) for e in events) <= 1 + sum(
        1 for name, _ in commands if name in {"seek", "previous", "restart"})
