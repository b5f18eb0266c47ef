"""`backcare-desktop play`: a session in the terminal, hands-free, on the live audio clock."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import sys
import termios
import tty
from collections.abc import Iterator

from backcare_desktop.audio.output import AudioOutput
from backcare_desktop.audio.signal import RATE
from backcare_desktop.durations import format_clock
from backcare_desktop.routines.text import printable
from backcare_desktop.session.live import LiveSession, Stage
from backcare_desktop.session.player import State

TICK_SECONDS = 0.05


@contextlib.contextmanager
def _keys() -> Iterator[bool]:
    """Single key presses without Enter, when stdin is a terminal; restored on the way out."""
    if not sys.stdin.isatty():
        yield False
        return
    saved = termios.tcgetattr(sys.stdin)
    try:
        tty.setcbreak(sys.stdin)
        yield True
    finally:
        termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)


def _key(timeout: float, interactive: bool) -> str:
    if not interactive:
        select.select([], [], [], timeout)
        return ""
    ready, _, _ = select.select([sys.stdin], [], [], timeout)
    return os.read(sys.stdin.fileno(), 1).decode(errors="ignore") if ready else ""


def status_line(session: LiveSession) -> str:
    player = session.player
    if session.stage in (Stage.PREPARING, Stage.READY):
        return f"Preparing the voice ... {session.fraction:.0%}"
    step = player.current_step
    position = player.position
    left = step.end - position
    parts = [f"{step.index + 1}/{len(player.timeline.steps)} {printable(step.step.title)}",
             f"{format_clock(left)} left in step",
             f"{format_clock(player.position)} / {format_clock(player.timeline.duration)}"]
    side = step.side_at(position)
    if side:
        parts.insert(1, f"{side} side")
    phase = player.current_phase
    if phase is not None:
        parts.insert(1, phase.kind.label)
    if player.state is State.PAUSED:
        parts.append("paused (Space resumes)")
    return "  ·  ".join(parts)


def act_on_key(session: LiveSession, key: str) -> bool:
    """Does what `key` asks of the session; False once it asks to stop."""
    if key in ("q", "\x1b"):
        session.stop()
        return False
    action = {" ": session.toggle_pause, "n": session.next_step, "p": session.previous_step,
              "w": session.where_am_i, "W": session.where_am_i}.get(key)
    if action is not None:
        action()
    return True


def play_in_terminal(session: LiveSession, output: AudioOutput) -> int:
    """Plays `session` (made on `output`) to its end, with one status line and the keys."""
    width = shutil.get_terminal_size((100, 20)).columns - 1
    print("Space pauses or resumes, n/p skip steps, w says where you are, q stops.",
          file=sys.stderr)
    tty_out = sys.stderr.isatty()
    shown = ""
    session.start()
    try:
        with _keys() as interactive:
            while not session.stage.ended or output.feed.sounding_now:
                for notice in [*output.take_notices(), *session.take_notices()]:
                    sys.stderr.write(f"\r{printable(notice.short):<{width}}\n")
                if not act_on_key(session, _key(TICK_SECONDS, interactive)):
                    break
                session.tick()
                line = status_line(session)[:width]
                if line != shown:
                    shown = line
                    sys.stderr.write(f"\r{line:<{width}}" if tty_out else f"{line}\n")
                    sys.stderr.flush()
    finally:
        sys.stderr.write("\n")
        output.close()
    ending = {Stage.FINISHED: "Session finished.", Stage.FAILED: "The session failed."}
    print(ending.get(session.stage, "Stopped."))
    ahead = output.ahead
    if ahead.underruns:
        print(f"The sound dropped out {ahead.underruns} time"
              f"{'s' if ahead.underruns > 1 else ''} ({ahead.underrun_frames / RATE:.2f} s "
              "in all): the computer was busy.")
    return 1 if session.stage is Stage.FAILED else 0


