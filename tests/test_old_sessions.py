"""Session files written by earlier releases still open and play on.

``data/sessions/flagship-0.1.session`` was made by exercise 0.1.0 from the command line:
start, advance, a US threat and a Russian proposal, ready, advance (revealed), m1 ruled with
2d6, p2 countered by the US, a note. It is kept as it was written; never regenerate it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA, REPO

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True, cwd=cwd,
                          env=ENV, timeout=120)


def test_a_session_from_release_0_1_opens_and_plays_on(tmp_path):
    shutil.copy(DATA / "sessions" / "flagship-0.1.session", tmp_path / "old.session")
    view = json.loads(run("status", "old.session", "--json", cwd=tmp_path).stdout)
    assert (view["turn"], view["phase"]) == (1, "adjudication")
    moves = {m["id"]: m for m in view["moves"]}
    assert moves["m1"]["ruling"]["method"] == "matrix" and moves["m2"]["ruling"] is None
    assert {p["id"]: p["status"] for p in view["proposals"]}["p2"] == "countered"
    for step in (["adjudicate", "old.session", "m2", "--outcome", "success"], ["advance", "old.session"],
                 ["advance", "old.session"], ["submit", "old.session", "--team", "ukraine", "--kind", "propose",
                                              "--headline", "A full cease-fire, monitored"]):
        done = run(*step, cwd=tmp_path)
        assert done.returncode == 0, (step, done.stderr)
    view = json.loads(run("status", "old.session", "--json", cwd=tmp_path).stdout)
    assert (view["turn"], view["phase"]) == (2, "moves")
    assert run("export", "old.session", "-o", "old.toml", cwd=tmp_path).returncode == 0
    assert run("import", "old.toml", "--session", "again.session", cwd=tmp_path).returncode == 0
    report = run("report", "old.session", "--format", "md", cwd=tmp_path)
    assert report.returncode == 0 and "Energy moratorium" in report.stdout
