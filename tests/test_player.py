from __future__ import annotations

import itertools

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
    StateChanged,
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


def command_lists(timeline: Timeline) -> st.SearchStrategy[list[tuple[str, float]]]:
    """Commands in any order. Seeks land anywhere (past the end too), and often exactly on a
    cue or a step's start, where an off-by-one fires a cue twice or not at all."""
    moments = sorted({timeline.duration, *(cue.time for cue in timeline.cues),
                      *(step.start for step in timeline.steps)})
    return st.lists(
        st.one_of(
            st.tuples(st.just("advance"), st.floats(0.05, 4.0)),
            st.tuples(st.sampled_from(["pause", "resume", "next", "previous", "restart"]),
                      st.just(0.0)),
            st.tuples(st.just("seek"),
                      st.floats(0, timeline.duration + 5) | st.sampled_from(moments)),
        ),
        max_size=40,
    )


JUMPS = {"seek", "next", "previous", "restart"}


def announced_changes(events: list[Event]) -> list[list[Event]]:
    """Each kind of change the player announces, in order: step, breath phase, state."""
    return [[e for e in events if isinstance(e, kind)]
            for kind in (StepChanged, BreathingPhaseChanged, StateChanged)]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_each_command_fires_exactly_the_cues_it_reaches_none_twice_and_time_adds_up(
        timeline: Timeline, data: st.DataObject) -> None:
    commands = data.draw(command_lists(timeline), label="commands")
    times = [cue.time for cue in timeline.cues]
    player, clock, events = make_player(timeline)
    player.start()
    assert cue_times(events) == [t for t in times if t == 0]
    played = 0.0
    for name, value in commands:
        before, seen = player.position, len(events)
        if name == "advance":
            was_running = player.state is State.RUNNING
            clock.advance(value)
            player.tick()
            after = player.position
            # The playhead swept (before, after]: every cue in it, once, in timeline order.
            expected = [t for t in times if before < t <= after] if was_running else []
            played += after - before if was_running else 0.0
        else:
            at_the_end = (player.current_step.index == len(timeline.steps) - 1
                          and player.state not in (State.RUNNING, State.PAUSED))
            jumps = name in JUMPS and not (name == "next" and at_the_end)
            if name == "seek":
                player.seek(value)
            else:
                {"pause": player.pause, "resume": player.resume, "next": player.next_step,
                 "previous": player.previous_step, "restart": player.restart_step}[name]()
            after = player.position
            # A jump lands on a moment: only the cues at exactly that moment are due.
            expected = [t for t in times if t == after] if jumps else []
        assert cue_times(events[seen:]) == expected, (name, value, before, after)
        assert 0 <= player.position <= timeline.duration
    for changes in announced_changes(events):
        assert all(a != b for a, b in itertools.pairwise(changes))  # no change twice in a row
    assert played <= timeline.duration + 1e-6
    finishes = [i for i, e in enumerate(events) if isinstance(e, Finished)]
    assert finishes == [i + 1 for i, e in enumerate(events)
                        if e == StateChanged(State.FINISHED)]
