"""What the session journal costs above raw sqlite3 doing the same writes and reads.

    python benchmarks/journal.py [--commands N] [--events N] [--dir DIR]

(a) appending N commands, one transaction each: Journal.transact with a trivial decide that
    appends one small event, against raw BEGIN IMMEDIATE / INSERT / COMMIT with the same
    pragmas; once without a command id and once with one (raw then also looks the id up and
    records it, as the journal does). The two run in alternating blocks of 500 commands, so
    that drift in the disk's fsync latency falls on both alike;
(b) reading an M-event journal: Journal.read(0) against raw SELECT + json.loads of the rows
    into tuples (best of three, with the garbage collector off while timing, as timeit does:
    with it on, its passes over the 100,000 new dicts swamp the difference).

Both sides use temporary files in the same directory (--dir; on a disk, synchronous=FULL
makes every commit wait for an fsync, which dominates (a)).

The game-state fold (replaying the records into the session state) is benchmarked by the
session layer, not here.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exercise.store import Journal  # noqa: E402

SEP = (",", ":")


def append_both(directory: Path, n: int, with_ids: bool, block: int = 500) -> tuple[float, float]:
    """Time n commands each way, in alternating blocks so that drift in disk latency hits both."""
    suffix = "-ids" if with_ids else ""
    journal = Journal.create(directory / f"append-journal{suffix}", {})
    Journal.create(directory / f"append-raw{suffix}", {}).close()  # the same schema, written raw
    raw = sqlite3.connect(directory / f"append-raw{suffix}", isolation_level=None, timeout=30)
    raw.execute("PRAGMA synchronous=FULL")

    def journal_block(first: int) -> None:
        for i in range(first, min(first + block, n)):
            journal.transact(lambda new, i=i: [("move", {"team": "us", "i": i})], f"c{i}" if with_ids else None)

    def raw_block(first: int) -> None:
        for i in range(first, min(first + block, n)):
            raw.execute("BEGIN IMMEDIATE")
            if with_ids:
                raw.execute("SELECT first_seq, last_seq FROM commands WHERE command_id = ?", (f"c{i}",))
            data = json.dumps({"team": "us", "i": i}, sort_keys=True, separators=SEP, ensure_ascii=False)
            now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
            cur = raw.execute("INSERT INTO events (type, data, created) VALUES (?,?,?)", ("move", data, now))
            if with_ids:
                raw.execute("INSERT INTO commands VALUES (?, ?, ?)", (f"c{i}", cur.lastrowid, cur.lastrowid))
            raw.execute("COMMIT")

    times = {journal_block: 0.0, raw_block: 0.0}
    for number, first in enumerate(range(0, n, block)):
        for run in (journal_block, raw_block) if number % 2 == 0 else (raw_block, journal_block):
            start = time.perf_counter()
            run(first)
            times[run] += time.perf_counter() - start
    journal.close()
    raw.close()
    return times[journal_block], times[raw_block]


def read_both(path: Path, n: int) -> tuple[float, float]:
    with Journal.create(path, {}) as j:
        j.transact(lambda new: [("move", {"team": "us", "i": i, "text": "a small move"}) for i in range(n)])
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    loads = json.loads
    best_journal = best_raw = float("inf")
    for _ in range(3):  # best of three, alternating, both warm; the collector off, as in timeit
        with Journal.open(path) as j:
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            records = j.read(0)
            best_journal = min(best_journal, time.perf_counter() - start)
            gc.enable()
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        rows = [
            (seq, t, loads(d))
            for seq, t, d in raw.execute("SELECT seq, type, data FROM events WHERE seq > ? ORDER BY seq", [0])
        ]
        best_raw = min(best_raw, time.perf_counter() - start)
        gc.enable()
        assert len(records) == len(rows) == n
        del records, rows
    raw.close()
    return best_journal, best_raw


def line(what: str, journal: float, raw: float) -> str:
    return f"{what}: journal {journal:.2f} s, raw sqlite3 {raw:.2f} s, ratio {journal / raw:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--dir", help="where to put the temporary files (default: the system's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        d = Path(d)
        n = args.commands
        print(line(f"append {n} commands", *append_both(d, n, with_ids=False)))
        print(line(f"append {n} commands with ids", *append_both(d, n, with_ids=True)))
        print(line(f"read {args.events} events", *read_both(d / "read-journal", args.events)))


if __name__ == "__main__":
    main()
