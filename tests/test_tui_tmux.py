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

    def start(self, name: str, directory: Path, *command: str, size: tuple[int, int] = (160, 48)) -> None:
        self("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]))
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


def compose_threat(tmux: Tmux, team: str, downs: int, headline: str, kind: str = "Threaten (threaten)") -> None:
    """In a team's composer (the kind list has the focus): kind, headline, first target, ctrl+s.

    Choosing the kind with Enter moves on to the headline, and the headline is typed at once,
    in the same burst of keys: none is lost. Elsewhere keys typed while a busy console has not
    yet moved the focus go to the old widget, so the test waits for the footer to show it did.
    """
    tmux.keys(team, "Enter")  # open the kind list; keys sent before it is open would go to the Select
    tmux.wait(team, r"Respond to a proposal")
    tmux.keys(team, *["Down"] * downs)  # the list starts on the blank prompt
    tmux.keys(team, "Enter")
    tmux.type(team, headline)  # right after the choice: it lands in the headline
    tmux.wait(team, re.escape(kind), gone=r"Respond to a proposal")
    tmux.wait(team, FIELD_KEY)  # the headline has the focus
    tmux.wait(team, re.escape(headline[-20:]))  # a narrow field shows the end, where the cursor is
    tmux.keys(team, "Tab")
    tmux.keys(team, "Tab")  # past the detail, to the targets
    tmux.wait(team, r"\^s Submit", gone=FIELD_KEY)
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
    tmux.wait("us", r"m1\s+submitted\s+" + re.escape(HEADLINE[:20]))
    compose_threat(tmux, "russia", 4, RUSSIA_HEADLINE)
    tmux.wait("russia", r"m2\s+submitted\s+" + re.escape(RUSSIA_HEADLINE[:20]))
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
    tmux.keys("us", "F5")  # the Record tab: every revealed move, the other team's too
    tmux.wait("us", r"m2\s+russia\s+" + re.escape(RUSSIA_HEADLINE))

    # roll for the US move; the roll line says how it fell
    tmux.keys("fac", "u")
    ruled = tmux.wait("fac", r"m1 ruled (success|failure) \(2d6 \d\+\d\+0 = (\d+), needs 7\)")
    outcome = ruled.group(1)
    assert (int(ruled.group(2)) >= 7) == (outcome == "success")

    # the ruling reaches the team: its Record tab shows the outcome beside the move
    tmux.wait("us", rf"m1\s+us\s+{outcome}\s+Sanctions on oil buyers")

    # the consoles quit cleanly with ctrl+q, back to the shell with exit code 0
    for name in ("fac", "us", "russia"):
        tmux.keys(name, "C-q")
        tmux.wait(name, r"(?m)[$#] *$", gone=r"\^p Palette")  # the shell prompt again
        tmux.keys(name, 'echo "exit code $?"', "Enter")
    for name in ("fac", "us", "russia"):
        screen = tmux.wait(name, r"(?m)^exit code 0$").string
        assert "Traceback" not in screen


def exercise(directory: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "exercise", *args], cwd=directory, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_team_plays_from_an_80_by_24_terminal(tmp_path, tmux):
    """A small terminal: the keys in the footer, Ready in view, help, revising, a proposal read in full."""
    exercise(tmp_path, "start", "ukraine-ceasefire-2025", "--session", "game.session", "--no-tui")
    exercise(tmp_path, "advance", "game.session")  # the injects are delivered and p1 tabled; moves open
    tmux.start("fac", tmp_path, "facilitate", "game.session", size=(80, 24))
    tmux.start("ua", tmp_path, "join", "game.session", "--team", "ukraine", size=(80, 24))
    tmux.wait("fac", r"Ready 0/4, waiting for us, russia, ukraine, europe")
    tmux.wait("fac", r"F1 Help \^p Palette +a Advance d Deliver u Rule c Resolve n Note h Hot seat")
    tmux.wait("ua", r"Ukraine · Turn 1 of 7 · 19 March 2025 · moves open")
    tmux.wait("ua", r"F1 Help \^p Palette +\^s Submit \^g Ready \^o Edit +F2F3F4F5 Tabs")
    tmux.wait("ua", r"Ready \^g")

    tmux.keys("ua", "F1")  # the help screen, and back
    tmux.wait("ua", r"Keys: the Ukraine console")
    tmux.keys("ua", "Escape")
    tmux.wait("ua", r"New move · F6", gone=r"Keys: the Ukraine console")

    compose_threat(tmux, "ua", 3, "We pause strikes on refineries", "Concede (concede)")  # the third kind
    tmux.wait("ua", r"m1\s+submitted\s+We pause")
    tmux.keys("ua", "F7")  # Your moves; Ctrl+O revises m1 and typing goes at the end of its headline
    tmux.wait("ua", r"\^o Edit", gone=FIELD_KEY)  # the focus has left the headline
    tmux.keys("ua", "C-o")
    tmux.wait("ua", r"Revise m1")
    tmux.type("ua", " for a month")
    tmux.wait("ua", r"for a month")
    tmux.keys("ua", "C-s")
    tmux.wait("ua", r"m1 revised")
    assert "We pause strikes on refineries for a month" in exercise(tmp_path, "status", "game.session", "--as", "ukraine")

    tmux.keys("ua", "Escape", "F4")  # Deals: p1's terms in full, and accepting asks first
    tmux.wait("ua", r"1\. Russia and Ukraine stop")
    tmux.keys("ua", "a")
    tmux.wait("ua", r"Accept p1\?")
    tmux.keys("ua", "Escape")
    tmux.wait("ua", r"a Accept r Reject c Counter", gone=r"Accept p1\?")
    assert "ukraine accept" not in exercise(tmp_path, "status", "game.session", "--as", "ukraine")
    tmux.keys("ua", "C-g")
    tmux.wait("ua", r"✓ Ready")
    tmux.wait("fac", r"Ready 1/4, waiting for us, russia, europe")


def test_keys_typed_as_the_console_opens_and_in_bursts_arrive_whole_and_in_order(tmp_path, tmux):
    """Typed from the first frame on (while the console still loads), and a key that opens a form
    followed at once by the text for it: every key lands where it was meant to, in order."""
    import json

    exercise(tmp_path, "start", "ukraine-ceasefire-2025", "--session", "game.session", "--no-tui")
    tmux.start("fac", tmp_path, "facilitate", "game.session")
    tmux.wait("fac", r"Turn 1 of 7")  # the first frame: the console is loading behind it
    first, second = "Run 1: the quick brown fox jumps", "Run 2: over the lazy dog 0123456789"
    tmux.keys("fac", "n")
    tmux.type("fac", first)
    tmux.keys("fac", "Enter")
    tmux.wait("fac", re.escape(first))
    tmux.keys("fac", "Escape")
    tmux.wait("fac", r"a Advance", gone=FIELD_KEY)
    tmux.keys("fac", "n")  # the note form again, the text right behind the key
    tmux.type("fac", second)
    tmux.keys("fac", "Enter")
    tmux.wait("fac", re.escape(second))
    notes = json.loads(exercise(tmp_path, "status", "game.session", "--all", "--json"))["notes"]
    assert [n["text"] for n in notes] == [first, second]
    tmux.keys("fac", "C-q")
