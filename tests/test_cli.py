from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backcare_desktop.cli import main
from backcare_desktop.paths import bundled_routines_dir
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


@pytest.mark.parametrize(("argv", "expected"), [
    (["plan", "no-such-routine"], "no such routine id"),
    (["plan", "desk-break", "--step-duration", "sit-tall"], "wants STEP_ID=SECONDS"),
    (["plan", "desk-break", "--step-duration", "ghost=10"], "has no step 'ghost'"),
    (["plan", "desk-break", "--fit", "-3"], "fit must be between"),
])
def test_bad_input_is_one_line_and_exit_one(argv: list[str], expected: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_the_module_runs_like_the_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "backcare_desktop", "plan", "desk-break"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("Desk break: neck and shoulders (desk-break): 4:")
