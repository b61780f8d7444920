"""Bad input and bad luck at the command line: one clear line and an exit code, never a traceback.

Each case runs the real ``python -m exercise`` in a temporary folder, as a user would.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
FLAGSHIP = "ukraine-ceasefire-2025"


def run(*args: str | bytes, cwd: Path, shell: str | None = None) -> subprocess.CompletedProcess:
    command = shell or [sys.executable, "-m", "exercise", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, env=ENV, timeout=120, shell=shell is not None)


def one_line(r: subprocess.CompletedProcess, code: int, *says: str) -> str:
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == code, (r.returncode, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.count("\n") == 1, err
    for text in says:
        assert text in err, (text, err)
    return err


def usage_error(r: subprocess.CompletedProcess, *says: str) -> str:
    """argparse's way: the usage, then one line saying what is wrong; exit 2."""
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2 and "Traceback" not in err, err
    last = err.rstrip("\n").splitlines()[-1]
    for text in says:
        assert text in last, (text, last)
    return last


@pytest.fixture
def game(tmp_path: Path) -> Path:
    """A flagship session with moves open."""
    assert run("start", FLAGSHIP, "--session", "g.session", "--no-tui", cwd=tmp_path).returncode == 0
    assert run("advance", "g.session", cwd=tmp_path).returncode == 0
    return tmp_path / "g.session"


def test_text_that_is_not_utf8_names_its_option(game):
    for headline in ([b"--headline", b"\xff"], [b"--headline=ok \xfe"]):
        r = run("submit", "g.session", "--team", "us", "--kind", "propose", *headline, cwd=game.parent)
        one_line(r, 2, "--headline: not valid UTF-8")
    assert b"Traceback" not in run("status", "g.session", cwd=game.parent).stderr


def test_an_output_file_that_cannot_be_written(game):
    for command in (["export", "g.session"], ["report", "g.session"], ["brief", FLAGSHIP]):
        r = run(*command, "-o", "/no/such/dir/out.toml", cwd=game.parent)
        one_line(r, 1, "/no/such/dir/out.toml: cannot be written")


def test_a_failed_write_leaves_the_old_file_whole(game, monkeypatch):
    from exercise import files

    target = game.parent / "old.toml"
    target.write_text("old")

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken)  # the disk fills up mid-write
    with pytest.raises(OSError):
        files.write_atomic(target, "new " * 1000)
    assert target.read_text() == "old" and [p.name for p in game.parent.iterdir() if "tmp" in p.name] == []


@pytest.mark.parametrize("command", [["status", "g.session", "--json"], ["status", "g.session"],
                                     ["export", "g.session"], ["report", "g.session"], ["show", FLAGSHIP]])
def test_a_reader_that_goes_away_is_no_error(game, command):
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line (as '| true' or '| head' may)
    try:
        r = subprocess.run([sys.executable, "-m", "exercise", *command], stdout=write, stderr=subprocess.PIPE,
                           cwd=game.parent, env=ENV, timeout=120)
    finally:
        os.close(write)
    assert r.stderr == b"" and r.returncode == 0, r.stderr.decode()


def _damage(path: Path, sql: str, *params) -> None:
    con = sqlite3.connect(path)
    con.execute(sql, params)
    con.commit()
    con.close()


@pytest.mark.parametrize("sql, says", [
    ("UPDATE events SET type = 'Nonsense' WHERE seq = 3", "event 3: unknown event type 'Nonsense'"),
    ("UPDATE events SET data = '{}' WHERE seq = 2", "event 2: InjectQueued: required field missing @ $.entry"),
    ("UPDATE events SET data = '{\"turn\": \"one\"}' WHERE seq = 1", "event 1: TurnStarted: invalid value"),
    ("UPDATE events SET data = CAST(X'7B22FF227D' AS TEXT) WHERE seq = 2", "event 2: text that is not UTF-8"),
    ("UPDATE events SET data = 'not json' WHERE seq = 3", "event 3: data that is not JSON"),
    ("UPDATE events SET type = 'MoveRevised', data = '{\"move\": \"m9\", \"headline\": \"x\"}' WHERE seq = 2",
     "event 2: MoveRevised does not follow"),
])
def test_a_damaged_event_is_named(game, sql, says):
    _damage(game, sql)
    for command in (["status", "g.session"], ["ready", "g.session", "--team", "us"], ["export", "g.session"],
                    ["report", "g.session"]):
        one_line(run(*command, cwd=game.parent), 1, "g.session: the session file is damaged", says)


@pytest.mark.parametrize("stored", ["{}", "[]", "not json"])
def test_a_damaged_stored_scenario_is_named(game, stored):
    _damage(game, "UPDATE meta SET value = ? WHERE key = 'scenario'", stored)
    for command in (["status", "g.session"], ["report", "g.session"]):
        one_line(run(*command, cwd=game.parent), 1, "g.session: the session's scenario cannot be read")


def test_a_template_that_is_not_text(game):
    (game.parent / "t.j2").write_bytes(b"\xff\xfe\x00binary")
    one_line(run("report", "g.session", "--template", "t.j2", cwd=game.parent), 1, "t.j2: not a text template")


def test_a_scenario_number_beyond_64_bits_is_named(tmp_path):
    from conftest import DATA

    text = (DATA / "scenarios" / "minimal.toml").read_text().replace("seed = 7", "seed = " + "9" * 25)
    (tmp_path / "huge.toml").write_text(text)
    r = run("validate", "huge.toml", "--library", str(DATA / "injects"), cwd=tmp_path)
    assert r.returncode == 1 and b"huge.toml: $.scenario.seed: is too large a number" in r.stderr, r.stderr


def _as_nobody(*args: str) -> list[str]:
    """The command as an unprivileged user (root may write any file)."""
    if os.geteuid() != 0:
        return list(args)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only for the command")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *args]


def test_a_read_only_session_is_read_and_not_written(game):
    folder = Path(tempfile.mkdtemp(prefix="exercise-ro-"))  # in the system's temp folder: others reach it
    session = folder / "ro.session"
    shutil.copy(game, session)
    session.chmod(0o444)
    folder.chmod(0o555)
    try:
        python = [sys.executable, "-m", "exercise"]
        if subprocess.run(_as_nobody(*python, "--version"), capture_output=True, env=ENV, cwd="/").returncode:
            pytest.skip("an unprivileged user cannot run exercise from where it is installed")
        read = subprocess.run(_as_nobody(*python, "status", str(session)), capture_output=True, env=ENV, cwd="/")
        assert read.returncode == 0 and b"turn 1 of 7" in read.stdout, read.stderr
        write = subprocess.run(_as_nobody(*python, "ready", str(session), "--team", "us"), capture_output=True,
                               env=ENV, cwd="/")
        one_line(write, 1, "cannot write the session file: it is read-only for this user")
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


# --- creation is whole or nothing ------------------------------------------------------------

_KILL_AT = textwrap.dedent("""
    import os, signal, sys
    from exercise import store
    point = sys.argv.pop(1)
    real_link, real_connect = os.link, store.sqlite3.connect
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    if point == "before-link":
        store.os.link = die
    elif point == "after-link":
        def link(*a):
            real_link(*a)
            die()
        store.os.link = link
    elif point == "first-open":
        def connect(*a, **k):
            if "mode=rw" in str(a[0]):
                die()
            return real_connect(*a, **k)
        store.sqlite3.connect = connect
    from exercise.cli import main
    sys.exit(main())
""")


@pytest.mark.parametrize("point", ["before-link", "after-link", "first-open"])
@pytest.mark.parametrize("command", ["start", "import"])
def test_a_killed_start_or_import_leaves_a_whole_session_or_none(tmp_path, point, command):
    if command == "import":
        assert run("start", FLAGSHIP, "--session", "src.session", "--no-tui", cwd=tmp_path).returncode == 0
        assert run("advance", "src.session", cwd=tmp_path).returncode == 0
        assert run("export", "src.session", "-o", "src.toml", cwd=tmp_path).returncode == 0
        args = ["import", "src.toml", "--session", "new.session"]
    else:
        args = ["start", FLAGSHIP, "--session", "new.session", "--no-tui"]
    killed = subprocess.run([sys.executable, "-c", _KILL_AT, point, *args], capture_output=True, cwd=tmp_path,
                            env=ENV, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    new = tmp_path / "new.session"
    if new.exists():  # whole: turn 1 has begun, or every archived event is there
        status = run("status", "new.session", cwd=tmp_path)
        assert status.returncode == 0, status.stderr
        expected = b"moves" if command == "import" else b"briefing"
        assert b"turn 1 of 7 \xc2\xb7 " + expected in status.stdout, status.stdout
    # The next create beside it clears what the killed one left.
    again = run("start", FLAGSHIP, "--session", "other.session", "--no-tui", cwd=tmp_path)
    assert again.returncode == 0
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], left


def test_numbers_beyond_their_range_name_the_option_and_the_range(game):
    huge = "9" * 30
    usage_error(run("start", FLAGSHIP, "--seed", huge, "--no-tui", cwd=game.parent),
                "--seed: 999999999999999999", "out of range (from -9223372036854775808 to 9223372036854775807)")
    assert run("advance", "g.session", cwd=game.parent).returncode == 0  # close and reveal
    usage_error(run("adjudicate", "g.session", "m1", "--probability", "500", cwd=game.parent),
                "--probability: 500 is out of range (from 0 to 100)")
    usage_error(run("adjudicate", "g.session", "m1", "--for", huge, cwd=game.parent), "--for: ", "(from 0 to 99)")
    r = run("adjudicate", "g.session", "m1", "--outcome", "success", "--effect", f"talks_momentum=+{'9' * 5000}",
            cwd=game.parent)
    assert len(one_line(r, 3, "--effect")) < 200
    one_line(run("adjudicate", "g.session", "m1", "--outcome", "success", "--effect", f"talks_momentum=+{huge}",
                 cwd=game.parent), 3, "a track moves by at most 1000 at a time")
