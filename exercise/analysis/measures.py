"""How the report measures, in the words the report gives its readers.

- **Objectives** with a ``when`` condition are met while it holds; the engine records each
  change as a ``ConditionChanged`` event. An objective is *met* when it holds in the final
  state, *met, then lost* when it held at some time but not at the end, *not met* when it
  never held. One without a condition is *not assessed* (the facilitator judges it).
- **Red lines** likewise: *crossed* when the condition held at any time (with the turns), and
  whether it still held at the end. Red lines without a condition are judged by hand.
- **Credibility** of a team: threats and promises *carried out* divided by threats and
  promises *made* (every one opened when its move was revealed). One still open at the end
  counts as not carried out; withdrawn and lapsed ones count as not carried out.
- **Reciprocity** of concessions: *with reciprocity* are those the facilitator marked
  reciprocated; *without* are those marked unreciprocated plus those still open at the end
  (given up front, never answered in kind). Withdrawn concessions are counted apart.
- **Advisor alignment** (for a team with advisor briefs): for each brief, the share of the
  team's revealed moves whose kind is among the brief's ``favoured_kinds``; the brief with
  the highest share is the one the team's moves followed most closely, ties broken by the
  order of the briefs in the scenario. Withdrawn and unrevealed moves do not count.
- **Improvement plan**: a plan note written ``ISSUE :: CORRECTIVE ACTION`` gives both; any
  other plan note is the corrective action, and its issue is the earliest area for
  improvement noted before it about the same team (or about no team, if the plan item names
  none) that no earlier plan item has taken: areas noted first and their actions after pair
  in the order they were written. Once every one noted before it is taken, a plan note is a
  further action on the latest of them.
"""

PLAN_SEPARATOR = "::"

MEASURES = {
    "objectives": (
        "An objective with a condition in the scenario is met while the condition holds; the engine "
        "checks it after every change. 'Met' means it held when the report was written; 'met, then "
        "lost' that it held for a time; 'not met' that it never held. Objectives without a condition "
        "are not assessed automatically: judge them from the timeline and the hotwash."
    ),
    "red_lines": (
        "A red line with a condition is crossed while the condition holds. The report gives every turn "
        "in which one was crossed, whether it was still crossed at the end, and the event that "
        "crossed it. Red lines without a condition are judged by the facilitator."
    ),
    "credibility": (
        "Credibility is the share of a team's threats and promises that were carried out, out of "
        "all it made (each opened when its move was revealed). Withdrawn, lapsed and still-open "
        "commitments count as not carried out."
    ),
    "reciprocity": (
        "A concession is given with reciprocity when the facilitator marked it reciprocated; without "
        "reciprocity when marked unreciprocated or still open when the game ended (given up front and "
        "never answered in kind). Withdrawn concessions are counted apart."
    ),
    "alignment": (
        "For each advisor brief, the share of the team's revealed moves whose kind "
        "is one of the move kinds the brief favours. The brief with the highest share is the one the "
        "team's moves followed most closely; ties go to the brief listed first in the scenario. "
        "Withdrawn and unrevealed moves do not count. A brief that favours many kinds matches more "
        "easily, so read the share together with the moves."
    ),
    "plan": (
        "Each hotwash note of category 'plan' is an improvement-plan item (control may add others, "
        "with HSEEP's columns). Written as 'ISSUE :: CORRECTIVE ACTION' it gives both; otherwise the note is the corrective action and the issue "
        "is the earliest area for improvement noted before it about the same team (or about no team) "
        "that no earlier plan item has taken, so areas and actions pair in the order they were "
        "written; once all are taken, a further action goes with the latest of them."
    ),
}
