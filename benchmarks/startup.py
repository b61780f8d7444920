"""How fast the consoles start, and how soon a move shows in another console.

    python benchmarks/startup.py [--runs N] [--moves M]

(a) Launch to the first frame, for the facilitator's console and a team's console, as a ratio
    to a minimal Textual app (one Static) launched the same way in the same run. Each launch is
    a fresh ``python`` process on a pseudo-terminal of 160x48 (so Textual's real terminal
    driver draws), started by this script, which notes CLOCK_MONOTONIC (shared by all
    processes) just before the spawn. A console is started as the command line starts it
    (``exercise facilitate`` / ``exercise join``: ``exercise.cli.main``); the baseline is
    ``App()``. Three moments, from the terminal's output (what a user sees) and the app:
    - the first frame: a word of the header ("Turn 1 of", drawn from the session's cover
      before the game is loaded) reaches the terminal;
    - the console drawn: a word of the console's own screen reaches it (a key of the
      facilitator's footer, the last part drawn; the team's submit button);
    - ready: Textual has reported ``Ready``, the console's own screen is current and mounted
      (it has shown the session), and one more refresh has run; the child writes the clock to
      a file then, and the launcher ends it once it has all three.
    Beside them, the minimal app with the Textual widgets the consoles use imported (and not
    shown): Textual's own import, a floor under any console with tables, forms and tabs. The
    four kinds run in turn, N rounds, and the medians are shown.
(b) A move appearing in another console: a facilitator console (polling, as in real use;
    headless, in this process) watches a session file while a second connection submits a
    move through ``Session.act``. The time is from ``act()`` returning to the move's
    headline being in the console's #moves table; each submission waits a random part of
    the polling interval first, so the figure includes where in the interval it falls.
    Shown as the median over M moves, and as a ratio to the polling interval (0.5 s): with
    polling, about half an interval is the floor. Beside it, what the console does once it
    has noticed a commit (``check_for_changes``: fold the new events, view what they touched
    and change those rows and panels; the paint follows on Textual's next refresh), as a ratio
    to the session layer alone folding the same events and building the same view.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SCENARIO = REPO / "scenarios" / "ukraine-ceasefire-2025.toml"
COLUMNS, LINES = 160, 48


# --- (a) launch to first paint ---------------------------------------------------------------


def child(kind: str, session: str, out: str) -> None:
    """In the launched process: run the app until its own screen is painted, note the time."""
    from textual.app import App
    from textual.widgets import Static

    if kind == "widgets":  # the floor under any console: Textual's own widgets that a console uses, imported
        import textual.widgets

        for name in ("Button", "Checkbox", "DataTable", "Input", "Label", "Markdown", "RichLog", "Select",
                     "SelectionList", "Sparkline", "TabbedContent", "TabPane", "TextArea"):
            getattr(textual.widgets, name)  # imports the widget's module
    if kind in ("baseline", "widgets"):
        class Minimal(App):
            def compose(self):
                yield Static("A minimal Textual app")

        app, wanted = Minimal(), None
    else:
        import exercise.tui.app

        wanted = "FacilitatorScreen" if kind == "facilitator" else "TeamScreen"  # (not imported here: the app does)
    def painted(self) -> None:
        Path(f"{out}.part").write_text(repr(time.monotonic()))
        os.replace(f"{out}.part", out)  # whole, or not there: the launcher watches for it, and ends this process

    def on_ready(self) -> None:
        def check() -> None:
            # the console's own screen, composed and mounted (its on_mount has shown the session)
            if wanted is None or (type(self.screen).__name__ == wanted and self.screen.is_mounted):
                self.call_after_refresh(painted, self)
            else:
                self.set_timer(0.001, check)

        check()

    if wanted is None:
        app.__class__ = type(f"Timed{type(app).__name__}", (type(app),), {"on_ready": on_ready})
        app.run()
    else:  # the command line's own way in, with a Ready handler on the app it builds
        exercise.tui.app.ConsoleApp = type("TimedConsoleApp", (exercise.tui.app.ConsoleApp,),
                                           {"on_ready": on_ready, "__module__": "exercise.tui.app"})  # its CSS beside it
        from exercise.cli import main

        main(["facilitate", session] if kind == "facilitator" else ["join", session, "--team", kind])


# what shows first (the header: where the game stands), and what shows once the console's own
# screen is drawn (a key in the facilitator's footer; the team's submit button)
MARKERS = {"baseline": (b"A minimal Textual app",) * 2, "widgets": (b"A minimal Textual app",) * 2,
           "facilitator": (b"Turn 1 of", b"Advance"), "us": (b"Turn 1 of", b"Submit move")}


def launch(kind: str, session: Path, directory: Path) -> tuple[float, float, float]:
    """Seconds from spawning a console process on a pseudo-terminal to (its first frame on the
    terminal, its own screen drawn on the terminal, that screen ready)."""
    out = directory / f"{kind}.time"
    out.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    seen: list[float | None] = [None, None]
    drain = threading.Thread(target=_drain, args=(master, MARKERS[kind], seen), daemon=True)
    drain.start()
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, str(session), str(out)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=directory, start_new_session=True)
    os.close(slave)
    try:
        deadline = time.monotonic() + 120
        while not (None not in seen and out.exists()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        failed = proc.poll()
        proc.kill()
        proc.wait()
        drain.join(timeout=5)
        os.close(master)
    first, drawn = seen
    if failed is not None or not out.exists() or first is None or drawn is None:
        raise SystemExit(f"the {kind} console did not start (exit {failed})")
    return first - start, drawn - start, float(out.read_text()) - start


def _drain(fd: int, markers: tuple[bytes, bytes], seen: list[float | None]) -> None:
    """Read the terminal's output, so that the app never blocks writing it; note when each of
    ``markers`` first appears in it (the moments a user sees the screen)."""
    written = b""
    longest = max(map(len, markers))
    try:
        while chunk := os.read(fd, 65536):
            if None in seen:
                written = written[-longest:] + chunk
                now = time.monotonic()
                for i, marker in enumerate(markers):
                    if seen[i] is None and marker in written:
                        seen[i] = now
    except OSError:
        pass


# --- (b) a move appearing in another console -------------------------------------------------


async def move_latency(path: Path, moves: int, seed: int = 1) -> tuple[list[float], list[float], list[float]]:
    from textual.widgets import DataTable

    from exercise import commands as cmd
    from exercise.session import FACILITATOR, Session
    from exercise.tui.app import POLL_SECONDS, make_app
    from exercise.views import touched

    rng = random.Random(seed)
    latencies, redraws, cores = [], [], []
    app = make_app(path, FACILITATOR)  # polling, as in real use
    with Session.open(path) as team, Session.open(path) as core:
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            table = app.screen.query_one("#moves", DataTable)
            shows = lambda text: any(text in str(cell) for i in range(table.row_count) for cell in table.get_row_at(i))  # noqa: E731
            for i in range(moves):
                await pilot.pause(rng.uniform(0, POLL_SECONDS))
                headline = f"Move {i}: sanctions on buyers of Russian oil"
                team.act(cmd.Submit("us", "sanction", headline, ["russia"]), "us")
                start = time.perf_counter()
                while not shows(headline):
                    await asyncio.sleep(0.002)
                latencies.append(time.perf_counter() - start)
                move_id = next(m.id for m in team.state.moves.values() if m.headline == headline)
                await pilot.pause()
                # the redraw alone: the console notices at once, against the session layer alone
                team.act(cmd.Withdraw("us", move_id), "us")
                start = time.perf_counter()
                app.check_for_changes()
                redraws.append(time.perf_counter() - start)
                start = time.perf_counter()
                seen = core.applied
                core.changed() and core.refresh()
                core.view(FACILITATOR, "now", touched(core.events_since(seen)))
                cores.append(time.perf_counter() - start)
    return latencies, redraws, cores


# --- the report ------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="launches of each console (default 5)")
    parser.add_argument("--moves", type=int, default=15, help="moves submitted for (b) (default 15)")
    args = parser.parse_args()

    from exercise import commands as cmd
    from exercise.loading import load_scenario
    from exercise.session import FACILITATOR, Session
    from exercise.tui.app import POLL_SECONDS

    scenario = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        session = directory / "game.session"
        with Session.create(session, scenario) as s:
            s.act(cmd.Advance(), FACILITATOR)  # injects delivered, moves open: a console with content

        kinds = ["baseline", "widgets", "facilitator", "us"]
        times: dict[str, list[tuple[float, float, float]]] = {k: [] for k in kinds}
        for round_ in range(args.runs):
            for kind in kinds[round_ % 4:] + kinds[:round_ % 4]:  # rotate, so drift falls on all alike
                times[kind].append(launch(kind, session, directory))
        medians = {k: [statistics.median(t[i] for t in times[k]) for i in range(3)] for k in kinds}
        base = medians["baseline"]
        print(f"(a) launch to the first frame on the terminal, to the console's own screen drawn, and to that "
              f"screen ready, {COLUMNS}x{LINES}, median of {args.runs}, and each as a ratio to the minimal app's first frame:")
        print(f"    minimal Textual app      first frame {base[0] * 1000:5.0f} ms 1.00")
        for kind, label in (("widgets", "+ the widgets imported"), ("facilitator", "facilitator console"),
                            ("us", "team console (us)")):
            first, drawn, ready = medians[kind]
            line = f"    {label:<24} first frame {first * 1000:5.0f} ms {first / base[0]:.2f} x"
            if kind != "widgets":
                line += (f"   console drawn {drawn * 1000:5.0f} ms {drawn / base[0]:.2f} x"
                         f"   ready {ready * 1000:5.0f} ms {ready / base[0]:.2f} x")
            print(line)

        latencies, redraws, cores = asyncio.run(move_latency(session, args.moves))
        latency = statistics.median(latencies)
        redraw, core = statistics.median(redraws), statistics.median(cores)
        print("(b) a move submitted through Session.act, until the facilitator's #moves table shows it,")
        print(f"    median of {args.moves} (polling every {POLL_SECONDS} s):")
        print(f"    act() returned -> in the table {latency * 1000:7.0f} ms   {latency / POLL_SECONDS:.2f} x the polling interval"
              f"  (min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f} ms)")
        print(f"    the console's update        {redraw * 1000:7.1f} ms   {redraw / core:.1f} x the session layer's"
              f" fold + view ({core * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
