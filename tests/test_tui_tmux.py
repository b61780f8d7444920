"""End to end in real terminals: ``python -m exercise`` for a facilitator and two teams in tmux.

Three tmux sessions of 160x48 on a private socket run ``exercise facilitate`` and ``exercise
join`` on one session file, each in its own shell, as three laptops would. The test types
into them with ``send-keys`` and reads them with ``capture-pane``, polling each pane for
what should appear (never a fixed sleep): a move typed by the United States team reaches
the facilitator, who reveals it and rolls for it, and the ruling reaches the team's Record
tab. Skipped where tmux is not installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parent.parent
HEADLINE = "Sanctions on oil buyers unless there is a cease-fire"
RUSSIA_HEADLINE = "Any strike on Crimea will be answered"


class Tmux:
    """Sessions on a private tmux server (its own socket), killed at the end."""

    def __init__(self) -> None:
        self.socket = f"test-{os.getpid()}"
        self.socket_path: str | None = None

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        assert done.returncode == 0, f"tmux {' '.join(args)}: {done.stderr}"
        return done.stdout

    def start(self, name: str, directory: Path, *command: str) -> None:
        self("new-session", "-d", "-s", name, "-x", "160", "-y", "48")
        self.socket_path = self.socket_path or self("display-message", "-p", "#{socket_path}").strip()
        env = f"PYTHONPATH={shlex.quote(str(REPO))}"
        line = f"cd {shlex.quote(str(directory))} && {env} {shlex.quote(sys.executable)} -m exercise {shlex.join(command)}"
        self("send-keys", "-t", name, line, "Enter")

    def keys(self, name: str, *keys: str) -> None:
        self("send-keys", "-t", name, *keys)

    def type(self, name: str, text: str) -> None:
        self("send-keys", "-t", name, "-l", text)

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name)

    def wait(self, name: str, pattern: str, gone: str | None = None, timeout: float = 15.0) -> re.Match:
        """Poll the pane until ``pattern`` (a regular expression) shows, and ``gone`` does not."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(name)
            found = re.search(pattern, screen)
            if found and not (gone and re.search(gone, screen)):
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"{name!r} did not show /{pattern}/ within {timeout} s; it shows:\n{self.screen(name)}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


@pytest.fixture
def tmux():
    server = Tmux()
    yield server
    server.kill()


FIELD_KEY = r"esc Leave field"  # in the footer while a text field has the focus


def compose_threat(tmux: Tmux, team: str, downs: int, headline: str) -> None:
    """In a team's composer (the kind list has the focus): kind, headline, first target, ctrl+s.

    Keys typed while a busy console has not yet moved the focus go to the old widget, so
    after each move of the focus the test waits for the footer to show it took place.
    """
    tmux.keys(team, "Enter")  # open the kind list; keys sent before it is open would go to the Select
    tmux.wait(team, r"Respond to a proposal \(respond\)")
    tmux.keys(team, *["Down"] * downs, "Enter")  # the list starts on the blank prompt
    tmux.wait(team, r"Threaten \(threaten\)", gone=r"Respond to a proposal")
    tmux.keys(team, "Tab")
    tmux.wait(team, FIELD_KEY)  # the headline has the focus
    tmux.type(team, headline)
    tmux.wait(team, re.escape(headline))
    tmux.keys(team, "Tab", "Tab")  # past the detail, to the targets
    tmux.wait(team, r"\^s Submit move", gone=FIELD_KEY)
    tmux.keys(team, "Space", "C-s")  # tick the first target and submit


def test_a_move_travels_from_a_team_to_the_facilitator_and_the_ruling_back(tmp_path, tmux):
    start = subprocess.run(
        [sys.executable, "-m", "exercise", "start", "ukraine-ceasefire-2025", "--session", "game.session", "--no-tui"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert start.returncode == 0, start.stderr

    tmux.start("fac", tmp_path, "facilitate", "game.session")
    tmux.start("us", tmp_path, "join", "game.session", "--team", "us")
    tmux.start("russia", tmp_path, "join", "game.session", "--team", "russia")
    tmux.wait("fac", r"Turn 1 of 7 .* briefing")
    tmux.wait("us", r"United States · Turn 1 of 7")
    tmux.wait("russia", r"Russian Federation · Turn 1 of 7")

    # the facilitator delivers turn 1's injects and opens moves; the teams' consoles notice
    tmux.keys("fac", "a")
    tmux.wait("fac", r"moves open")
    tmux.wait("us", r"moves open")
    tmux.wait("russia", r"moves open")

    # each team enters a threat through its composer (the list starts on the blank prompt)
    compose_threat(tmux, "us", 4, HEADLINE)  # propose, respond, offer-talks, threaten
    tmux.wait("us", r"m1\s+threaten\s+submitted")
    compose_threat(tmux, "russia", 4, RUSSIA_HEADLINE)
    tmux.wait("russia", r"m2\s+threaten\s+submitted")
    tmux.keys("us", "C-g")
    tmux.wait("us", r"moves open · ready")
    tmux.wait("fac", r"United States\s+1\s+✓\s+now")

    # close and reveal (the facilitator confirms); the headline is on the facilitator's screen
    tmux.keys("fac", "a")
    tmux.wait("fac", r"Close moves and reveal them\?")
    tmux.keys("fac", "y")
    tmux.wait("fac", r"adjudication")
    tmux.wait("fac", re.escape(HEADLINE))
    tmux.wait("fac", r"m1 · us · threaten · revealed")
    tmux.keys("us", "F3")  # the Record tab: every revealed move, the other team's too
    tmux.wait("us", r"m2\s+russia\s+threaten\s+" + re.escape(RUSSIA_HEADLINE))

    # roll for the US move; the roll line says how it fell
    tmux.keys("fac", "u")
    ruled = tmux.wait("fac", r"m1 ruled (success|failure) \(2d6 \d\+\d\+0 = (\d+), needs 7\)")
    outcome = ruled.group(1)
    assert (int(ruled.group(2)) >= 7) == (outcome == "success")

    # the ruling reaches the team: its Record tab shows the outcome beside the move
    tmux.wait("us", rf"1\s+m1\s+us\s+threaten\s+{outcome}\s+Sanctions on oil buyers")

    # the consoles quit cleanly with ctrl+q, back to the shell with exit code 0
    for name in ("fac", "us", "russia"):
        tmux.keys(name, "C-q")
        tmux.wait(name, r"(?m)[$#] *$", gone=r"\^p palette")  # the shell prompt again
        tmux.keys(name, 'echo "exit code $?"', "Enter")
    for name in ("fac", "us", "russia"):
        screen = tmux.wait(name, r"(?m)^exit code 0$").string
        assert "Traceback" not in screen
