"""What the name tiles of a class session show: pure functions, no request or database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..i18n import alphabetical


@dataclass(frozen=True)
class Tile:
    learner: object  # a User
    hint: str | None  # shown under the name when another learner's tile would look the same


def _shown_name(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def name_tiles(learners) -> list[Tile]:
    """Active learners in Kazakh alphabetical order (as on the trainer's grid).

    Two learners whose names read the same ("Асель Т." twice) are told apart by their login
    code: it is on their own sign-in sheet, so each knows which tile is theirs.
    """
    active = [lr for lr in learners if lr.active]
    counts = Counter(_shown_name(lr.name) for lr in active)
    ordered = sorted(active, key=lambda lr: (alphabetical(lr.name), lr.login_code))
    return [Tile(lr, lr.login_code if counts[_shown_name(lr.name)] > 1 else None) for lr in ordered]


def twins(learners) -> set:
    """Ids of learners whose name reads the same as another's (shown with their login code)."""
    counts = Counter(_shown_name(lr.name) for lr in learners)
    return {lr.id for lr in learners if counts[_shown_name(lr.name)] > 1}
