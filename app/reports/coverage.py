"""The coverage planner: how many more residents each village needs to reach the coverage
target, and what the planned classes offer. Pure: no Flask, no database.

The rules, as printed beside the planner:

- **Target** = the smallest whole number of people that is at least 50 % of the adult residents
  (1,001 residents: 501 people).
- **Still to reach** = target − reached, never below 0. "Reached" is the report's own figure
  (figures.py), not counted again here.
- **Short after the planned classes** = still to reach − the seats of the classes planned (not yet
  over), never below 0. A class whose seats are not given adds none.
- **Order**: the villages furthest from the target first: the lowest share of the target reached,
  then the most people still to reach. Villages with no residents entered come last: their
  distance cannot be measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from .figures import COVERAGE_TARGET

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    residents: int | None
    reached: int
    seats: int  # seats of the classes planned
    target: int | None  # people to reach for the target; None: residents not entered
    to_reach: int | None
    short_after: int | None  # still missing once the planned classes are full

    @property
    def share_of_target(self) -> float | None:
        """How much of the target is reached (1.0: met), for the order."""
        if not self.target:
            return None
        return min(1.0, self.reached / self.target)


def people_for_target(residents: int) -> int:
    """The smallest whole number of people that is at least COVERAGE_TARGET of `residents`
    (exact: no rounding error for any number of residents)."""
    share = Fraction(COVERAGE_TARGET).limit_denominator(1000)
    return -(-(share.numerator * residents) // share.denominator)


def plan(residents: int | None, reached: int, seats: int) -> Plan:
    """One village's plan. `residents`: adults entered (None or 0: not entered)."""
    if reached < 0 or seats < 0 or (residents is not None and residents < 0):
        raise ValueError("residents, reached and seats cannot be negative")
    if not residents:
        return Plan(residents, reached, seats, None, None, None)
    target = people_for_target(residents)
    to_reach = max(0, target - reached)
    return Plan(residents, reached, seats, target, to_reach, max(0, to_reach - seats))


def furthest_first(rows: Iterable[tuple[T, Plan]]) -> list[tuple[T, Plan]]:
    """The rows in the planner's order (see the rules above); the sort is stable."""
    def key(row: tuple[T, Plan]):
        p = row[1]
        if p.share_of_target is None:
            return (1, 0.0, 0)
        return (0, p.share_of_target, -(p.to_reach or 0))
    return sorted(rows, key=key)
