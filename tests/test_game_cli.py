"""The flagship scenario played to the end from the command line alone.

Every step is a subprocess of ``python -m exercise`` in a temporary directory, as a facilitator
scripting a session would run it. The test keeps its own ledger of what each ruling, deal and
inject should do to the tracks and flags (``Oracle``), evaluates the scenario's conditions on
that ledger itself, and checks each command's events against it: effects, objectives met, red
lines crossed, end states reached and condition-triggered injects. At the end it compares the
ledger with ``status --json`` and every reported event with the exported journal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from exercise import bundled
from exercise.loading import load_library, load_scenario

REPO = Path(__file__).resolve().parent.parent
FLAGSHIP = "ukraine-ceasefire-2025"
SCENARIO = load_scenario(bundled.find_scenario(FLAGSHIP))
INJECTS = {**load_library()[0].injects, **SCENARIO.injects}  # a scenario's (overridden) injects win
SESSION = "game.session"
LINE_LIMIT = 200  # a "short line" of human output
TEAM_COMMANDS = {"submit", "revise", "withdraw", "ready", "respond"}  # --team is who acts

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def _strip_none(data):
    if isinstance(data, dict):
        return {k: _strip_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_strip_none(v) for v in data]
    return data


def _clamped(tracks: dict, deltas: dict) -> dict:
    out = dict(tracks)
    for name, delta in deltas.items():
        t = SCENARIO.tracks[name]
        out[name] = max(t.min, min(t.max, out[name] + delta))
    return out


def _holds(expression: str, tracks: dict, flags: dict, turn: int) -> bool:
    """A scenario condition, evaluated by Python on the test's own ledger (the syntax is shared)."""
    return bool(eval(expression, {"__builtins__": {}},  # noqa: S307 - the bundled scenario's own text
                     {"tracks": SimpleNamespace(**tracks), "flags": SimpleNamespace(**flags), "turn": turn}))


class Oracle:
    """What the game should be, kept by the test: tracks, flags and the conditions they make hold."""

    def __init__(self):
        self.tracks = {t.id: t.start for t in SCENARIO.tracks.values()}
        self.flags = {f.id: f.start for f in SCENARIO.flags.values()}
        self.turn = 0
        self.holding: set[tuple[str, str, str]] = set()
        self.changes: list[tuple[str, str, str, bool, int]] = []  # (kind, team, item, holds, turn)
        self.reached = ""  # the first end state reached: the outcome

    # what the script says should happen
    def apply(self, tracks: dict | None = None, flags: dict | None = None) -> None:
        self.tracks = _clamped(self.tracks, tracks or {})
        self.flags.update(flags or {})

    def inject(self, inject_id: str) -> None:
        e = INJECTS[inject_id].effects
        self.apply(e.tracks, e.flags)

    def deal(self, inject_id: str) -> None:
        e = INJECTS[inject_id].proposal.effects
        self.apply(e.tracks, e.flags)

    def kind(self, kind: str) -> None:
        e = SCENARIO.move_kinds[kind].effects
        self.apply(e.tracks, e.flags)

    # what the scenario's conditions say about it
    def now_holding(self) -> set[tuple[str, str, str]]:
        out = set()
        for team in SCENARIO.teams.values():
            for o in team.position.objectives:
                if o.when and _holds(o.when, self.tracks, self.flags, self.turn):
                    out.add(("objective", team.id, o.id))
            for r in team.position.red_lines:
                if r.when and _holds(r.when, self.tracks, self.flags, self.turn):
                    out.add(("red_line", team.id, r.id))
        for end_id, end in SCENARIO.end_states.items():
            if _holds(end.when, self.tracks, self.flags, self.turn):
                out.add(("end_state", "", end_id))
        return out

    def first_end_state(self) -> str:
        return self.reached

    def due_entries(self, fired: set[str]) -> list[str]:
        return [e.id for e in SCENARIO.msel
                if e.when and e.id not in fired and self.turn >= e.earliest_turn
                and _holds(e.when, self.tracks, self.flags, self.turn)]


class Game:
    """Runs ``exercise`` commands on one session; checks each command's events against the oracle.

    A command's events are checked just before the next command runs (and by ``settle``), so
    the script applies the effects it expects in between, as a facilitator's notes would.
    """

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.oracle = Oracle()
        self.log: list[dict] = []  # every event, as the commands reported them
        self.pending: list[dict] | None = None
        self.last: list[dict] = []  # the last command's events
        self.fired: set[str] = set()
        self.phase = "briefing"
        self.engine_tracks = dict(self.oracle.tracks)  # folded from the events' effects
        self.engine_flags = dict(self.oracle.flags)
        self.calls = 0
        self._archive: dict | None = None

    def run(self, *args: str) -> subprocess.CompletedProcess:
        self.settle()
        self.calls += 1
        return subprocess.run([sys.executable, "-m", "exercise", *map(str, args)], capture_output=True,
                              text=True, cwd=self.cwd, env=ENV, timeout=60)

    # -- checking ----------------------------------------------------------------------------

    def _take(self, events: list[dict]) -> list[dict]:
        self.settle()
        if events:
            self._archive = None
        self.log += events
        self.pending = self.last = events
        return events

    def settle(self) -> None:
        """Check the last command's events against what the oracle says now."""
        events, self.pending = self.pending, None
        if events is None:
            return
        o = self.oracle
        ended_before = self.phase == "ended"
        for e in events:
            if e["type"] == "TurnStarted":
                o.turn, self.phase = e["turn"], "briefing"
            elif e["type"] == "PhaseChanged":
                self.phase = e["phase"]
            elif e["type"] == "GameEnded":
                self.phase = "ended"
                assert e["end_state"] == o.first_end_state(), e
            effects = (e["inject"]["effects"] if e["type"] == "InjectDelivered"
                       else e.get("effects") if e["type"] in ("Ruled", "ProposalSettled") else None)
            if effects:
                self.engine_tracks = _clamped(self.engine_tracks, effects.get("tracks", {}))
                self.engine_flags.update(effects.get("flags", {}))
        assert self.engine_tracks == o.tracks, ("tracks", types(events), self.engine_tracks, o.tracks)
        assert self.engine_flags == o.flags, ("flags", types(events))
        if self.phase == "ended" or ended_before:
            assert conditions(events) == set() and queued(events) == []
            return
        now = o.now_holding()
        expected = {(*c, True) for c in now - o.holding} | {(*c, False) for c in o.holding - now}
        assert conditions(events) == expected, (types(events), conditions(events), expected)
        assert {e["turn"] for e in of_type(events, "ConditionChanged")} <= {o.turn}
        o.changes += [(*c, o.turn) for c in sorted(expected)]
        o.holding = now
        if not o.reached:  # the scenario's order breaks a tie
            o.reached = next((end_id for end_id in SCENARIO.end_states if ("end_state", "", end_id) in now), "")
        by_condition = [e["entry"] for e in of_type(events, "InjectQueued")
                        if e["reason"].startswith("condition met")]
        others = {e["entry"] for e in of_type(events, "InjectQueued")} - set(by_condition)
        due = [] if self.phase == "hotwash" else o.due_entries(self.fired | others)
        assert by_condition == due, (types(events), by_condition, due)
        self.fired |= set(queued(events))

    # -- looking -----------------------------------------------------------------------------

    def export(self, session: str = SESSION) -> dict:
        r = self.run("export", session)
        assert r.returncode == 0, r.stderr
        return tomllib.loads(r.stdout)

    def archive(self) -> dict:
        """The session's export, read again only after a command has written to it."""
        if self._archive is None:
            self._archive = self.export()
        return self._archive

    def events(self) -> list[dict]:
        """The archive's events as commands print them: without the storage's version stamp."""
        return [{k: v for k, v in e.items() if k != "v"} for e in self.archive()["events"]]

    def status(self, role: str = "facilitator", session: str = SESSION, whole: bool = True) -> dict:
        r = self.run("status", session, "--as", role, "--json", *(["--all"] if whole else []))
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    # -- acting ------------------------------------------------------------------------------

    def ok(self, command: str, *args: str) -> list[dict]:
        """Run ``command SESSION args --json``; it must succeed; returns its events."""
        r = self.run(command, SESSION, *args, "--json")
        assert r.returncode == 0, f"{command} {args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        assert r.stderr == "", r.stderr
        out = json.loads(r.stdout)
        assert out["ok"] is True and isinstance(out["events"], list)
        acting = command in TEAM_COMMANDS and "--as-facilitator" not in args
        team = args[args.index("--team") + 1] if acting else None
        if team is None:
            return self._take(out["events"])
        # A team is told only what it may see; the journal holds the rest.
        self._archive = None
        new = self.events()[len(self.log):]
        assert_seen_by(team, out["events"], new)
        return self._take(new)

    def human(self, command: str, *args: str) -> list[str]:
        """Run ``command SESSION args`` without --json: one short line per event written."""
        r = self.run(command, SESSION, *args)
        assert r.returncode == 0, f"{command} {args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        assert r.stderr == ""
        lines = check_lines(r.stdout)
        self._archive = None
        new = self.events()[len(self.log):]
        if new:
            assert len(lines) == len(new), (lines, types(new))
        else:
            assert lines == ["nothing changed"]
        self._take(new)
        return lines

    def refused(self, *cases: tuple[tuple[str, ...], str]) -> None:
        """Each command exits 3 and says why (a regex); together they write nothing.

        They run two at a time (none of them writes), then one ``export`` shows the journal
        still holds exactly the events the commands so far reported.
        """
        self.settle()
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda case: self.run(case[0][0], SESSION, *case[0][1:]), cases))
        for ((command, *args), why), r in zip(cases, results):
            assert r.returncode == 3, f"{command} {args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
            assert r.stdout == ""
            message = r.stderr.strip()
            assert "\n" not in message and "Traceback" not in message
            assert message.startswith("exercise: refused: "), message
            assert re.search(why, message), (why, message)
        self._archive = None
        after = self.events()
        assert len(after) == len(self.log), "a refused command wrote to the journal"
        assert _strip_none(after) == _strip_none(self.log)

    def views(self, *roles: str) -> list[dict]:
        """``status --as ROLE --json`` for several roles, two at a time."""
        self.settle()
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(self.status, roles))

    def refused_json(self, command: str, *args: str, why: str) -> None:
        """With --json a refusal is a JSON object on stdout, and still exit 3."""
        r = self.run(command, SESSION, *args, "--json")
        assert r.returncode == 3
        out = json.loads(r.stdout)
        assert out["ok"] is False and re.search(why, out["error"]), out


def assert_seen_by(team: str, told: list[dict], written: list[dict]) -> None:
    """``told`` is ``written`` less what ``team`` may not see: the queue, others' conditions and notes."""
    hidden = [e for e in written if e["type"] in ("InjectQueued", "InjectSkipped")
              or (e["type"] == "ConditionChanged" and e["team"] != team)
              or (e["type"] == "NoteAdded" and e["author"] != team)]
    assert _strip_none(told) == _strip_none([e for e in written if e not in hidden]), (types(told), types(written))


def R(*args: str, why: str) -> tuple[tuple[str, ...], str]:
    """A command the rules refuse, and (a regex of) the reason it must give."""
    return args, why


def check_lines(text: str) -> list[str]:
    lines = text.rstrip("\n").split("\n")
    assert lines and lines[0], f"no output: {text!r}"
    for line in lines:
        assert len(line) <= LINE_LIMIT, f"a long line ({len(line)}): {line}"
        assert "Traceback" not in line
    return lines


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


def of_type(events: list[dict], name: str) -> list[dict]:
    return [e for e in events if e["type"] == name]


def only(events: list[dict], name: str) -> dict:
    found = of_type(events, name)
    assert len(found) == 1, (name, types(events))
    return found[0]


def queued(events: list[dict]) -> list[str]:
    return [e["entry"] for e in of_type(events, "InjectQueued")]


def conditions(events: list[dict]) -> set[tuple]:
    return {(e["kind"], e["team"], e["item"], e["holds"]) for e in of_type(events, "ConditionChanged")}


def delivered(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["delivery"], e["inject"]["id"]) for e in of_type(events, "InjectDelivered")]


def submit(game: Game, team: str, kind: str, headline: str, *extra: str) -> str:
    events = game.ok("submit", "--team", team, "--kind", kind, "--headline", headline, *extra)
    assert types(events) == ["MoveSubmitted"]
    assert events[0]["team"] == team and events[0]["kind"] == kind and events[0]["headline"] == headline
    return events[0]["move"]


def matrix(game: Game, move: str, strong_for: int, strong_against: int, kind: str) -> dict:
    """A dice ruling; checks the roll against the matrix rule and expects the defaults it gives."""
    events = game.ok("adjudicate", move, "--for", str(strong_for), "--against", str(strong_against),
                     "--narrative", f"Matrix argument on {move}")
    ruled = only(events, "Ruled")
    assert ruled["method"] == "matrix" and len(ruled["rolls"]) == 2
    assert all(1 <= r <= 6 for r in ruled["rolls"])
    assert ruled["modifier"] == strong_for - strong_against
    success = sum(ruled["rolls"]) + ruled["modifier"] >= 7
    assert ruled["outcome"] == ("success" if success else "failure")
    defaults = SCENARIO.move_kinds[kind].effects
    expected = ({"tracks": dict(defaults.tracks), "flags": dict(defaults.flags)} if success
                else {"tracks": {}, "flags": {}})
    assert ruled["effects"] == expected
    game.oracle.apply(expected["tracks"], expected["flags"])
    return ruled


def advance_to_moves(game: Game, expect: list[str]) -> list[dict]:
    """Briefing -> moves: every queued entry is delivered (``expect``: their inject ids, in order)."""
    events = game.ok("advance")
    assert [i for _, i in delivered(events)] == expect
    for inject_id in expect:
        game.oracle.inject(inject_id)
    assert [e["phase"] for e in of_type(events, "PhaseChanged")] == ["moves"]
    return events


def test_flagship_game_from_the_command_line(tmp_path):
    game = Game(tmp_path)
    o = game.oracle

    # === start =================================================================================
    r = game.run("start", FLAGSHIP, "--session", SESSION, "--seed", "1")
    assert r.returncode == 0, r.stderr
    start_lines = [line for line in r.stdout.split("\n") if line]
    assert start_lines[0].startswith(f"started {SESSION}: ")
    assert all(len(line) <= LINE_LIMIT for line in start_lines)
    events = game._take(game.events())
    assert types(events) == ["TurnStarted", "InjectQueued", "InjectQueued"]
    assert queued(events) == ["t1-energy-moratorium", "t1-walkback-read-in"]
    # the same with --json, on another file: it parses and names the session and the teams
    r = game.run("start", FLAGSHIP, "--session", "other.session", "--seed", "1", "--json")
    out = json.loads(r.stdout)
    assert out["ok"] and out["session"] == "other.session" and out["teams"] == ["us", "russia", "ukraine", "europe"]
    assert out["events"] == events
    r = game.run("start", FLAGSHIP, "--session", "other.session")  # never overwrites
    assert r.returncode == 1 and "other.session" in r.stderr and "Traceback" not in r.stderr
    # ending early on the other session: to the hotwash, then closed with no end state reached
    r = game.run("end", "other.session", "--json")
    assert json.loads(r.stdout)["events"] == [
        {"type": "PhaseChanged", "phase": "hotwash", "reason": "ended early by the facilitator"}]
    r = game.run("end", "other.session", "--json")
    assert json.loads(r.stdout)["events"] == [
        {"type": "GameEnded", "reason": "the hotwash is closed", "end_state": ""}]
    view = game.status()
    assert (view["turn"], view["phase"]) == (1, "briefing")
    assert [q["entry"] for q in view["queue"]] == ["t1-energy-moratorium", "t1-walkback-read-in"]
    assert "turn 1 of 7 · briefing · viewing as facilitator" in check_lines(game.run("status", SESSION).stdout)
    r = game.run("status", SESSION, "--as", "china")
    assert r.returncode == 3 and "unknown role 'china'" in r.stderr

    # === turn 1 ================================================================================
    lines = game.human("advance")  # deliver the opening package, open moves
    assert lines[0].startswith("delivered d1: ") and lines[-1] == "moves are open"
    o.inject("energy-moratorium")
    o.inject("t1-walkback-read-in")
    assert o.tracks["us_credibility"] == 4
    assert delivered(game.last) == [("d1", "energy-moratorium"), ("d2", "t1-walkback-read-in")]
    p1 = only(game.last, "ProposalTabled")
    assert (p1["proposal"], p1["by"], p1["origin"], p1["lapses_turn"]) == ("p1", "Kremlin", "d1", 2)
    assert p1["parties"] == ["russia", "ukraine", "us"]

    # moves: a threat, a promise, a concession answering the inject, a proposal with terms
    lines = game.human("submit", "--team", "us", "--kind", "threaten", "--to", "russia",
                       "--headline", "Secondary tariffs on Russian oil if Moscow stalls",
                       "--argument", "Oil receipts fund the war", "--argument", "India and China buy at a discount")
    assert lines == ["m1 submitted by us [threaten]: Secondary tariffs on Russian oil if Moscow stalls"]
    assert submit(game, "us", "promise", "US arms keep flowing while talks go on", "--to", "ukraine") == "m2"
    assert submit(game, "russia", "concede", "Pause strikes on energy for 30 days", "--answers", "d1") == "m3"
    assert submit(game, "ukraine", "propose", "A moratorium with no strings, then a full cease-fire",
                  "--to", "russia", "--to", "us", "--answers", "p1",
                  "--term", "Energy strikes stop on both sides", "--term", "No limits on mobilisation",
                  "--term", "Third-party monitoring") == "m4"
    # Europe's moves, entered from the facilitator's seat: one revised, one withdrawn
    assert submit(game, "europe", "consult-allies", "Draft a line", "--as-facilitator") == "m5"
    lines = game.human("revise", "m5", "--team", "europe", "--headline", "A common European line for Washington",
                       "--detail", "Paris, Berlin, London and Warsaw agree what Europe can guarantee")
    assert lines == ["m5 revised: A common European line for Washington"]
    assert submit(game, "europe", "public-statement", "Appeasement fails") == "m6"
    assert game.human("withdraw", "m6", "--team", "europe") == ["m6 withdrawn"]
    revised = only(game.ok("revise", "m2", "--team", "us", "--headline", "Arms keep flowing, and air defence first",
                           "--to", "ukraine", "--as-facilitator"), "MoveRevised")
    assert (revised["move"], revised["targets"]) == ("m2", ["ukraine"])

    # refusals while moves are open: an unknown team, a kind the team does not have, ...
    game.refused(
        R("submit", "--team", "china", "--kind", "propose", "--headline", "Mediate",
          why=r"unknown role 'china' \(facilitator, evaluator or a team: us, russia, ukraine, europe\)"),
        R("submit", "--team", "china", "--kind", "propose", "--headline", "Mediate", "--as-facilitator",
          why=r"no team 'china' \(teams: us, russia, ukraine, europe\)"),
        R("submit", "--team", "ukraine", "--kind", "threaten", "--headline", "Strike Moscow",
          why=r"team 'ukraine' has no move kind 'threaten' \(its levers: propose, .*strike"),
        R("submit", "--team", "russia", "--kind", "propose", "--headline", "x", "--answers", "d9",
          why=r"'d9' is neither a delivered inject \(d1, \.\.\.\) nor a proposal"),
        R("submit", "--team", "us", "--kind", "sanction", "--headline", "A third move",
          why=r"team 'us' already has 2 move\(s\) this turn"),
        R("revise", "m6", "--team", "europe", "--headline", "again", why=r"move 'm6' was withdrawn"),
        R("respond", "p1", "counter", "--team", "ukraine", why=r"a counter-proposal needs its terms"),
    )
    game.refused_json("submit", "--team", "ukraine", "--kind", "threaten", "--headline", "x", why="no move kind")

    # moves are hidden from other teams
    facilitator, russia, europe = game.views("facilitator", "russia", "europe")
    assert {m["id"] for m in russia["moves"]} == {"m3"}
    assert {m["id"] for m in europe["moves"]} == {"m5", "m6"}
    assert {t: v["moves_this_turn"] for t, v in facilitator["teams"].items()} == {
        "us": 2, "russia": 1, "ukraine": 1, "europe": 1}
    assert "moves_this_turn" not in russia["teams"]["us"]

    # ready, again (nothing changes), not ready
    assert game.human("ready", "--team", "us") == ["us is ready"]
    assert game.ok("ready", "--team", "us") == []  # already ready: nothing changes
    assert types(game.ok("ready", "--team", "russia")) == ["ReadyChanged"]
    assert only(game.ok("ready", "--team", "russia", "--not"), "ReadyChanged")["ready"] is False

    # Ukraine counters the Kremlin's offer; Russia rejects the counter
    lines = game.human("respond", "p1", "counter", "--team", "ukraine", "--note", "Not with the sting",
                       "--term", "Moratorium on energy strikes", "--term", "No limits on mobilisation or rearmament")
    assert lines == ["ukraine answers p1: counter", "p1 countered by ukraine",
                     "p2 tabled by ukraine: Counter to Kremlin offers a 30-day halt to energy strikes, at a price "
                     "(parties: russia, ukraine, us)", "ukraine answers p2: accept"]
    p2 = only(game.last, "ProposalTabled")
    assert (p2["counter_of"], p2["lapses_turn"], p2["parties"]) == ("p1", 2, ["russia", "ukraine", "us"])
    assert p2["terms"] == ["Moratorium on energy strikes", "No limits on mobilisation or rearmament"]
    events = game.ok("respond", "p2", "reject", "--team", "russia", "--note", "Ukraine must not rearm")
    assert only(events, "ProposalSettled")["status"] == "rejected"

    # close and reveal: commitments open, the proposal move is tabled
    events = game.ok("advance")
    assert only(events, "MovesRevealed") == {"type": "MovesRevealed", "turn": 1,
                                             "moves": ["m1", "m2", "m3", "m4", "m5"]}
    opened = {e["commitment"]: (e["team"], e["kind"], e["move"]) for e in of_type(events, "CommitmentOpened")}
    assert opened == {"c1": ("us", "threat", "m1"), "c2": ("us", "promise", "m2"),
                      "c3": ("russia", "concession", "m3")}
    p3 = only(events, "ProposalTabled")
    assert (p3["proposal"], p3["by"], p3["origin"]) == ("p3", "ukraine", "m4")
    assert p3["parties"] == ["ukraine", "russia", "us"]
    assert p3["terms"] == ["Energy strikes stop on both sides", "No limits on mobilisation", "Third-party monitoring"]
    assert queued(events) == [] and of_type(events, "PhaseChanged")[-1]["phase"] == "adjudication"

    # refusals: a move after moves closed; an effect on an unknown track; ...
    game.refused(
        R("submit", "--team", "russia", "--kind", "strike", "--headline", "Strike the grid",
          why=r"moves are not open \(turn 1, adjudication\); the facilitator opens them with 'advance'"),
        R("revise", "m3", "--team", "russia", "--headline", "x", why=r"move 'm3' can no longer be revised"),
        R("adjudicate", "m5", "--outcome", "success", "--effect", "morale=+1",
          why=r"no track 'morale' \(tracks: escalation, alliance_cohesion, "),
        R("adjudicate", "m5", "--outcome", "success", "--effect", "escalation=lots",
          why=r"--effect 'escalation=lots'"),
        R("respond", "p2", "accept", "--team", "us", why=r"proposal 'p2' is no longer open \(rejected\)"),
        R("note", "Great play", "--as", "us", "--category", "strength",
          why=r"only the facilitator can record hotwash"),
    )

    # rulings: dice (a sure success, a sure failure), an outcome, overrides, a private ruling
    lines = game.human("adjudicate", "m1", "--for", "5", "--narrative", "The tariff threat registers in Moscow")
    assert re.fullmatch(r"m1 ruled success \(2d6 \d\+\d\+5 = \d+, needs 7\): escalation \+1", lines[0]), lines
    ruled = only(game.last, "Ruled")
    assert (ruled["method"], ruled["modifier"]) == ("matrix", 5)
    assert ruled["narrative"] == "The tariff threat registers in Moscow"
    o.kind("threaten")  # escalation 7
    ruled = only(game.ok("adjudicate", "m2", "--outcome", "partial"), "Ruled")
    assert (ruled["method"], ruled["outcome"], ruled["rolls"]) == ("umpire", "partial", [])
    assert ruled["effects"] == {"tracks": {}, "flags": {}}  # half of +1, rounded towards zero
    matrix(game, "m3", 0, 6, "concede")  # 2d6 - 6 never reaches 7
    ruled = only(game.ok("adjudicate", "m4", "--outcome", "success", "--effect", "talks_momentum=+1",
                         "--narrative", "Washington takes Kyiv's framing"), "Ruled")
    assert ruled["effects"] == {"tracks": {"talks_momentum": 1}, "flags": {}}
    o.apply({"talks_momentum": 1})
    ruled = only(game.ok("adjudicate", "m5", "--outcome", "success", "--private",
                         "--narrative", "Europe agrees a line, quietly"), "Ruled")
    assert ruled["public"] is False and ruled["effects"]["tracks"] == {"alliance_cohesion": 1}
    o.kind("consult-allies")

    # notes in the log, by the facilitator and by a team
    lines = game.human("note", "Moscow's concession looks cosmetic")
    assert lines == ["log note by facilitator: Moscow's concession looks cosmetic"]
    only(game.ok("note", "We need the US on side", "--as", "ukraine"), "NoteAdded")

    events = game.ok("advance")
    assert events[0] == {"type": "TurnStarted", "turn": 2}
    assert queued(events) == ["t2-ceasefire-30-day", "t2-g7-readmission"]
    assert o.tracks == {"escalation": 7, "alliance_cohesion": 6, "russia_pressure": 6, "ukraine_defence": 6,
                        "us_credibility": 4, "talks_momentum": 4}

    # === turn 2: the cease-fire ================================================================
    lines = game.human("inject", "t2-g7-readmission", "--skip", "The US team chose not to float the G-7 seat")
    assert lines == ["skipped t2-g7-readmission: The US team chose not to float the G-7 seat"]
    events = advance_to_moves(game, ["ceasefire-30-day"])
    p4 = only(events, "ProposalTabled")
    assert (p4["proposal"], p4["origin"], p4["lapses_turn"]) == ("p4", "d3", 3)

    assert submit(game, "russia", "leader-call", "Putin calls Trump about the underlying causes", "--to", "us") == "m7"
    assert submit(game, "ukraine", "respond", "Kyiv accepts the 30-day cease-fire", "--answers", "p4") == "m8"
    assert submit(game, "us", "public-statement", "The President hails the cease-fire") == "m9"
    assert submit(game, "europe", "threaten", "Frozen assets go to Ukraine if the truce breaks",
                  "--to", "russia", "--argument", "Most of the assets sit in Europe") == "m10"
    assert submit(game, "ukraine", "concede", "Freeze the line, never recognise it") == "m11"

    # every party accepts: a deal, its effects apply, conditions change
    only(game.ok("respond", "p4", "accept", "--team", "russia", "--note", "In principle"), "ProposalAnswered")
    only(game.ok("respond", "p4", "accept", "--team", "ukraine"), "ProposalAnswered")
    events = game.ok("respond", "p4", "accept", "--team", "us", "--as-facilitator")
    assert [e["status"] for e in of_type(events, "ProposalSettled")] == ["deal"]
    o.deal("ceasefire-30-day")  # escalation 5, talks 6, ceasefire
    assert {("objective", "us", "quick-deal", True), ("objective", "us", "durable-peace", True),
            ("objective", "russia", "veto-over-guarantees", True)} <= conditions(events)
    # a truce gets tested; one with no guarantee behind it recalls Minsk, and with talks at 6 Moscow
    # questions who may sign for Ukraine
    assert queued(events) == ["truce-violation", "legitimacy-challenge", "minsk-warning"]
    assert types(game.ok("respond", "p3", "accept", "--team", "us")) == ["ProposalAnswered"]  # p3 stays open

    # refusals: a ruling on a move not yet revealed; answers that do not fit
    game.refused(
        R("adjudicate", "m7", "--outcome", "success",
          why=r"move 'm7' is not revealed yet \(submitted\); close moves with 'advance' first"),
        R("adjudicate", "m5", "--outcome", "failure", why=r"move 'm5' already has a ruling \(success\)"),
        R("respond", "p4", "reject", "--team", "us", why=r"proposal 'p4' is no longer open \(deal\)"),
        R("respond", "p3", "accept", "--team", "europe", why=r"team 'europe' is not a party to proposal 'p3'"),
        R("respond", "p3", "accept", "--team", "ukraine", why=r"team 'ukraine' has already answered proposal 'p3'"),
        R("inject", "t2-g7-readmission", "--skip", "again",
          why=r"not in the inject queue \(queued: truce-violation, legitimacy-challenge, minsk-warning\)"),
    )
    # this game leaves the legitimacy challenge and the Minsk warning out
    for entry in ("legitimacy-challenge", "minsk-warning"):
        assert only(game.ok("inject", entry, "--skip", "Not in this seminar"), "InjectSkipped")["entry"] == entry
    # the queued violation report, delivered by hand now
    events = game.ok("inject", "truce-violation")
    assert delivered(events) == [("d4", "ceasefire-violation-report")]
    assert only(events, "InjectDelivered")["entry"] == "truce-violation"
    o.inject("ceasefire-violation-report")  # escalation 6, talks 5

    events = game.ok("advance")
    assert only(events, "MovesRevealed")["moves"] == ["m7", "m8", "m9", "m10", "m11"]
    assert [(e["commitment"], e["kind"]) for e in of_type(events, "CommitmentOpened")] == [
        ("c4", "threat"), ("c5", "concession")]
    assert [(e["entry"], e["reason"]) for e in of_type(events, "InjectQueued")] == [
        ("after-call-readout", "after a 'leader-call' move")]
    ruled = only(game.ok("adjudicate", "m7", "--outcome", "failure", "--narrative", "The call changes nothing"),
                 "Ruled")
    assert ruled["effects"] == {"tracks": {}, "flags": {}}
    only(game.ok("adjudicate", "m8", "--outcome", "success"), "Ruled")
    matrix(game, "m9", 1, 1, "public-statement")  # a free roll: a statement has no effect either way
    ruled = only(game.ok("adjudicate", "m10", "--outcome", "success", "--no-effect"), "Ruled")
    assert ruled["effects"] == {"tracks": {}, "flags": {}}
    # commitments: carried out, reciprocated
    assert game.human("resolve", "c1", "carried_out", "--note", "Tariffs announced") == ["c1 carried out"]
    assert only(game.ok("resolve", "c3", "reciprocated"), "CommitmentResolved")["status"] == "reciprocated"
    # m11 stays without a ruling, so advancing needs --force
    game.refused(
        R("advance", why=r"moves without a ruling: m11 \(adjudicate them, or advance with --force\)"),
        R("resolve", "c1", "withdrawn", why=r"commitment 'c1' is already carried_out"),
        R("resolve", "c5", "carried_out", why=r"a concession is resolved as reciprocated, unreciprocated, withdrawn"),
        R("resolve", "p4", "violated", why=r"name the party that violated the deal \(one of: russia, ukraine, us\)"),
        R("resolve", "p3", "violated", "--by", "ukraine", why=r"proposal 'p3' is not a deal \(open\)"),
    )
    events = game.ok("advance", "--force")
    assert events[0] == {"type": "TurnStarted", "turn": 3}
    assert queued(events) == ["t3-neutrality-and-provinces", "t3-critical-minerals"]
    assert not of_type(events, "ProposalSettled")  # p1 would lapse now, but it was countered

    # === turn 3: minerals, and a library inject by hand ========================================
    events = advance_to_moves(game, ["leaders-call-readout", "neutrality-and-provinces-demand",
                                     "critical-minerals-deal"])
    p5 = only(events, "ProposalTabled")
    assert (p5["proposal"], p5["parties"]) == ("p5", ["us", "ukraine"])
    lines = game.human("inject", "financial-sanctions-package", "--to", "us", "--to", "europe")
    assert lines[0].startswith("delivered d8: ") and lines[0].endswith("to us, europe)")
    delivery = only(game.last, "InjectDelivered")
    assert (delivery["entry"], delivery["recipients"]) == ("", ["us", "europe"])
    p6 = only(game.last, "ProposalTabled")
    assert (p6["proposal"], p6["parties"], p6["lapses_turn"]) == ("p6", ["us", "europe"], 4)
    # who sees what: the minerals deal goes to the US and Ukraine, the sanctions package to the US and Europe
    russia, ukraine = game.views("russia", "ukraine")
    assert {d["id"] for d in russia["injects"]} == {"d1", "d2", "d3", "d4", "d5", "d6"}
    assert {d["id"] for d in ukraine["injects"]} == {"d1", "d2", "d3", "d4", "d5", "d6", "d7"}
    assert "p5" not in {p["id"] for p in russia["proposals"]} and "p5" in {p["id"] for p in ukraine["proposals"]}
    assert "expected_actions" not in ukraine["injects"][0]
    # revealed moves are everyone's; Europe's private ruling on m5 is not
    rulings = {m["id"]: m["ruling"] for m in russia["moves"]}
    assert set(rulings) == {f"m{i}" for i in range(1, 12)} - {"m6"}
    assert rulings["m5"] is None and rulings["m1"]["outcome"] == "success"
    assert {m["id"]: m["ruling"] for m in ukraine["moves"]}["m5"] is None

    only(game.ok("respond", "p5", "accept", "--team", "us"), "ProposalAnswered")
    events = game.ok("respond", "p5", "accept", "--team", "ukraine")
    assert only(events, "ProposalSettled")["status"] == "deal"
    o.deal("critical-minerals-deal")  # ukraine_defence 7, russia_pressure 6
    assert ("objective", "us", "minerals", True) in conditions(events)
    game.ok("respond", "p6", "accept", "--team", "europe")
    assert only(game.ok("respond", "p6", "accept", "--team", "us"), "ProposalSettled")["status"] == "deal"
    o.deal("financial-sanctions-package")  # alliance_cohesion 7, us_credibility 4

    assert submit(game, "europe", "promise", "Europe funds Ukrainian drone production", "--to", "ukraine") == "m12"
    assert submit(game, "us", "consult-allies", "Who pays for the guarantee?") == "m13"
    events = game.ok("advance")
    assert [(e["commitment"], e["kind"]) for e in of_type(events, "CommitmentOpened")] == [("c6", "promise")]
    matrix(game, "m12", 5, 0, "promise")  # talks 5
    only(game.ok("adjudicate", "m13", "--outcome", "failure"), "Ruled")
    # the rest of the ledger: withdrawn, lapsed, unreciprocated; a deal violated
    game.ok("resolve", "c2", "withdrawn", "--note", "Arms paused during the call")
    game.ok("resolve", "c4", "lapsed")
    game.ok("resolve", "c5", "unreciprocated", "--note", "Moscow pocketed it")
    events = game.ok("resolve", "p6", "violated", "--by", "europe", "--note", "Enforcement never started")
    # the breach undoes what the deal did
    assert events[0] == {"type": "ProposalSettled", "proposal": "p6", "status": "violated", "turn": 3,
                         "effects": {"tracks": {"alliance_cohesion": -1, "us_credibility": -1}, "flags": {}},
                         "by": "europe", "note": "Enforcement never started"}
    o.apply({"alliance_cohesion": -1, "us_credibility": -1})  # alliance_cohesion 6, us_credibility 3
    game.refused(
        R("resolve", "p6", "violated", "--by", "europe", why=r"proposal 'p6' is not a deal \(violated\)"),
        R("inject", "nordic-nato-invitation",
          why=r"inject 'nordic-nato-invitation' proposal: no flag 'nordic_nato_invitation'"),
        R("inject", "peace-in-our-time",
          why=r"no inject 'peace-in-our-time' in the scenario or the library \(known: "),
    )
    events = game.ok("advance")
    assert events[0] == {"type": "TurnStarted", "turn": 4}
    assert queued(events) == ["t4-reassurance-force", "t4-kremlin-dilemmas"]

    # === turn 4: the European reassurance force (and Moscow's dilemmas), and no moves at all ===
    p7 = only(advance_to_moves(game, ["reassurance-force", "kremlin-dilemmas"]), "ProposalTabled")["proposal"]
    assert p7 == "p7"
    game.ok("respond", p7, "accept", "--team", "europe")
    game.ok("respond", p7, "accept", "--team", "ukraine")
    events = game.ok("respond", p7, "accept", "--team", "us", "--note", "No US backstop")
    o.deal("reassurance-force")  # ukraine_defence 8, alliance_cohesion 8, reassurance_force, european_guarantee
    assert {("end_state", "", "european-guarantee", True), ("red_line", "russia", "no-western-guarantee", True),
            ("objective", "us", "europe-carries-burden", True),
            ("objective", "russia", "veto-over-guarantees", False)} <= conditions(events)
    # Europe now carries a guarantee: the defence compact falls due; this game leaves it out
    assert queued(events) == ["european-defence-compact"]
    game.ok("inject", "european-defence-compact", "--skip", "Not in this seminar")
    assert only(game.ok("advance"), "MovesRevealed")["moves"] == []
    events = game.ok("advance")
    assert events[0] == {"type": "TurnStarted", "turn": 5}
    # the quick deal had to come within four turns: from turn 5 it no longer holds
    assert ("objective", "us", "quick-deal", False) in conditions(events)
    assert queued(events) == ["t5-sanctions-and-assets"]

    # === turn 5: the Israel model, by the facilitator's override ===============================
    advance_to_moves(game, ["sanctions-and-assets-demand"])
    assert submit(game, "us", "military-aid", "A ten-year arms compact with Kyiv") == "m14"
    game.ok("advance")
    lines = game.human("adjudicate", "m14", "--outcome", "success", "--effect", "ukraine_defence=+3",
                       "--flag", "israel_model=true", "--narrative", "Congress funds the compact")
    assert lines[0] == "m14 ruled success: ukraine_defence +3, israel_model = true"
    o.apply({"ukraine_defence": 3}, {"israel_model": True})  # 8 + 3, clamped to 10
    assert o.tracks["ukraine_defence"] == 10
    assert {("end_state", "", "israel-model", True),
            ("red_line", "russia", "limits-on-us-arms", True)} <= conditions(game.last)
    events = game.ok("advance")
    assert events[0] == {"type": "TurnStarted", "turn": 6} and queued(events) == ["t6-impatience"]

    # === turn 6: escalation with European troops in Ukraine ====================================
    advance_to_moves(game, ["impatience-deadline"])
    assert submit(game, "russia", "strike", "Drones on Kharkiv") == "m15"
    assert submit(game, "ukraine", "mobilise", "Rotate brigades to the front") == "m16"
    game.ok("advance")
    only(game.ok("adjudicate", "m15", "--outcome", "success"), "Ruled")
    o.kind("strike")  # escalation 7
    events = game.ok("adjudicate", "m16", "--outcome", "partial", "--effect", "escalation=+1",
                     "--effect", "ukraine_defence=-1")
    assert only(events, "Ruled")["effects"] == {"tracks": {"escalation": 1, "ukraine_defence": -1}, "flags": {}}
    o.apply({"escalation": 1, "ukraine_defence": -1})  # escalation 8, ukraine_defence 9
    assert ("red_line", "europe", "no-lone-tripwire", True) in conditions(events)
    events = game.ok("advance")
    assert events[0] == {"type": "TurnStarted", "turn": 7} and queued(events) == []

    # === turn 7, the last: one move left without a ruling ======================================
    assert types(game.ok("advance")) == ["PhaseChanged"]
    assert submit(game, "europe", "consult-allies", "Europe asks Washington for a backstop") == "m17"
    assert submit(game, "ukraine", "public-statement", "Kyiv thanks its partners") == "m18"
    assert submit(game, "europe", "public-statement", "A draft communique") == "m19"
    assert game.ok("withdraw", "m19", "--team", "europe") == [{"type": "MoveWithdrawn", "move": "m19"}]
    game.ok("advance")
    matrix(game, "m17", 0, 6, "consult-allies")
    events = game.ok("advance", "--force")
    assert events == [{"type": "PhaseChanged", "phase": "hotwash", "reason": "the last turn is over"}]

    # === hotwash ===============================================================================
    note = only(game.ok("note", "Europe kept the US inside the guarantee talks", "--category", "strength",
                        "--team", "europe"), "NoteAdded")
    assert (note["author"], note["category"], note["team"]) == ("facilitator", "strength", "europe")
    only(game.ok("note", "The US gave up leverage before the talks", "--category", "improvement", "--team", "us"),
         "NoteAdded")
    note = only(game.ok("note", "Write a playbook for verifying a cease-fire", "--category", "plan",
                        "--owner", "Control cell", "--due", "2025-06-30"), "NoteAdded")
    assert (note["category"], note["owner"], note["due"], note["turn"]) == ("plan", "Control cell", "2025-06-30", 7)
    game.refused(
        R("submit", "--team", "us", "--kind", "propose", "--headline", "One more", why=r"\(turn 7, hotwash\)"),
        R("inject", "financial-sanctions-package", why=r"cannot deliver injects: the game is in its hotwash"),
        R("respond", "p3", "accept", "--team", "russia", why=r"cannot answer proposals: the game is in its hotwash"),
    )
    lines = game.human("end", "--reason", "the hotwash is done")
    # the European guarantee was reached in turn 4, the Israel model only in turn 5: the first reached wins
    assert lines == ["game ended (the hotwash is done): European security guarantee"]
    game.refused(
        R("end", why=r"the game has already ended"),
        R("advance", why=r"the game has ended"),
        R("adjudicate", "m18", "--outcome", "success", why=r"the game has ended"),
    )

    # === the final state =======================================================================
    view, ukraine = game.views("facilitator", "ukraine")
    assert view["phase"] == "ended" and view["turn"] == 7
    assert view["end_state"] == "european-guarantee" and view["ended_reason"] == "the last turn is over"
    assert {k: v["value"] for k, v in view["tracks"].items()} == o.tracks == {
        "escalation": 8, "alliance_cohesion": 7, "russia_pressure": 6, "ukraine_defence": 9,
        "us_credibility": 3, "talks_momentum": 5,
    }
    assert {k: v["value"] for k, v in view["flags"].items()} == o.flags
    assert {k for k, v in o.flags.items() if v} == {
        "talks_open", "ceasefire", "minerals_deal", "reassurance_force", "european_guarantee", "israel_model",
    }
    assert {c["id"]: (c["team"], c["kind"], c["move"], c["status"]) for c in view["commitments"]} == {
        "c1": ("us", "threat", "m1", "carried_out"), "c2": ("us", "promise", "m2", "withdrawn"),
        "c3": ("russia", "concession", "m3", "reciprocated"), "c4": ("europe", "threat", "m10", "lapsed"),
        "c5": ("ukraine", "concession", "m11", "unreciprocated"), "c6": ("europe", "promise", "m12", "open"),
    }
    assert {c["id"]: c["note"] for c in view["commitments"]}["c1"] == "Tariffs announced"
    proposals = {p["id"]: p for p in view["proposals"]}
    assert {pid: p["status"] for pid, p in proposals.items()} == {
        "p1": "countered", "p2": "rejected", "p3": "open", "p4": "deal", "p5": "deal", "p6": "violated", "p7": "deal",
    }
    assert proposals["p6"]["violated_by"] == "europe"
    assert proposals["p3"]["answers"] == {"ukraine": "accept", "us": "accept"}
    assert proposals["p4"]["answers"] == {"russia": "accept", "ukraine": "accept", "us": "accept"}
    assert proposals["p2"]["counter_of"] == "p1"
    recorded = sorted((c["kind"], c["team"], c["item"], c["holds"], c["turn"]) for c in view["conditions"])
    assert recorded == sorted(o.changes)
    for change in [("objective", "us", "quick-deal", True, 2), ("objective", "us", "quick-deal", False, 5),
                   ("objective", "us", "minerals", True, 3),
                   ("end_state", "", "european-guarantee", True, 4), ("end_state", "", "israel-model", True, 5),
                   ("red_line", "russia", "no-western-guarantee", True, 4),
                   ("red_line", "russia", "limits-on-us-arms", True, 5),
                   ("red_line", "europe", "no-lone-tripwire", True, 6)]:
        assert change in recorded
    moves = {m["id"]: m for m in view["moves"]}
    assert len(moves) == 19 and moves["m6"]["status"] == moves["m19"]["status"] == "withdrawn"
    assert moves["m18"]["ruling"] is None
    assert moves["m11"]["ruling"] is None and moves["m11"]["status"] == "revealed"
    assert moves["m5"]["headline"] == "A common European line for Washington"
    assert moves["m2"]["headline"] == "Arms keep flowing, and air defence first"
    assert moves["m1"]["arguments"] == ["Oil receipts fund the war", "India and China buy at a discount"]
    assert moves["m3"]["answers"] == "d1" and moves["m8"]["answers"] == "p4"
    assert moves["m14"]["ruling"]["effects"] == {"tracks": {"ukraine_defence": 3}, "flags": {"israel_model": True}}
    assert [(n["author"], n["category"]) for n in view["notes"]] == [
        ("facilitator", "log"), ("ukraine", "log"), ("facilitator", "strength"), ("facilitator", "improvement"),
        ("facilitator", "plan"),
    ]
    assert [(s["entry"], s["turn"]) for s in view["skipped"]] == [
        ("t2-g7-readmission", 2), ("legitimacy-challenge", 2), ("minsk-warning", 2), ("european-defence-compact", 4)]
    assert view["queue"] == [] and len(view["injects"]) == 12
    # a team's view: its own notes and conditions only, no queue
    assert [n["author"] for n in ukraine["notes"]] == ["ukraine"]
    assert all(c["team"] == "ukraine" for c in ukraine["conditions"])
    assert "queue" not in ukraine and "skipped" not in ukraine
    assert check_lines(game.run("status", SESSION, "--as", "ukraine").stdout)[-1] == "end state: european-guarantee"

    # === export, and import =====================================================================
    archive = game.export()
    assert archive["format"] == "exercise-session-archive" and archive["seed"] == 1
    assert _strip_none(game.events()) == _strip_none(game.log), "the commands reported every event in the journal"
    assert archive["final_state"] == _strip_none(view)
    r = game.run("export", SESSION, "-o", "game.toml")
    assert check_lines(r.stdout) == [f"exported {SESSION} to game.toml"]
    assert tomllib.loads((tmp_path / "game.toml").read_text()) == archive
    r = game.run("import", "game.toml", "--session", "copy.session")
    assert r.returncode == 0, r.stderr
    assert check_lines(r.stdout) == [f"imported game.toml into copy.session ({len(game.log)} events, turn 7, ended)"]
    r = game.run("export", "copy.session", "-o", "copy.toml", "--json")
    assert json.loads(r.stdout) == {"ok": True, "output": "copy.toml"}
    assert (tmp_path / "copy.toml").read_bytes() == (tmp_path / "game.toml").read_bytes()
    r = game.run("import", "game.toml", "--session", "copy.session", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["ok"] is False and "copy.session" in r.stderr
