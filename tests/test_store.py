"""The session journal: storage, exactly-once commands, errors, concurrency and crashes."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.store import SCHEMA_VERSION, Journal, JournalError, Record

REPO = Path(__file__).parent.parent


def _run_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _append(*events):
    """A decide that ignores what is new and appends ``events``."""
    return lambda new: list(events)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "game.session"


# -- basics --------------------------------------------------------------------------------


def test_create_writes_meta_and_an_empty_journal(path):
    with Journal.create(path, {"scenario": "ukraine-ceasefire-2025", "seed": "7"}) as j:
        assert j.meta == {
            "schema_version": str(SCHEMA_VERSION),
            "application": "exercise-session",
            "scenario": "ukraine-ceasefire-2025",
            "seed": "7",
        }
        assert j.read() == []
        assert j.last_seq == 0
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left
    with Journal.open(path) as j:
        assert j.meta["scenario"] == "ukraine-ceasefire-2025"
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()


def test_create_refuses_an_existing_file(path):
    Journal.create(path, {}).close()
    with pytest.raises(JournalError, match=f"{path}: already exists"):
        Journal.create(path, {})


def test_create_refuses_reserved_meta_keys(path):
    with pytest.raises(ValueError):
        Journal.create(path, {"application": "other"})
    assert not path.exists()


def test_transact_appends_and_read_returns_in_order(path):
    with Journal.create(path, {}) as j:
        out = j.transact(_append(("started", {"turn": 1}), ("inject", {"id": "i1", "text": "Überraschung"})))
        assert out == [
            Record(1, "started", {"turn": 1}),
            Record(2, "inject", {"id": "i1", "text": "Überraschung"}),
        ]
        assert j.last_seq == 2
        j.transact(_append(("move", {"team": "us"})))
        assert [r.seq for r in j.read()] == [1, 2, 3]
        assert j.read(since=2) == [Record(3, "move", {"team": "us"})]
    con = sqlite3.connect(path)
    data, created = con.execute("SELECT data, created FROM events WHERE seq = 2").fetchone()
    assert data == '{"id":"i1","text":"Überraschung"}'
    assert created.endswith("+00:00")
    con.close()


def test_decide_sees_only_what_this_journal_has_not_seen(path):
    with Journal.create(path, {}) as a, Journal.open(path) as b:
        a.transact(_append(("x", {"n": 1})))
        seen = []
        b.transact(lambda new: seen.append([r.seq for r in new]) or [("y", {})])
        a_seen = []
        a.transact(lambda new: a_seen.append([r.seq for r in new]) or [])
        assert seen == [[1]]
        assert a_seen == [[2]]  # b's event, not a's own
        assert a.last_seq == 2 and b.last_seq == 2


def test_returned_records_equal_what_is_read_back(path):
    with Journal.create(path, {}) as j:
        out = j.transact(_append(("t", {"pair": (1, 2), "z": 1, "a": None})))
        assert out[0].data == {"pair": [1, 2], "z": 1, "a": None}  # as JSON gives it back
        assert j.read() == out


def test_repeated_command_id_takes_effect_once(path):
    with Journal.create(path, {}) as j:
        first = j.transact(_append(("a", {}), ("b", {})), command_id="cmd-1")
        j.transact(_append(("c", {})), command_id="cmd-2")

        def must_not_run(new):
            raise AssertionError("decide called for a repeated command")

        assert j.transact(must_not_run, command_id="cmd-1") == first
        assert j.transact(must_not_run, command_id="cmd-2") == [Record(3, "c", {})]
        assert [r.type for r in j.read()] == ["a", "b", "c"]
    with Journal.open(path) as other:  # another process retrying
        assert other.transact(must_not_run, command_id="cmd-1") == first
        assert other.last_seq == 0


def test_a_command_that_appends_nothing_is_still_recorded(path):
    with Journal.create(path, {}) as j:
        assert j.transact(_append(), command_id="noop") == []
        assert j.transact(_append(("x", {})), command_id="noop") == []
        assert j.read() == []


def test_decide_raising_writes_nothing(path):
    with Journal.create(path, {}) as j:
        j.transact(_append(("a", {})))

        def fails(new):
            raise ValueError("not your turn")

        with pytest.raises(ValueError, match="not your turn"):
            j.transact(fails, command_id="bad")
        with pytest.raises(TypeError):
            j.transact(_append(("b", {"x": object()})), command_id="bad")
        with pytest.raises(TypeError):
            j.transact(_append(("b", ["not", "a", "dict"])))
        assert [r.type for r in j.read()] == ["a"]
        assert j.transact(_append(("c", {})), command_id="bad") == [Record(2, "c", {})]  # id still free


def test_data_version_changes_when_another_connection_commits(path):
    with Journal.create(path, {}) as a, Journal.open(path) as b:
        before = a.data_version()
        assert a.data_version() == before
        b.transact(_append(("x", {})))
        assert a.data_version() != before


def test_a_closed_journal_reports_a_journal_error(path):
    j = Journal.create(path, {})
    j.close()
    with pytest.raises(JournalError, match=str(path)):
        j.read()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


json_objects = st.dictionaries(st.text(), json_values, max_size=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1), json_objects), max_size=5))
def test_any_json_object_round_trips(events):
    with tempfile.TemporaryDirectory() as d:
        with Journal.create(Path(d) / "s", {}) as j:
            out = j.transact(_append(*events))
            assert [(r.type, r.data) for r in out] == events
            assert j.read() == out


# -- files that are not sessions this version can read -------------------------------------


def _other_app(p):
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()


def _other_meta(p):
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('application', 'something-else')")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "no such session file"),
        (lambda p: p.write_text("turn 1: the US offers talks\n"), "not an SQLite file"),
        (lambda p: p.write_bytes(b""), "file is empty"),
        (lambda p: p.mkdir(), "cannot read"),
        (_other_app, "an SQLite file of another kind"),
        (_other_meta, "an SQLite file of another kind"),
    ],
    ids=["missing", "text", "empty", "directory", "other-app", "other-meta"],
)
def test_open_refuses_what_is_not_a_session(path, make, message):
    make(path)
    with pytest.raises(JournalError) as info:
        Journal.open(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_open_refuses_a_newer_schema(path):
    Journal.create(path, {}).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(JournalError) as info:
        Journal.open(path)
    assert str(info.value) == (
        f"{path}: made by a newer version of exercise (schema {SCHEMA_VERSION + 1}, "
        f"this one reads up to {SCHEMA_VERSION}); upgrade exercise"
    )


def _big_session(path, events=3000):
    with Journal.create(path, {"scenario": "s"}) as j:
        j.transact(_append(*[("tick", {"i": i, "text": f"event number {i}"}) for i in range(events)]))
    assert not Path(f"{path}-wal").exists()  # all in the main file


def test_open_refuses_a_damaged_file(path):
    _big_session(path)
    page_size = int.from_bytes(path.read_bytes()[16:18], "big")
    pages = path.stat().st_size // page_size
    assert pages > 20
    with path.open("r+b") as f:
        f.seek(pages // 2 * page_size)
        f.write(random.Random(1).randbytes(page_size))
    with pytest.raises(JournalError, match=f"^{path}: the session file is damaged"):
        Journal.open(path)


@pytest.mark.parametrize("seed", range(4))
def test_a_few_damaged_bytes_are_reported_at_open_or_read(path, seed):
    _big_session(path)
    size = path.stat().st_size
    rng = random.Random(seed)
    with path.open("r+b") as f:
        f.seek(size // 2 + rng.randrange(4096))
        f.write(rng.randbytes(64))
    with pytest.raises(JournalError, match=f"^{path}: the session file is damaged"):
        with Journal.open(path) as j:
            j.read()


# -- several processes at once ---------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import random, sys
    from exercise.store import Journal

    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(name)
    state = {"n": 0}

    def fold(records):
        for r in records:
            state["n"] = r.data["n"]

    def boom(new):
        raise AssertionError("decide called for a repeated command")

    with Journal.open(path) as j:
        sys.stdin.readline()  # wait until every worker is ready
        for i in range(count):
            cid, k = f"{name}-{i}", rng.randint(1, 3)

            def decide(new):
                fold(new)
                return [("tick", {"n": state["n"] + m, "cmd": cid}) for m in range(1, k + 1)]

            out = j.transact(decide, command_id=cid)
            fold(out)
            print(cid, flush=True)
            if rng.random() < 0.1:  # a retry of the same command: nothing new
                assert j.transact(boom, command_id=cid) == out
    """
)


def _check_journal(path, acknowledged):
    """Every acknowledged command is in the journal once, and the counter never skips or repeats."""
    with Journal.open(path) as j:
        records = j.read()
    assert [r.data["n"] for r in records] == list(range(1, len(records) + 1))
    by_command = {}
    for r in records:
        by_command.setdefault(r.data["cmd"], []).append(r.seq)
    for seqs in by_command.values():
        assert seqs == list(range(seqs[0], seqs[-1] + 1))  # one command, one contiguous run
    assert acknowledged <= by_command.keys()
    con = sqlite3.connect(path)
    commands = {cid: (a, b) for cid, a, b in con.execute("SELECT * FROM commands")}
    assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    con.close()
    assert commands == {cid: (seqs[0], seqs[-1]) for cid, seqs in by_command.items()}
    return by_command


def test_eight_processes_at_once_decide_on_the_latest_state(path):
    Journal.create(path, {}).close()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), f"w{w}", "100"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_run_env(),
        )
        for w in range(8)
    ]
    for w in workers:
        w.stdin.write("go\n")
        w.stdin.flush()
    acknowledged = set()
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        acknowledged |= set(out.split())
    assert len(acknowledged) == 800
    by_command = _check_journal(path, acknowledged)
    assert by_command.keys() == acknowledged  # nothing extra


CRASHER = textwrap.dedent(
    """
    import sys
    from exercise.store import Journal

    path, name = sys.argv[1], sys.argv[2]
    pad = "x" * 2000  # big events, so the WAL is checkpointed mid-burst too
    with Journal.open(path) as j:
        records = j.read()
        n = records[-1].data["n"] if records else 0
        i = 0
        while True:
            cid = f"{name}-{i}"

            def decide(new):
                assert not new  # the only writer
                return [("tick", {"n": n + 1, "cmd": cid, "pad": pad})]

            n = j.transact(decide, command_id=cid)[-1].data["n"]
            print(cid, flush=True)
            i += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_loses_nothing_acknowledged(path):
    Journal.create(path, {}).close()
    rng = random.Random(5)
    acknowledged = set()
    for burst in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", CRASHER, str(path), f"b{burst}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_run_env(),
        )
        for _ in range(rng.randrange(50, 600)):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            acknowledged.add(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        acknowledged |= set(rest.split())
        assert proc.returncode == -signal.SIGKILL
        _check_journal(path, acknowledged)
    assert len(acknowledged) >= 200


def test_presence_is_kept_beside_the_journal(tmp_path):
    path = tmp_path / "p.session"
    with Journal.create(path, {}) as journal:
        assert journal.presence() == []
        journal.touch("us", "host:tty1")
        journal.touch("us", "host:tty1")
        journal.touch("facilitator", "host:tty0")
        seen = journal.presence()
        assert [(p["role"], p["client"]) for p in seen] == [("facilitator", "host:tty0"), ("us", "host:tty1")]
        assert journal.read(0) == [], "presence is not an event"


def test_the_cover_is_written_as_a_cache_and_every_other_write_still_waits_for_the_disk(tmp_path):
    journal = Journal.create(tmp_path / "c.session", {"k": "v"}, [("Started", {"n": 1})])
    try:
        journal.save_cover(1, '{"title": "t", "heading": "h", "teams": {}}')
        assert journal.cover_seq() == 1
        assert journal._con.execute("PRAGMA synchronous").fetchone()[0] == 2, "FULL again after the cover"
        journal.transact(lambda new: [("Next", {"n": 2})])
        assert journal.cover_seq() == 1, "the cover says which event it was made at"
    finally:
        journal.close()
