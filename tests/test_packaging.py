"""The built wheel runs from anywhere, and `make install` / `make uninstall` leave a clean desktop.

Both run the app the way a person would, in child processes that cannot see the checkout:
the wheel is installed into a folder of its own and run with `python -S` (no site hooks, so
no editable install of the checkout can stand in for a file the wheel forgot), from a working
folder that is not the checkout, with only the test environment's dependencies beside it.
Installing Qt, NumPy and Piper into a fresh environment takes minutes, so the dependencies
are borrowed from the running interpreter; the app itself always comes from the wheel.
"""

from __future__ import annotations

import configparser
import os
import shlex
import struct
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path

import pytest

from backcare_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "io.github.backcare.BackCare"
ICON_SIZES = (48, 64, 128, 256)
PROBE = """
from backcare_desktop import paths
from backcare_desktop.routines.loader import load_library
print(paths.__file__)
print(paths.bundled_routines_dir())
print(paths.assets_dir())
print(" ".join(sorted(item.routine.id for item in load_library().routines)))
"""


def _dependencies() -> str:
    """The running interpreter's site-packages, where the app's dependencies are installed."""
    return os.pathsep.join(dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib",
                                                                                  "platlib")))


def _environment(home: Path, pythonpath: str) -> dict[str, str]:
    """A person's environment in `home`: their own (empty) config, data and cache folders, and
    the system's PATH only (pip runs `rustc --version` for its user agent, and a developer's
    rustup would answer by writing to HOME)."""
    keep = ("LANG", "LC_ALL", "TMPDIR")
    return {**{key: os.environ[key] for key in keep if key in os.environ},
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local/state"), "PYTHONPATH": pythonpath,
            "QT_QPA_PLATFORM": "offscreen"}


def _start(command: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> str:
    try:
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, f"{shlex.join(map(str, process.args))}:\n{out}\n{err}"
    return out


def _run(command: list[str], cwd: Path, env: Mapping[str, str]) -> str:
    return _finish(_start(command, cwd, env))


def _files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file() or path.is_symlink()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `python -m build` makes, by way of the sdist as a release would."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], ROOT, os.environ)
    (built,) = out.glob("*.whl")
    return built


def test_the_installed_wheel_carries_its_data_and_runs_from_anywhere(
        wheel: Path, tmp_path: Path) -> None:
    site, home, work = tmp_path / "site", tmp_path / "home", tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
          "--target", str(site), str(wheel)], work, os.environ)
    env = _environment(home, os.pathsep.join([str(site), _dependencies()]))
    python = [sys.executable, "-S"]

    module, routines, assets, ids = _run([*python, "-c", PROBE], work, env).splitlines()
    package = site / "backcare_desktop"
    assert Path(module).is_relative_to(package)
    assert Path(routines).is_relative_to(package) and Path(assets).is_relative_to(package)
    assert ids == "breathe-and-unwind desk-break full-back-care"
    assert _files(Path(routines)) == _files(ROOT / "routines")
    assert _files(Path(assets)) == {name for name in _files(ROOT / "assets")
                                    if not name.startswith("screenshots/")}

    app = [*python, "-m", "backcare_desktop"]
    _run([*app, "check", *map(str, sorted(Path(routines).glob("*.toml")))], work, env)
    assert "Desk break" in _run([*app, "plan", "desk-break"], work, env)
    render = _start([*app, "render", "desk-break", "--fit", "1", "--voice", "none", "--ambient",
                     "none", "--loudness", "off", "--out", "desk-break.ogg"], work, env)
    _run([*app, "screenshot", "desk-break", "--at", "30", "--out", "shot.png"], work, env)
    _finish(render)
    assert (work / "desk-break.ogg").read_bytes()[:4] == b"OggS"
    assert _png_size(work / "shot.png") == (1280, 800)


@pytest.mark.parametrize("place", ["home/.local", "usr/local"], ids=["per-user", "system-wide"])
def test_make_install_gives_a_menu_entry_that_starts_and_make_uninstall_removes_it_all(
        wheel: Path, tmp_path: Path, place: str) -> None:
    home, work, prefix = tmp_path / "home", tmp_path / "work", tmp_path / place
    work.mkdir()
    # The environment is made without pip and gets no dependencies: this interpreter's pip
    # and packages stand in for both through PYTHONPATH, as the module docstring says.
    env = {**_environment(home, _dependencies()), "WHEEL": str(wheel),
           "VENV_ARGS": "--without-pip", "PIP_ARGS": "--no-deps"}
    # `make test` has seen to the system packages already (-o: take them as done).
    make = ["make", "--no-print-directory", "-o", "system-deps", "-C", str(ROOT),
            f"PREFIX={prefix}", f"PYTHON={sys.executable}"]
    _run([*make, "install"], work, env)

    app_dir = "lib/backcare-desktop/"
    placed = {name for name in _files(prefix) if not name.startswith(app_dir)}
    assert placed == {
        "bin/backcare-desktop",
        "share/applications/backcare-desktop.desktop",
        f"share/metainfo/{APP_ID}.metainfo.xml",
        "share/icons/hicolor/scalable/apps/backcare-desktop.svg",
        *(f"share/icons/hicolor/{size}x{size}/apps/backcare-desktop.png" for size in ICON_SIZES),
    }
    for size in ICON_SIZES:
        assert _png_size(prefix / f"share/icons/hicolor/{size}x{size}/apps/backcare-desktop.png"
                         ) == (size, size)
    desktop = prefix / "share/applications/backcare-desktop.desktop"
    _run(["desktop-file-validate", str(desktop)], work, env)
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(desktop)
    command = shlex.split(entry["Desktop Entry"]["Exec"])
    assert Path(command[0]).is_relative_to(prefix)
    assert _run([*command, "--version"], work, env).strip() == f"backcare-desktop {__version__}"
    python = prefix / app_dir / "venv/bin/python"
    module = _run([str(python), "-c", "import backcare_desktop; print(backcare_desktop.__file__)"],
                  work, env)
    assert Path(module).is_relative_to(prefix / app_dir)

    _run([*make, "uninstall"], work, env)
    assert _files(tmp_path) == set()


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height
