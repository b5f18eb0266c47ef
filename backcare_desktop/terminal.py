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

from backcare_desktop.audio.mixer import SessionMix
from backcare_desktop.audio.output import AudioOutput, LiveFeed
from backcare_desktop.session.plan import format_clock
from backcare_desktop.session.player import Player, State
from backcare_desktop.session.timeline import Timeline

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


def status_line(player: Player) -> str:
    step = player.current_step
    position = player.position
    left = step.end - position
    parts = [f"{step.index + 1}/{len(player.timeline.steps)} {step.step.title}",
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


def play_in_terminal(timeline: Timeline, mix: SessionMix) -> int:
    feed = LiveFeed()
    messages: list[str] = []
    output = AudioOutput(feed, on_status=messages.append)
    output.open()
    player = Player(timeline, output.clock)
    feed.follow(mix, lambda: player.anchor)
    width = shutil.get_terminal_size((100, 20)).columns - 1
    print("Space pauses or resumes, n/p skip steps, q stops.", file=sys.stderr)
    tty_out = sys.stderr.isatty()
    shown = ""
    player.start()
    try:
        with _keys() as interactive:
            while player.state is not State.FINISHED or feed.sounding:
                for message in messages:
                    sys.stderr.write(f"\r{message:<{width}}\n")
                messages.clear()
                key = _key(TICK_SECONDS, interactive)
                if key == " ":
                    player.toggle_pause()
                elif key in ("n", "p"):
                    (player.next_step if key == "n" else player.previous_step)()
                elif key in ("q", "\x1b"):
                    player.stop()
                    break
                player.tick()
                line = status_line(player)[:width]
                if line != shown:
                    shown = line
                    sys.stderr.write(f"\r{line:<{width}}" if tty_out else f"{line}\n")
                    sys.stderr.flush()
    finally:
        sys.stderr.write("\n")
        output.close()
    print("Session finished." if player.state is State.FINISHED else "Stopped.")
    return 0
