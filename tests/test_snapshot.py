"""Snapshots of the folded state, the journal protocol and event versions."""

import pickle
import sqlite3

import attrs
import pytest
from conftest import DATA

from exercise import commands as cmd
from exercise import events as ev
from exercise import serial, snapshot
from exercise.journal import Snapshot
from exercise.loading import load_library, load_scenario
from exercise.packed import PackedDict, PackedList
from exercise.session import FACILITATOR, Session
from exercise.state import replay


@pytest.fixture
def scenario():
    return load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])


def play(session: Session, turns: int) -> None:
    """A few turns: moves, rulings, a revision and a withdrawal in each."""
    for _ in range(turns):
        if session.state.phase is ev.Phase.HOTWASH:
            return
        session.act(cmd.Advance())
        kind = session.scenario.team_kinds("blue")[0]
        (gone,) = session.act(cmd.Submit("blue", kind, "Blue thinks"), "blue")
        session.act(cmd.Withdraw("blue", gone.move), "blue")
        (move,) = session.act(cmd.Submit("blue", kind, "Blue moves"), "blue")
        session.act(cmd.Revise("blue", move.move, "Blue moves, revised"), "blue")
        session.act(cmd.Advance())
        session.act(cmd.Adjudicate(move.move, "ruled", outcome=ev.Outcome.SUCCESS))
        session.act(cmd.Advance())


def stored_snapshot(path):
    with sqlite3.connect(path) as con:
        return con.execute("SELECT seq, key, digest, data FROM snapshots").fetchone()


def test_a_long_session_opens_from_its_snapshot_and_folds_only_the_tail(tmp_path, scenario, monkeypatch):
    monkeypatch.setattr(snapshot, "EVERY", 20)
    path = tmp_path / "long.session"
    with Session.create(path, scenario, 7) as session:
        play(session, 4)
        taken = session.applied
    seq, *_ = stored_snapshot(path)
    assert 0 < seq <= taken
    with Session.open(path) as reopened:
        assert reopened._log_from == seq + 1  # started from the snapshot, not from event 1
        full = reopened.events()  # the whole log is still there when asked for
        assert len(full) == reopened.applied == taken
        assert reopened.state == replay(scenario, full)
        play(reopened, 1)  # and plays on
        assert reopened.state == replay(scenario, reopened.events())


def test_a_snapshot_that_does_not_fit_is_not_used(tmp_path, scenario, monkeypatch):
    monkeypatch.setattr(snapshot, "EVERY", 20)
    path = tmp_path / "s.session"
    with Session.create(path, scenario, 7) as session:
        play(session, 3)
    seq, key, digest, data = stored_snapshot(path)
    wrong = {
        "another release": Snapshot(seq, "0:" + key, digest, data),
        "a rewritten journal": Snapshot(seq, key, "0" * 32, data),
        "damage": Snapshot(seq, key, digest, data[: len(data) // 2]),
    }
    for why, bad in wrong.items():
        with sqlite3.connect(path) as con:
            con.execute("UPDATE snapshots SET key = ?, digest = ?, data = ?", (bad.key, bad.digest, bad.data))
        with Session.open(path) as reopened:
            assert reopened._log_from == 1, why  # replayed from the start
            assert reopened.state == replay(scenario, reopened.events()), why


def test_a_snapshot_cannot_run_code(tmp_path, scenario, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    path = tmp_path / "s.session"
    with Session.create(path, scenario, 7) as session:
        play(session, 1)
        key = session._snapshot_key
        session.journal.save_snapshot(Snapshot(session.applied, key, session.journal.digest(session.applied),
                                               pickle.dumps(Evil())))
    with Session.open(path) as reopened:
        assert reopened._log_from == 1
        assert reopened.state == replay(scenario, reopened.events())
    assert not (tmp_path / "pwned").exists()


def test_a_session_in_memory_plays_without_a_file(tmp_path, scenario):
    session = Session.in_memory(scenario, 3)
    play(session, 2)
    assert session.state.turn == 3 and not list(tmp_path.iterdir())
    retried = session.act(cmd.Note(FACILITATOR, "once"), command_id="n1")
    assert session.act(cmd.Note(FACILITATOR, "once"), command_id="n1") == retried  # a retry writes nothing
    assert sum(isinstance(e, ev.NoteAdded) for e in session.events()) == 1
    assert session.state == replay(scenario, session.events())


# --- event versions ------------------------------------------------------------------------------


def test_every_event_version_has_upcasters_back_to_the_first():
    for name, version in ev.EVENT_VERSIONS.items():
        assert name in ev.EVENT_TYPES
        for step in range(1, version):
            assert (name, step) in serial.UPCASTERS, (name, step)


def test_an_old_event_is_read_as_todays_and_a_newer_one_is_refused():
    old = {"proposal": "p1", "outcome": "violated", "turn": 2, "by": "red"}
    settled = serial.event_from("ProposalSettled", old)
    assert settled.status is ev.ProposalStatus.VIOLATED and settled.by == "red"
    name, data = serial.event_data(settled)
    assert data[serial.VERSION_KEY] == ev.EVENT_VERSIONS[name] == 2 and "outcome" not in data
    assert serial.event_from(name, data) == settled
    with pytest.raises(serial.DataError, match="version 3 is newer than this release reads"):
        serial.event_from("ProposalSettled", {**data, "v": 3})


def test_a_snapshot_keeps_past_items_packed_until_a_command_reads_them(tmp_path, scenario, monkeypatch):
    monkeypatch.setattr(snapshot, "EVERY", 20)
    scenario = attrs.evolve(scenario, info=attrs.evolve(scenario.info, turns=20))
    path = tmp_path / "long.session"
    with Session.create(path, scenario, 7) as session:
        play(session, 6)
    with Session.open(path) as reopened:
        state = reopened.state
        assert state.turn == 7 and state.moves.packed_count() >= len(state.moves) - 2  # opening built few moves
        read = []

        def unpack(data):
            item = snapshot._unpack(data)
            read.append((item.id, item.turn))
            return item

        for record in state.packed_records():
            record.unpack = unpack
        play(reopened, 1)  # a turn played (view included) reads nothing of earlier turns
        reopened.view(FACILITATOR, "now")
        assert all(turn == state.turn for _, turn in read), read
        # what stayed packed reads back as what a replay from the start builds, order included
        fresh = replay(scenario, reopened.events())
        assert list(state.moves.items()) == list(fresh.moves.items())
        assert state == fresh


def test_a_packed_item_is_read_with_the_same_guard(tmp_path, scenario, monkeypatch):
    monkeypatch.setattr(snapshot, "EVERY", 20)
    path = tmp_path / "long.session"
    with Session.create(path, scenario, 7) as session:
        play(session, 3)
    with Session.open(path) as reopened:
        moves = reopened.state.moves
        first = next(iter(moves))
        moves._items[first] = pickle.dumps(eval)  # what a tampered snapshot could hold
        with pytest.raises(pickle.UnpicklingError, match="may not hold builtins.eval"):
            moves[first]


def test_a_record_packs_again_only_what_was_added_or_changed():
    packs = []

    def pack(item):
        packs.append(item)
        return pickle.dumps(item)

    record = PackedDict({"a": [1], "b": [2]})
    record.pack(pack)
    assert packs == [[1], [2]]
    restored = pickle.loads(pickle.dumps(record))
    restored.unpack = pickle.loads
    assert restored.packed_count() == 2 and restored["a"] == [1] and restored.packed_count() == 1
    restored["c"] = [3]
    restored.changing("a").append(10)
    seen = restored["b"]  # read, not changed
    packs.clear()
    restored.pack(pack)
    assert sorted(packs) == [[1, 10], [3]] and seen == [2]
    again = pickle.loads(pickle.dumps(restored))
    again.unpack = pickle.loads
    assert dict(again) == {"a": [1, 10], "b": [2], "c": [3]} and list(again) == ["a", "b", "c"]


def test_a_log_packs_each_item_once():
    packs = []
    log = PackedList([{"n": 1}])
    log.pack(lambda item: packs.append(item) or pickle.dumps(item))
    log.append({"n": 2})
    log.pack(lambda item: packs.append(item) or pickle.dumps(item))
    assert packs == [{"n": 1}, {"n": 2}]
    restored = pickle.loads(pickle.dumps(log))
    restored.unpack = pickle.loads
    assert restored[-1] == {"n": 2} and restored == [{"n": 1}, {"n": 2}] and restored[0:1] == [{"n": 1}]
