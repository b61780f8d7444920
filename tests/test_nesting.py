"""A file nested far too deep gets a one-line error naming it, never a RecursionError traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exercise.loading import MAX_NESTING

DEPTH = 5000


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True, timeout=60)


def _deep_file(tmp_path, kind: str, depth: int = DEPTH):
    value = "[" * depth + "]" * depth if kind == "arrays" else "{a = " * depth + "1" + "}" * depth
    path = tmp_path / f"deep-{kind}.toml"
    path.write_text(f'id = "deep"\nv = {value}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["arrays", "tables"])
@pytest.mark.parametrize("command", ["validate", "show", "start"])
def test_deeply_nested_scenario_is_a_clear_error(tmp_path, command, kind):
    path = _deep_file(tmp_path, kind)
    result = _run(command, str(path))
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "RecursionError" not in output
    assert f"{path}: $: is nested too deep" in output
    assert f"at most {MAX_NESTING} levels" in output


def test_nesting_parsed_but_over_the_limit_names_the_key(tmp_path):
    path = _deep_file(tmp_path, "arrays", depth=MAX_NESTING + 5)
    result = _run("validate", str(path))
    assert result.returncode == 1
    assert f"{path}: $.v: is nested too deep" in result.stdout + result.stderr


def test_nesting_at_the_limit_is_not_reported(tmp_path):
    path = _deep_file(tmp_path, "arrays", depth=MAX_NESTING - 1)
    result = _run("validate", str(path))
    assert "nested too deep" not in result.stdout + result.stderr


def test_deeply_nested_archive_is_a_clear_error(tmp_path):
    path = _deep_file(tmp_path, "tables")
    result = _run("import", str(path))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert f"{path}: is nested too deep" in output
