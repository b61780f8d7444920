"""Session files written by earlier releases still open and play on.

``data/sessions/flagship-0.1.session`` was made by exercise 0.1.0 from the command line:
start, advance, a US threat and a Russian proposal, ready, advance (revealed), m1 ruled with
2d6, p2 countered by the US, a note. ``data/sessions/flagship-0.2.session`` was made by 0.2.0
(event versions; ProposalSettled 2): seed 2, advance, p1 countered by Ukraine with its own
effect (escalation -1), a deal on p2, a US threat, advance, m1 ruled, p2 violated by Russia
(the breach undoes the deal), a note, advance twice (turn 2, moves open). Both are kept as
they were written; never regenerate them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import DATA, REPO

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True, cwd=cwd,
                          env=ENV, timeout=120)


def plays_on(tmp_path: Path, turn_phase: tuple[int, str], marker: str) -> None:
    """The old file, played on, is where it should be, and exports, imports and reports."""
    view = json.loads(run("status", "old.session", "--json", "--all", cwd=tmp_path).stdout)
    assert (view["turn"], view["phase"]) == turn_phase
    assert run("export", "old.session", "-o", "old.toml", cwd=tmp_path).returncode == 0
    assert run("import", "old.toml", "--session", "again.session", cwd=tmp_path).returncode == 0
    report = run("report", "old.session", "--format", "md", "--audience", "control", cwd=tmp_path)  # all of it
    assert report.returncode == 0 and marker in report.stdout


def test_a_session_from_release_0_1_opens_and_plays_on(tmp_path):
    shutil.copy(DATA / "sessions" / "flagship-0.1.session", tmp_path / "old.session")
    view = json.loads(run("status", "old.session", "--json", "--all", cwd=tmp_path).stdout)
    assert (view["turn"], view["phase"]) == (1, "adjudication")
    moves = {m["id"]: m for m in view["moves"]}
    assert moves["m1"]["ruling"]["method"] == "matrix" and moves["m2"]["ruling"] is None
    assert {p["id"]: p["status"] for p in view["proposals"]}["p2"] == "countered"
    for step in (["adjudicate", "old.session", "m2", "--outcome", "success"], ["advance", "old.session"],
                 ["advance", "old.session"], ["submit", "old.session", "--team", "ukraine", "--kind", "propose",
                                              "--headline", "A full cease-fire, monitored"]):
        done = run(*step, cwd=tmp_path)
        assert done.returncode == 0, (step, done.stderr)
    plays_on(tmp_path, (2, "moves"), "Energy moratorium")


def test_a_session_from_release_0_2_opens_and_plays_on(tmp_path):
    shutil.copy(DATA / "sessions" / "flagship-0.2.session", tmp_path / "old.session")
    view = json.loads(run("status", "old.session", "--json", "--all", cwd=tmp_path).stdout)
    assert (view["turn"], view["phase"]) == (2, "moves")
    assert {p["id"]: (p["status"], p["violated_by"]) for p in view["proposals"]}["p2"] == ("violated", "russia")
    assert view["tracks"]["escalation"]["value"] == 7  # 6, -1 by the deal, +1 by m1, +1 as the breach undid the deal
    events = tomllib.loads(run("export", "old.session", cwd=tmp_path).stdout)["events"]
    settled = [e for e in events if e["type"] == "ProposalSettled"]
    assert [(e["status"], e["v"]) for e in settled] == [("countered", 2), ("deal", 2), ("violated", 2)]
    for step in (["submit", "old.session", "--team", "ukraine", "--kind", "propose", "--headline", "A monitored truce"],
                 ["advance", "old.session"], ["adjudicate", "old.session", "m2", "--outcome", "partial"],
                 ["advance", "old.session"]):
        done = run(*step, cwd=tmp_path)
        assert done.returncode == 0, (step, done.stderr)
    plays_on(tmp_path, (3, "briefing"), "Strikes resumed on day 3")
