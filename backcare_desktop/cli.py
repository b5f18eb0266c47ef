"""The command line: the app by default, and tools for routines and sessions.

Every failure the user can cause ends as one line on stderr and a non-zero exit, never a
traceback. Heavy modules (Qt, audio, voice) are imported only by the commands that use them,
so `check` and `plan` start instantly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_desktop import __version__
from backcare_desktop.routines.loader import load_routine_file, resolve_routine
from backcare_desktop.routines.model import Routine
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


class UserError(Exception):
    """A problem with what the user asked for, said in one line."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UserError as error:
        print(f"backcare-desktop: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backcare-desktop",
        description="A hands-free player for guided back-care self-massage and relaxation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(run=_run_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser("check", help="validate routine files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--voice", action="store_true",
                       help="also warn where a cue's speech would overrun the next cue or its step")
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
    render.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="output file: .wav, .flac, .ogg or .mp3")
    render.add_argument("--captions", type=Path, metavar="FILE.vtt",
                        help="also write WebVTT captions of every spoken cue")
    render.set_defaults(run=_run_render)

    play = commands.add_parser("play", help="play a session in the terminal")
    _add_session_arguments(play)
    _add_sound_arguments(play)
    play.set_defaults(run=_run_play)

    shot = commands.add_parser("screenshot", help="render the session view at a moment to PNG")
    shot.add_argument("routine", metavar="ROUTINE", help="a bundled routine id or a file path")
    shot.add_argument("--at", type=float, default=0.0, metavar="SECONDS")
    shot.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    shot.add_argument("--size", default="1280x800", metavar="WxH")
    shot.add_argument("--theme", choices=("light", "dark"), default="light")
    shot.add_argument("--view", choices=("session", "library", "setup", "end"), default="session",
                      help="which screen to draw (default: the session view)")
    shot.set_defaults(run=_run_screenshot)
    return parser


def _add_session_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("routine", metavar="ROUTINE", help="a bundled routine id or a file path")
    parser.add_argument("--fit", type=float, metavar="MINUTES",
                        help="fit the whole session to this many minutes")
    parser.add_argument("--step-duration", action="append", default=[], metavar="STEP_ID=SECONDS",
                        help="set one step's duration (repeatable)")


def _add_sound_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ambient", default="rain", metavar="NAME",
                        help="ambient soundtrack: a bundled name, a file path, or 'none'")
    parser.add_argument("--voice", choices=("piper", "espeak", "none"), default="piper",
                        help="voice for the spoken cues (default: piper)")
    parser.add_argument("--tones", choices=("soft", "bowl", "off"), default="soft",
                        help="breathing tone style")


# Commands -----------------------------------------------------------------------------------


def _run_check(args: argparse.Namespace) -> int:
    problems = 0
    for path in args.files:
        result = load_routine_file(path)
        if isinstance(result, list):
            problems += len(result)
            for problem in result:
                print(problem)
            continue
        if args.voice:
            from backcare_desktop.voice.fit import speech_overruns

            warnings = speech_overruns(path, result, _voice_engine("piper"))
            problems += len(warnings)
            for warning in warnings:
                print(warning)
    return 1 if problems else 0


def _run_plan(args: argparse.Namespace) -> int:
    timeline = _timeline(args)
    if args.json:
        from backcare_desktop.voice.engines import create_engine
        from backcare_desktop.voice.prepare import cached_speech_seconds

        lengths = cached_speech_seconds(create_engine(args.voice))
        print(json.dumps(timeline_to_dict(timeline, lengths), indent=2))
    else:
        print(timeline_to_text(timeline))
    return 0


def _run_render(args: argparse.Namespace) -> int:
    from backcare_desktop.audio.export import ExportError, export_session

    timeline = _timeline(args)
    mix = _session_mix(args, timeline)
    try:
        export_session(mix, args.out, captions=args.captions, progress=_progress_bar)
    except ExportError as error:
        raise UserError(str(error)) from None
    print(f"wrote {args.out}" + (f" and {args.captions}" if args.captions else ""))
    return 0


def _run_play(args: argparse.Namespace) -> int:
    from concurrent.futures import Future

    from backcare_desktop.audio.mixer import SoundSettings
    from backcare_desktop.audio.output import AudioOutput
    from backcare_desktop.session.live import LiveSession
    from backcare_desktop.terminal import play_in_terminal
    from backcare_desktop.voice.prepare import ClipPreparer

    timeline = _timeline(args)
    ambient: Future[Ambient] = Future()
    ambient.set_result(_ambient(args))
    output = AudioOutput()
    output.open()
    session = LiveSession(timeline, ClipPreparer(timeline, _voice_engine(args.voice)), ambient,
                          SoundSettings(tone_style=args.tones), output)
    return play_in_terminal(session, output)


def _run_screenshot(args: argparse.Namespace) -> int:
    from backcare_desktop.ui.screenshot import ScreenshotError, save_screenshot

    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 1280x800, got {args.size!r}") from None
    routine = _routine(args.routine)
    try:
        save_screenshot(routine, args.at, args.out, (width, height), args.theme, args.view)
    except ScreenshotError as error:
        raise UserError(str(error)) from None
    print(f"wrote {args.out}")
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from backcare_desktop.ui.app import NoDisplayError, run_app

    try:
        return run_app()
    except NoDisplayError as error:
        raise UserError(str(error)) from None


# Shared pieces ------------------------------------------------------------------------------


def _routine(name: str) -> Routine:
    result = resolve_routine(name)
    if isinstance(result, list):
        raise UserError("; ".join(str(problem) for problem in result))
    return result


def _timeline(args: argparse.Namespace) -> Timeline:
    routine = _routine(args.routine)
    durations: dict[str, float] = {}
    for item in args.step_duration:
        step_id, _, seconds = item.partition("=")
        try:
            durations[step_id.strip()] = float(seconds)
        except ValueError:
            raise UserError(f"--step-duration wants STEP_ID=SECONDS, got {item!r}") from None
    try:
        return compile_timeline(routine, Adjustments(durations, args.fit))
    except AdjustmentError as error:
        raise UserError(str(error)) from None


def _voice_engine(name: str) -> SpeechEngine:
    from backcare_desktop.voice.engines import create_engine

    engine = create_engine(name)
    if engine.fallback_reason:
        print(f"backcare-desktop: {engine.fallback_reason}", file=sys.stderr)
    return engine


def _ambient(args: argparse.Namespace) -> Ambient:
    from backcare_desktop.audio.ambient import AmbientError, load_ambient

    try:
        return load_ambient(args.ambient)
    except AmbientError as error:
        raise UserError(str(error)) from None


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
