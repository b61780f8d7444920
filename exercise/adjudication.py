"""The ways a move is ruled on, in one place: umpire, matrix (2d6) and estimative (d100).

Each ``Method`` says what it takes, how it rolls, and how it is described to players, to
the facilitator and in the report; the engine, the consoles, the command line, the
situation manual and the report all read it from here. Pure: no I/O.
"""

from __future__ import annotations

import random

from attrs import frozen

from . import events as ev
from .model import Adjudication

MATRIX_TARGET = 7  # 2d6 plus modifiers: success on 7 or more

STRONG_ARGUMENTS = "strong arguments"
PROBABILITY = "a probability"


class MethodRefused(ValueError):
    """Options a method cannot take, or is missing; the message says what would work."""


@frozen
class Roll:
    """How the dice fell: what was rolled, the modifier or probability, and the outcome."""

    rolls: list[int]
    modifier: int
    probability: int | None
    outcome: ev.Outcome


@frozen
class Method:
    id: Adjudication
    dice: str  # "2d6", "d100"; "" for a ruling by hand
    takes: frozenset[str]  # the dice options it reads
    asks: str  # what it takes, in words
    summary: str  # one line, for the report and --help
    manual: str  # for the situation manual: how moves are ruled in this game

    @property
    def rolls(self) -> bool:
        return bool(self.dice)

    def check(self, by_hand: bool, strong_for: int, strong_against: int, probability: int | None) -> None:
        """Refuse options this ruling would ignore, and a roll without what it needs."""
        given = ([STRONG_ARGUMENTS] if strong_for or strong_against else []) + (
            [PROBABILITY] if probability is not None else [])
        if by_hand:
            if given:
                raise MethodRefused(f"an outcome given by hand takes no dice options (drop {' and '.join(given)}), "
                                    "or leave out the outcome to roll")
            return
        if not self.rolls:
            raise MethodRefused("umpire adjudication needs an outcome (success, partial or failure)")
        ignored = [g for g in given if g not in self.takes]
        if ignored:
            raise MethodRefused(f"this scenario rolls {self.dice} ({self.id.value}): give {self.asks}, "
                                f"not {' and '.join(ignored)}")
        if strong_for < 0 or strong_against < 0:
            raise MethodRefused("strong arguments for and against are counts (0 or more)")
        if PROBABILITY in self.takes and (probability is None or not 0 <= probability <= 100):
            raise MethodRefused("estimative adjudication needs a probability of success from 0 to 100 (percent)")

    def roll(self, rng: random.Random, strong_for: int, strong_against: int, probability: int | None) -> Roll:
        """Roll the dice (after ``check``)."""
        if self.id is Adjudication.MATRIX:
            rolls = [rng.randint(1, 6), rng.randint(1, 6)]
            modifier = strong_for - strong_against
            won = sum(rolls) + modifier >= MATRIX_TARGET
            return Roll(rolls, modifier, None, ev.Outcome.SUCCESS if won else ev.Outcome.FAILURE)
        if self.id is Adjudication.ESTIMATIVE:
            assert probability is not None
            rolls = [rng.randint(1, 100)]
            return Roll(rolls, 0, probability, ev.Outcome.SUCCESS if rolls[0] <= probability else ev.Outcome.FAILURE)
        raise MethodRefused("umpire adjudication rolls no dice")


METHODS: dict[Adjudication, Method] = {
    Adjudication.UMPIRE: Method(
        Adjudication.UMPIRE, "", frozenset(), "an outcome",
        "umpire adjudication: the facilitator rules on each move",
        "The facilitator rules on each move: success, partial or failure, with a narrative and its effects.",
    ),
    Adjudication.MATRIX: Method(
        Adjudication.MATRIX, "2d6", frozenset({STRONG_ARGUMENTS}), "strong arguments for and against",
        "matrix adjudication: 2d6, plus one per strong argument for and minus one per strong argument "
        f"against; {MATRIX_TARGET} or more succeeds",
        "Each move is argued, then ruled by dice in the matrix-game manner: 2d6, plus one for each strong "
        f"argument for it and minus one for each strong argument against; {MATRIX_TARGET} or more succeeds. "
        "The roll is recorded.",
    ),
    Adjudication.ESTIMATIVE: Method(
        Adjudication.ESTIMATIVE, "d100", frozenset({PROBABILITY}), "a probability",
        "estimative adjudication: the facilitator sets a probability of success, then d100 at or under it succeeds",
        "Each move gets a probability of success from the facilitator, then a d100 roll at or under it "
        "succeeds. The roll is recorded.",
    ),
}


def method(name: Adjudication | str) -> Method:
    """The method a scenario (or a ruling's ``method`` field) names."""
    return METHODS[Adjudication(name)]


def dice_text(ruling: ev.Ruled, long: bool = False) -> str:
    """How a ruling's dice fell, in words ("" for a ruling by hand)."""
    if ruling.method == Adjudication.MATRIX.value and len(ruling.rolls) == 2:
        total = sum(ruling.rolls) + ruling.modifier
        if long:
            return (f"2d6 rolled {ruling.rolls[0]} and {ruling.rolls[1]}, modifier {ruling.modifier:+d}, "
                    f"total {total}; {MATRIX_TARGET} or more succeeds")
        return f"2d6 {ruling.rolls[0]}+{ruling.rolls[1]}{ruling.modifier:+d} = {total}, needs {MATRIX_TARGET}"
    if ruling.method == Adjudication.ESTIMATIVE.value and ruling.rolls:
        if long:
            return f"d100 rolled {ruling.rolls[0]} against {ruling.probability}%; at or under succeeds"
        return f"d100 {ruling.rolls[0]} against {ruling.probability}%"
    return ""
