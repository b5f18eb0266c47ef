"""The command line: the app by default, and tools for routines and sessions.

Every failure the user can cause ends as one line on stderr and exit status 1, never a
traceback or a usage block, argument mistakes included; what the user names (a file, a
folder, a number) is checked before minutes of work depend on it. Heavy modules (Qt, audio,
voice) are imported only by the commands that use them, so `check` and `plan` start instantly.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from backcare_desktop import __version__
from backcare_desktop.errors import BackCareError
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.loader import (
    MAX_PROBLEMS,
    Library,
    load_routine_file,
    resolve_routine,
)
from backcare_desktop.routines.model import Routine
from backcare_desktop.routines.text import printable
from backcare_desktop.session.plan import timeline_to_dict, timeline_to_text
from backcare_desktop.session.timeline import (
    AdjustmentError,
    Adjustments,
    Timeline,
    compile_timeline,
)

if TYPE_CHECKING:
    from backcare_desktop.audio.ambient import Ambient
    from backcare_desktop.audio.mixer import SessionMix
    from backcare_desktop.voice.engines import SpeechEngine


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return int(args.run(args))
    except BackCareError as error:
        _say(f"backcare-desktop: {error.short}", sys.stderr)
    except OSError as error:
        _say(f"backcare-desktop: {_os_problem(error)}", sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 1


class _Parser(argparse.ArgumentParser):
    """Argument mistakes get the one line every other mistake gets, not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise BackCareError(f"{message} (see {self.prog} --help)")


_ROUTINE_HELP = "a routine's id, or a routine file's path (with a / or ending in .toml)"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="backcare-desktop",
        description="A hands-free player for guided back-care self-massage and relaxation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--background", action="store_true",
                        help="open no window while desk-break reminders keep the app in the "
                        "tray (what the autostart entry runs)")
    parser.set_defaults(run=_run_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser("check", help="validate routine files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--voice", action="store_true",
                       help="also warn where a cue's speech would overrun the next cue or its step")
    check.add_argument("--verbose", action="store_true",
                       help=f"list every problem of a file, not only the first {MAX_PROBLEMS}, "
                            "each with its detail")
    check.set_defaults(run=_run_check)

    plan = commands.add_parser("plan", help="print a routine's compiled timeline")
    _add_session_arguments(plan)
    plan.add_argument("--json", action="store_true",
                      help="machine-readable output, with each cue's spoken length in seconds "
                           "where the voice has already made it")
    plan.add_argument("--voice", choices=("piper", "espeak"), default="piper",
                      help="whose spoken lengths --json reports (default: piper)")
    plan.set_defaults(run=_run_plan)

    render = commands.add_parser("render", help="write a whole session to an audio file")
    _add_session_arguments(render)
    _add_sound_arguments(render)
    render.add_argument("--out", type=_output_file, required=True, metavar="FILE",
                        help="output file: .wav, .flac, .ogg or .mp3")
    render.add_argument("--captions", type=_output_file, metavar="FILE.vtt",
                        help="also write WebVTT captions of every spoken cue")
    render.add_argument("--loudness", type=_loudness, default=DEFAULT_LOUDNESS_LUFS,
                        metavar="LUFS",
                        help=f"level the file to this integrated loudness, true peaks under "
                             f"-1 dBTP, or 'off' for the mix as it is (default: "
                             f"{DEFAULT_LOUDNESS_LUFS:g})")
    render.set_defaults(run=_run_render)

    play = commands.add_parser("play", help="play a session in the terminal")
    _add_session_arguments(play)
    _add_sound_arguments(play)
    play.set_defaults(run=_run_play)

    history = commands.add_parser("history", help="list the sessions played on this computer")
    form = history.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="machine-readable output")
    form.add_argument("--csv", action="store_true", help="comma-separated values, as the "
                                                         "window's Export writes them")
    history.set_defaults(run=_run_history)

    shot = commands.add_parser("screenshot", help="draw a screen of the window to PNG, and "
                                                  "report anything cut off in it")
    shot.add_argument("routine", metavar="ROUTINE", help=_ROUTINE_HELP)
    shot.add_argument("--at", type=_moment, default=0.0, metavar="SECONDS")
    shot.add_argument("--out", type=_output_file, metavar="FILE.png")
    shot.add_argument("--every", type=_folder, metavar="FOLDER",
                      help="instead of --out: every view at 800x560, 1280x800 and 1920x1080 "
                           "in both themes, into FOLDER")
    shot.add_argument("--size", type=_size, default="1280x800", metavar="WxH",
                      help="in device pixels (default: 1280x800)")
    shot.add_argument("--theme", choices=("light", "dark"), default="light")
    shot.add_argument("--view", choices=("session", "library", "setup", "end", "settings",
                                         "history", "figure"),
                      default="session",
                      help="which screen to draw (default: the session view; 'figure': the "
                           "step's figure alone)")
    shot.add_argument("--scale", type=_scale, default=1.0, metavar="FACTOR",
                      help="draw as a desktop scaled this much would (1 to 4; default: 1)")
    shot.add_argument("--frames", type=_frames, default=1, metavar="N",
                      help="more than 1: an animated PNG of N moments from --at on")
    shot.add_argument("--fps", type=_fps, default=10, metavar="N",
                      help="moments a second in an animated PNG (default: 10)")
    shot.set_defaults(run=_run_screenshot)
    return parser


def _add_session_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("routine", metavar="ROUTINE", help=_ROUTINE_HELP)
    parser.add_argument("--fit", type=_number, metavar="MINUTES",
                        help="fit the whole session to this many minutes")
    parser.add_argument("--step-duration", type=_step_duration, action="append", default=[],
                        metavar="STEP_ID=SECONDS", help="set one step's duration (repeatable)")


def _add_sound_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ambient", default="rain", metavar="NAME",
                        help="ambient soundtrack: a bundled name, a file path, or 'none'")
    parser.add_argument("--voice", choices=("piper", "espeak", "none"), default="piper",
                        help="voice for the spoken cues (default: piper)")
    parser.add_argument("--tones", choices=("soft", "bowl", "off"), default="soft",
                        help="breathing tone style")


# Argument types: each refuses a bad value in one line before any work starts ---------------


def _number(text: str) -> float:
    """A finite number: nan and inf pass `float()`, then slip past every range check."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


DEFAULT_LOUDNESS_LUFS = -18.0
"""audio.export.TARGET_LUFS, stated here so `--help` needs no audio import (a test holds
the two equal)."""
LOUDNESS_RANGE_LUFS = (-40.0, -6.0)


def _loudness(text: str) -> float | None:
    if text.strip().lower() == "off":
        return None
    value = _number(text)
    low, high = LOUDNESS_RANGE_LUFS
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"must be {low:g} to {high:g} LUFS, or 'off', got {text!r}")
    return value


def _moment(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 seconds or more, got {text!r}")
    return value


def _step_duration(text: str) -> tuple[str, float]:
    step_id, equals, seconds = text.partition("=")
    if not equals or not step_id.strip():
        raise argparse.ArgumentTypeError(f"wants STEP_ID=SECONDS, got {text!r}")
    value = _number(seconds)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"seconds must be more than 0, got {text!r}")
    return step_id.strip(), value


MAX_SCREENSHOT_SIDE = 8192
"""Pixels: a bigger picture is no use, and an absurd one would exhaust memory."""


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must look like 1280x800, got {text!r}") from None
    if not (0 < width <= MAX_SCREENSHOT_SIDE and 0 < height <= MAX_SCREENSHOT_SIDE):
        raise argparse.ArgumentTypeError(
            f"each side must be 1 to {MAX_SCREENSHOT_SIDE} pixels, got {text!r}")
    return width, height


def _whole(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be {low} to {high}, got {text!r}")
    return value


def _frames(text: str) -> int:
    return _whole(text, 1, 600)


def _fps(text: str) -> int:
    return _whole(text, 1, 60)


def _scale(text: str) -> float:
    value = _number(text)
    if not 1 <= value <= 4:
        raise argparse.ArgumentTypeError(f"must be 1 to 4, got {text!r}")
    return value


def _folder(text: str) -> Path:
    """An existing folder that can be written (not made: see `_output_file`)."""
    folder = Path(text)
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"{folder}: cannot write in this folder")
    return folder


def _output_file(text: str) -> Path:
    """A file to write, in a folder that exists and can be written: refused now rather than
    after minutes of rendering. Missing folders are not made, so a mistyped path does not
    leave new folders about."""
    path = Path(text)
    _folder(str(path.parent))
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: is a folder")
    return path


# Commands -----------------------------------------------------------------------------------


def _run_check(args: argparse.Namespace) -> int:
    """Checks each file as the app would load it, ids included: reusing the id of a bundled
    routine, or of a file given before, is a problem here just as in the library."""
    library = Library()
    library.add_folder(bundled_routines_dir(), bundled=True)
    engine = _voice_engine("piper") if args.voice else None
    failed = False
    for path in args.files:
        result = load_routine_file(path, None if args.verbose else MAX_PROBLEMS)
        problems = library.add(path, result, bundled=False)
        for problem in problems:
            _say(str(problem))
            if args.verbose and problem.detail:
                _say(f"    {problem.detail}")
        warnings: list[str] = []
        if engine is not None and isinstance(result, Routine):
            from backcare_desktop.voice.fit import speech_overruns

            warnings = speech_overruns(path, result, engine)
        for warning in warnings:
            _say(warning)
        failed = failed or bool(problems or warnings)
    return 1 if failed else 0


def _run_plan(args: argparse.Namespace) -> int:
    timeline = _timeline(args)
    if args.json:
        from backcare_desktop.voice.engines import create_engine
        from backcare_desktop.voice.prepare import cached_speech_seconds

        lengths = cached_speech_seconds(create_engine(args.voice))
        print(json.dumps(timeline_to_dict(timeline, lengths), indent=2))  # escapes controls
    else:
        _say(timeline_to_text(timeline), keep="\n")
    return 0


def _run_render(args: argparse.Namespace) -> int:
    from backcare_desktop.audio.export import export_session

    timeline = _timeline(args)
    mix = _session_mix(args, timeline)
    export_session(mix, args.out, captions=args.captions, progress=_progress_bar,
                   loudness=args.loudness)  # its ExportError is a BackCareError, said by main
    _say(f"wrote {args.out}" + (f" and {args.captions}" if args.captions else ""))
    return 0


def _run_play(args: argparse.Namespace) -> int:
    from concurrent.futures import Future

    from backcare_desktop.audio.mixer import SoundSettings
    from backcare_desktop.audio.output import AudioOutput
    from backcare_desktop.history.recorder import record_to_history
    from backcare_desktop.session.live import LiveSession
    from backcare_desktop.terminal import play_in_terminal
    from backcare_desktop.voice.prepare import ClipPreparer, let_voices_finish

    timeline = _timeline(args)
    ambient: Future[Ambient] = Future()
    ambient.set_result(_ambient(args))
    output = AudioOutput()
    output.open()
    session = LiveSession(timeline, ClipPreparer(timeline, _voice_engine(args.voice)), ambient,
                          SoundSettings(tone_style=args.tones), output)
    record_to_history(session, args.ambient,
                      lambda notice: _say(f"backcare-desktop: {notice.short}", sys.stderr))
    try:
        return play_in_terminal(session, output)
    finally:
        session.stop()  # Ctrl+C ends it too, as stopped (and so in the history)
        let_voices_finish()  # never exit mid-sentence: Piper's teardown would abort


def _run_history(args: argparse.Namespace) -> int:
    from backcare_desktop.history.export import to_json, to_table, write_csv
    from backcare_desktop.history.store import open_history

    history, problem = open_history()  # its HistoryError is a BackCareError, said by main
    if problem is not None:
        _say(f"backcare-desktop: {problem.short}", sys.stderr)
    entries = history.entries()
    history.close()
    if args.csv:
        write_csv(entries, sys.stdout)  # quoted as CSV quotes, for a program to read
    elif args.json:
        print(to_json(entries))  # escapes controls
    else:
        _say(to_table(entries), keep="\n")
    return 0


def _run_screenshot(args: argparse.Namespace) -> int:
    from backcare_desktop.ui.screenshot import (
        save_every_screenshot,
        save_screenshot,
    )

    if (args.out is None) == (args.every is None):
        raise BackCareError("screenshot: give either --out FILE.png or --every FOLDER")
    routine = _routine(args.routine)
    if args.every is not None:  # a ScreenshotError is a BackCareError, said by main
        problems = save_every_screenshot(routine, args.at, args.every, args.scale)
    else:
        problems = save_screenshot(routine, args.at, args.out, args.size, args.theme,
                                   args.view, args.scale, args.frames, args.fps)
    for problem in problems:
        _say(f"cut off: {problem}", sys.stderr)
    _say(f"wrote {args.out or args.every}")
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from backcare_desktop.ui.app import run_app

    return run_app(background=args.background)  # NoDisplayError is a BackCareError


# Shared pieces ------------------------------------------------------------------------------


def _say(text: str, stream: TextIO | None = None, keep: str = "") -> None:
    """Prints text that may carry the user's words (a file name, a title) so that no control
    character in them acts on the terminal; `keep` names the ones meant (line breaks)."""
    print(printable(text, keep), file=stream or sys.stdout)


def _os_problem(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return error.strerror or str(error)


def _routine(name: str) -> Routine:
    result = resolve_routine(name)
    if isinstance(result, list):
        more = f" (and more: backcare-desktop check {name})" if len(result) > 1 else ""
        raise BackCareError(f"{result[0]}{more}")
    return result


def _timeline(args: argparse.Namespace) -> Timeline:
    routine = _routine(args.routine)
    try:
        return compile_timeline(routine, Adjustments(dict(args.step_duration), args.fit))
    except AdjustmentError as error:
        raise BackCareError(str(error)) from None


def _voice_engine(name: str) -> SpeechEngine:
    from backcare_desktop.voice.engines import create_engine

    engine = create_engine(name)
    if engine.fallback_reason:
        _say(f"backcare-desktop: {engine.fallback_reason}", sys.stderr)
    return engine


def _ambient(args: argparse.Namespace) -> Ambient:
    from backcare_desktop.audio.ambient import load_ambient

    return load_ambient(args.ambient)  # its AmbientError is a BackCareError, said by main


def _session_mix(args: argparse.Namespace, timeline: Timeline) -> SessionMix:
    from backcare_desktop.audio.mixer import SessionMix, SoundSettings
    from backcare_desktop.voice.prepare import prepare_clips

    ambient = _ambient(args)
    clips = prepare_clips(timeline, _voice_engine(args.voice), progress=_progress_bar)
    return SessionMix(timeline, clips, ambient, SoundSettings(tone_style=args.tones))


def _progress_bar(label: str, done: float) -> None:
    """One updating line on a terminal; silent when output goes to a file."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = round(width * min(max(done, 0.0), 1.0))
    end = "\n" if done >= 1.0 else ""
    sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done:4.0%}{end}")
    sys.stderr.flush()
