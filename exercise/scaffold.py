"""The text of a new scenario: a commented TOML scaffold that validates as written.

``scaffold(scenario_id, teams)`` returns the file's text; ``exercise new`` (``cli_new``)
writes it. Every table and field carries a comment saying what it is for, so an author can
fill it in without the documentation open. No I/O here.
"""

from __future__ import annotations

import datetime
import re

DEFAULT_TEAMS = ("blue", "red")


def _team_name(team_id: str) -> str:
    return " ".join(part.capitalize() for part in team_id.replace("_", "-").split("-") if part) or team_id


def _team(team_id: str, others: list[str], first: bool) -> str:
    name = _team_name(team_id)
    target = _team_name(others[0]) if others else "the other side"  # a team of its own: no one else to name
    c = (lambda text: text) if first else (lambda text: "")  # explain each field once, at the first team
    return f"""
# ===== {name} {"=" * max(3, 80 - len(name) - 8)}

{c("# A team: its table name is its id (exercise join SESSION --team " + team_id + ").")}
[teams.{team_id}]
name = "{name}"{c("                    # shown in the consoles and the report")}
role = "TODO: who this team plays (a government, its negotiators, an alliance)."

{c('''# The position is what the team argues. Every item names its `source` (an id from
# [[sources]]) and may carry a `quote`, the document's own words, copied literally.

# stance: the team's view of the situation; one table per statement (at least one).
''')}[[teams.{team_id}.position.stance]]
text = "TODO: how {name} sees the situation."
source = "doc-1"
quote = ""

{c('''# objectives: what the team wants, ranked 1 (matters most), 2, ... (at least one). `when` is a
# condition over tracks and flags: the objective is met while it holds.
''')}[[teams.{team_id}.position.objectives]]
id = "keep-the-peace"
rank = 1
text = "TODO: what {name} wants most."
source = "doc-1"
when = "tracks.escalation <= 3"

{c('''# red_lines: what the team will not accept; crossed when `when` holds (the report says when).
''')}[[teams.{team_id}.position.red_lines]]
id = "no-war"
text = "TODO: what {name} will not accept."
source = "doc-1"
when = "tracks.escalation >= 9"

{c('''# levers: the move kinds (ids of [move_kinds.ID]) the team may use, one table per kind, with
# what that kind of move means for this team.
''')}[[teams.{team_id}.position.levers]]
kind = "statement"
text = "TODO: what {name} says in public, and to whom."
source = "doc-1"

[[teams.{team_id}.position.levers]]
kind = "threaten"
text = "TODO: what {name} can threaten {target} with."
source = "doc-1"

[[teams.{team_id}.position.levers]]
kind = "propose"
text = "TODO: the deals {name} could put on the table."
source = "doc-1"

[[teams.{team_id}.position.levers]]
kind = "respond"
text = "Accept, reject or counter a deal on the table."
source = "doc-1"

{c('''# assumptions: what the team takes for granted (optional, any number).
''')}[[teams.{team_id}.position.assumptions]]
text = "TODO: what {name} assumes about the others."
source = "doc-1"
{c(f'''
# advisors (optional): for a team that argues internally, one brief per advisor, each drawn
# from one document, with the move kinds that advisor favours. Uncomment to use:
# [[teams.{team_id}.position.advisors]]
# id = "hawk"
# title = "Raise the cost"
# advisor = "TODO: who argues this"
# source = "doc-1"
# summary = "TODO: the advisor's line in a few sentences."
# recommends = ["TODO: one thing to do", "TODO: another"]
# favoured_kinds = ["threaten"]
''')}"""


def scaffold(scenario_id: str, teams: list[str] | tuple[str, ...] = DEFAULT_TEAMS,
             today: datetime.date | None = None) -> str:
    """A commented scenario file for ``scenario_id`` with ``teams`` (ids), valid as written."""
    today = today or datetime.date.today()
    teams = list(teams)
    team_text = "".join(_team(t, [o for o in teams if o != t], i == 0) for i, t in enumerate(teams))
    to = ", ".join(f'"{t}"' for t in teams)
    first = teams[0]
    text = f'''# {scenario_id}: a scenario for `exercise`, made by `exercise new {scenario_id}`.
#
# Replace each TODO with your own text, then check the file and read it back:
#   exercise validate {scenario_id}.toml
#   exercise show {scenario_id}.toml
#   exercise msel export {scenario_id}.toml -o msel.xlsx   (edit the MSEL in a spreadsheet)
#
# Text may be Markdown; """triple quotes""" hold several lines. Ids and table names use
# lower-case letters, digits, - and _ (tracks and flags: letters, digits and _ only).
# Conditions (`when`) are expressions over tracks.NAME, flags.NAME and turn, for example
#   "tracks.escalation >= 7 and not flags.ceasefire"  or  "turn >= 3 or flags.talks_open"
# A bad condition is an error when the file is loaded, never in the middle of a game.

# ---------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------

[scenario]
id = "{scenario_id}"                 # the file name without .toml (they must match)
title = "TODO: the scenario's title"
summary = "TODO: one line for 'exercise list'."
setting_date = {today.isoformat()}        # the date in the game when turn 1 begins
turn_duration = "one week"           # game time per turn: "10 days", "two weeks", "1 month"...;
                                     # game dates and MSEL clock times (D+7) follow from it
turns = 6                            # how many turns the game has
# start_time = "09:00"               # optional: the time of day turn 1 begins (for MSEL clock
                                     # times in a game of short turns; default 00:00)
adjudication = "umpire"              # umpire: the facilitator rules on each move;
                                     # matrix: 2d6, success on 7+, +/-1 per strong argument;
                                     # estimative: the facilitator gives a probability, then d100
moves_per_turn = 2                   # moves each team may enter per turn
seed = 1                             # the dice seed (exercise start --seed overrides it)
background = """
## The situation

TODO: the background every player reads first (Markdown): what has happened, who wants what,
and the question the game asks.
"""

# ---------------------------------------------------------------------------
# Sources: the documents the positions come from. Every position item, inject,
# track and end state may name one by its id.
# ---------------------------------------------------------------------------

[[sources]]
id = "doc-1"
title = "TODO: the document's title"
author = "TODO: its author"
date = "{today.year}"                        # as precise as you know it: "2025", "2025-03", "2025-03-19"
publication = ""                     # where it appeared (optional)
file = ""                            # the file it is kept in (optional)
summary = ""                         # what it argues, in a few sentences (optional)

# ---------------------------------------------------------------------------
# Tracks: numbers the game moves (table name = the name in conditions: tracks.NAME).
# Flags: yes/no facts of the game (flags.NAME).
# ---------------------------------------------------------------------------

[tracks.escalation]
label = "Escalation"
min = 0
max = 10
start = 3                            # within min..max
description = "TODO: what 0, 5 and 10 mean on this track."
source = "doc-1"                     # optional

[flags.ceasefire]
label = "Cease-fire in force"
start = false
description = "TODO: when this becomes true."
source = "doc-1"                     # optional

# ---------------------------------------------------------------------------
# Move kinds: what a move of that kind means, and its default effects (the
# facilitator may accept or change them when ruling). `commitment` is one of
# none, threat, promise, concession (kept open in the ledger until resolved),
# proposal (puts a deal on the table), response (answers a proposal).
# Effects: effects.tracks = {{ NAME = +N or -N }}, effects.flags = {{ NAME = true|false }}.
# ---------------------------------------------------------------------------

[move_kinds.statement]
label = "Public statement"
commitment = "none"
description = "Say something in public: a position, a warning, a signal."
effects.tracks = {{}}

[move_kinds.threaten]
label = "Threaten"
commitment = "threat"
description = "Say what you will do if the other side does not act; costs credibility if not carried out."
effects.tracks = {{ escalation = 1 }}

[move_kinds.propose]
label = "Propose a deal"
commitment = "proposal"
description = "Put a deal on the table: its terms, the parties who must accept, what it would change."
effects.tracks = {{ escalation = -1 }}

[move_kinds.respond]
label = "Respond to a proposal"
commitment = "response"
description = "Accept, reject or counter a deal on the table."
effects.tracks = {{}}

# ---------------------------------------------------------------------------
# Teams
# ---------------------------------------------------------------------------
{team_text}
# ---------------------------------------------------------------------------
# Injects of this scenario. Reusable injects live in the library (injects/*.toml,
# see 'exercise list'); the MSEL below may name either kind by id.
# ---------------------------------------------------------------------------

[injects.opening-news]
title = "TODO: the opening inject's headline"
kind = "information"                 # diplomatic, military, economic or information
from = "TODO: the simulated sender (a ministry, a news agency)"
channel = "press"                    # how it arrives: call readout, press, intelligence, ...
recipients = ["all"]                 # team ids, or ["all"]
source = "doc-1"
quote = ""
body = """
TODO: what the teams read (Markdown).
"""
questions = ["TODO: a question for the teams to discuss"]
expected_actions = ["TODO: what a team is expected to do (for the report)"]
response_options = []
effects.tracks = {{}}                   # what delivering it changes: {{ escalation = 1 }}

[injects.truce-offer]
title = "TODO: a deal put on the table"
kind = "diplomatic"
from = "TODO: a mediator"
channel = "diplomatic note"
recipients = [{to}]
source = "doc-1"
body = """
TODO: the offer, in the mediator's words.
"""
# A proposal: a deal that holds when every party has accepted, with what it then changes.
proposal.terms = ["TODO: a term of the deal"]
proposal.parties = [{to}]
proposal.effects.tracks = {{ escalation = -2 }}
proposal.effects.flags = {{ ceasefire = true }}
proposal.lapses_after = 0                # turns it stays open (0: until answered)

# ---------------------------------------------------------------------------
# The MSEL (master scenario events list): which inject, when, to whom. Give each
# entry exactly one trigger: `turn` (queued as that turn begins), `when` (a
# condition: queued as soon as it holds, from `earliest_turn` on) or `after_move`
# (a move kind: queued when a move of that kind is revealed). The facilitator
# delivers what is queued. `notes` are for the facilitator only. `recipients`
# overrides the inject's; [msel.override] overrides any of its other fields.
# ---------------------------------------------------------------------------

[[msel]]
id = "t1-opening"
inject = "opening-news"
turn = 1
notes = "TODO: what to watch for when this is delivered (teams never see this)."

[[msel]]
id = "truce-on-the-table"
inject = "truce-offer"
when = "tracks.escalation >= 5"
earliest_turn = 2
notes = "TODO: what the offer tests."

# [[msel]]
# id = "after-threat"
# inject = "opening-news"
# after_move = "threaten"
# recipients = ["{first}"]
# notes = ""
# [msel.override]
# title = "TODO: the same inject with another headline"

# ---------------------------------------------------------------------------
# End states: named outcomes; the first one reached in play is the game's outcome.
# ---------------------------------------------------------------------------

[end_states.peace]
label = "Peace holds"
description = "TODO: what this outcome means."
when = "flags.ceasefire and tracks.escalation <= 3"
source = "doc-1"

[end_states.war]
label = "War"
description = "TODO: what this outcome means."
when = "tracks.escalation >= 10"

# ---------------------------------------------------------------------------
# Exercise objectives (optional): what the exercise itself tests, as distinct from
# the teams' objectives. No condition decides them: after play the facilitator or an
# evaluator rates each P, S, M or U with a rationale (exercise evaluate SESSION rate ...),
# and the situation manual and the report list them.
# ---------------------------------------------------------------------------

[exercise_objectives.coordinate-answer]
title = "TODO: what the players should be able to do, e.g. agree a common answer to a deal"
capability = "TODO: the capability it exercises, e.g. coordination between allies"
description = "TODO: what control will look for (optional)."
source = "doc-1"                     # optional
'''
    return re.sub(r"\n{3,}", "\n\n", text)  # a team without the first team's comments leaves gaps
