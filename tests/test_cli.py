"""The command line as a user runs it: subprocesses, exit codes, what is printed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exercise import __version__

REPO = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "exercise", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_version_and_help():
    assert run("--version").stdout.strip() == f"exercise {__version__}"
    help_text = run("--help").stdout
    for command in ("validate", "list", "show"):
        assert command in help_text


def test_validate_bundled_content_passes():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    count = len(list((REPO / "scenarios").glob("*.toml"))) + len(list((REPO / "injects").glob("*.toml")))
    assert result.stdout.strip() == f"ok: {count} file(s) valid"


def test_list_names_both_scenarios_and_the_library():
    out = run("list").stdout
    assert "ukraine-ceasefire-2025" in out and "security-talks-2021" in out
    assert "energy-moratorium" in out and "[proposal]" in out


def test_show_flagship_reads_as_a_summary():
    result = run("show", "ukraine-ceasefire-2025", "--width", "100")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("BACKGROUND", "SOURCES", "TEAMS", "TRACKS", "FLAGS", "MSEL", "END STATES"):
        assert f"\n{heading}" in out
    for team in ("United States", "Russia", "Ukraine", "Europe"):
        assert team in out
    for source in ("rothman-2025", "evans-2021", "putin-paradox", "bristow-2025", "right-strategy-2025"):
        assert f"[{source}]" in out
    assert "Turn 1:" in out and "Triggered:" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_show_by_path_and_with_another_library():
    result = run("show", DATA / "scenarios" / "minimal.toml", "--library", DATA / "injects")
    assert result.returncode == 0, result.stderr
    assert "A second offer" in result.stdout


def test_show_unknown_scenario_says_what_exists():
    result = run("show", "no-such-scenario")
    assert result.returncode == 1
    assert result.stderr.startswith("exercise: no scenario 'no-such-scenario'")
    assert "ukraine-ceasefire-2025" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_invalid_scenario_prints_problems(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario]\nid = 3\n")
    result = run("show", bad)
    assert result.returncode == 1
    assert f"{bad}: $.scenario.id: wrong type" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_exit_code():
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2


def test_installed_package_finds_bundled_files_from_another_directory(tmp_path):
    """With a non-editable install (as the README's commands do), data comes from the wheel."""
    probe = subprocess.run(
        [sys.executable, "-c", "import exercise.bundled as b; print(b.bundled_dir('scenarios'))"],
        capture_output=True, text=True, cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    if probe.returncode != 0:
        pytest.skip("exercise is not installed in this environment")
    location = Path(probe.stdout.strip())
    if location == REPO / "scenarios":
        pytest.skip("exercise is installed in editable mode (data comes from the checkout)")
    assert location.parts[-2:] == ("_data", "scenarios")
    script = shutil.which("exercise", path=str(Path(sys.executable).parent))
    assert script, "the console script 'exercise' is installed beside the interpreter"
    result = subprocess.run([script, "list"], capture_output=True, text=True, cwd=tmp_path)
    assert "ukraine-ceasefire-2025" in result.stdout
    result = subprocess.run([script, "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
