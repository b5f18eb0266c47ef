from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backcare_desktop import cli
from backcare_desktop.cli import main
from backcare_desktop.paths import bundled_routines_dir
from backcare_desktop.routines.model import Routine
from tests.conftest import VALID_ROUTINE, WriteRoutine


def test_check_passes_on_the_bundled_routines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, sorted(bundled_routines_dir().glob("*.toml")))]) == 0
    assert capsys.readouterr().out == ""


def test_check_prints_one_line_per_problem(write_routine: WriteRoutine,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    good = write_routine()
    bad = write_routine(VALID_ROUTINE.replace("duration = 30", "duration = 9999"), "bad.toml")
    assert main(["check", str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{bad}: steps[1].duration: must be between 5 and 900 seconds, got 9999"]


def test_plan_json_fits_full_back_care_to_fifteen_minutes(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "full-back-care", "--fit", "15", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert abs(plan["duration"] - 900) <= 10
    assert plan["steps"][0]["start"] == 0 and plan["steps"][-1]["end"] == plan["duration"]
    assert {"time", "text", "kind", "step"} <= set(plan["cues"][0])
    assert plan["breathing_phases"][0]["kind"] == "inhale"


def test_plan_takes_step_durations(write_routine: WriteRoutine,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(write_routine()), "--step-duration", "strokes=50", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["steps"][1]["end"] - plan["steps"][1]["start"] == 50


QUIET = ["--voice", "none", "--ambient", "none"]
"""Render options that make a render quick, should a bad argument get through to one."""


@pytest.mark.parametrize(("argv", "expected"), [
    (["plan", "no-such-routine"], "no such routine id"),
    (["plan", "desk-break", "--step-duration", "sit-tall"], "wants STEP_ID=SECONDS"),
    (["plan", "desk-break", "--step-duration", "ghost=10"], "has no step 'ghost'"),
    (["plan", "desk-break", "--fit", "-3"], "fit must be between"),
    (["plan", "desk-break", "--fit", "nan"], "--fit: must be a finite number, got 'nan'"),
    (["plan", "desk-break", "--step-duration", "sit-tall=nan"], "must be a finite number"),
    (["plan", "desk-break", "--step-duration", "sit-tall=inf"], "must be a finite number"),
    (["plan", "desk-break", "--step-duration", "sit-tall=-5"], "seconds must be more than 0"),
    (["screenshot", "desk-break", "--at", "nan", "--out", "{tmp}/s.png"],
     "--at: must be a finite number, got 'nan'"),
    (["screenshot", "desk-break", "--size", "99999x99999", "--out", "{tmp}/s.png"],
     "--size: each side must be 1 to 8192 pixels"),
    (["render", "desk-break", *QUIET, "--out", "{tmp}/file.txt/out.wav"],
     "--out: {tmp}/file.txt: not a folder"),
    (["render", "desk-break", *QUIET, "--out", "{tmp}/o.wav", "--captions",
      "{tmp}/file.txt/o.vtt"], "--captions: {tmp}/file.txt: not a folder"),
    (["render", "desk-break", *QUIET, "--out", "{tmp}/missing/o.wav"],
     "--out: {tmp}/missing: no such folder"),
    (["render", "desk-break", *QUIET, "--out", "{tmp}/o.wav", "--captions",
      "{tmp}/missing/o.vtt"], "--captions: {tmp}/missing: no such folder"),
    (["render", "desk-break", *QUIET, "--out", "{tmp}"], "--out: {tmp}: is a folder"),
    (["plan", "desk-break", "--frobnicate"],
     "unrecognized arguments: --frobnicate (see backcare-desktop --help)"),
    (["plan"], "required: ROUTINE (see backcare-desktop plan --help)"),
    (["render", "desk-break", "--out", "{tmp}/o.wav", "--tones", "gong"],
     "argument --tones: invalid choice: 'gong'"),
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
])
def test_bad_input_is_one_line_and_exit_one(argv: list[str], expected: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    assert main([part.format(tmp=tmp_path) for part in argv]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("backcare-desktop: ") and err.count("\n") == 1
    assert expected.format(tmp=tmp_path) in err
    assert not out and not (tmp_path / "missing").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file.txt"]


def test_help_is_still_the_usage_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        main(["render", "--help"])
    assert leaving.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: backcare-desktop render [-h]")
    assert "--captions FILE.vtt" in out


def test_what_a_command_meets_is_one_line_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def denied(args: object) -> int:
        raise PermissionError(13, "Permission denied", "/srv/\x1b[2Jsecret")

    monkeypatch.setattr(cli, "_run_plan", denied)
    assert main(["plan", "desk-break"]) == 1
    assert capsys.readouterr().err == (
        "backcare-desktop: /srv/\\x1b[2Jsecret: Permission denied\n")


def test_check_survives_a_deeply_nested_file(write_routine: WriteRoutine,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = write_routine("x = " + "[" * 400 + "]" * 400, "nested.toml")
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}: tables and arrays nest more than 10 levels deep\n"


def test_check_reports_an_id_used_twice_or_taken_from_a_bundled_routine(
        write_routine: WriteRoutine, capsys: pytest.CaptureFixture[str]) -> None:
    first = write_routine()
    second = write_routine(name="copy.toml")
    bundled = write_routine(VALID_ROUTINE.replace('id = "tiny"', 'id = "desk-break"'),
                            name="mine.toml")
    desk_break = bundled_routines_dir() / "desk-break.toml"
    assert main(["check", str(first), str(second), str(bundled), str(desk_break),
                 str(first)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{second}: id: 'tiny' is already used by tiny.toml",
        f"{bundled}: id: 'desk-break' is already used by the bundled desk-break.toml",
    ]


def test_check_verbose_tells_every_problem_with_its_detail(
        write_routine: WriteRoutine, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_routine(VALID_ROUTINE.replace("duration = 30", "duration = 3")
                         .replace("duration = 40", "duration = 4")
                         .replace("lead_in = 5", "lead_in = 500")
                         .replace('title = "Tiny"', 'title = ""')
                         .replace('"neck-strokes"', '"necks"')
                         .replace('"Keep it light."', '""'))
    assert main(["check", str(path)]) == 1
    short = capsys.readouterr().out.splitlines()
    assert len(short) == 6 and short[-1].startswith(f"{path}: and 1 more problem (")
    assert main(["check", "--verbose", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    problems = [line for line in lines if not line.startswith("    ")]
    assert problems[:5] == short[:5] and len(problems) == 6
    assert problems[5] == f"{path}: steps[1].cues[0].text: must not be empty"
    assert "    String should have at least 1 character; given ''" in lines


def test_output_never_carries_control_characters(
        tiny: Routine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Validation refuses them in routine files; a routine made some other way is printed
    safely all the same."""
    hostile = tiny.model_copy(update={"title": "Tiny\x1b]0;owned\x07"})
    monkeypatch.setattr(cli, "resolve_routine", lambda name: hostile)
    assert main(["plan", "tiny"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tiny\\x1b]0;owned\\x07 (tiny): 1:10\n")
    assert "\x1b" not in out and "\x07" not in out


def test_a_folder_named_like_an_id_does_not_shadow_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk-break").mkdir()
    assert main(["plan", "desk-break"]) == 0
    assert capsys.readouterr().out.startswith("Desk break: neck and shoulders (desk-break)")


def test_an_unusable_cache_folder_only_means_no_cache(
        write_routine: WriteRoutine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_routine()
    out = tmp_path / "out.wav"
    assert main(["render", str(path), "--voice", "espeak", "--ambient", "none",
                 "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert main(["check", "--voice", str(path)]) == 0
    assert capsys.readouterr().err == ""


def test_the_module_runs_like_the_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "backcare_desktop", "plan", "desk-break"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("Desk break: neck and shoulders (desk-break): 4:")
