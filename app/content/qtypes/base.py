"""What every question type provides, and the registry that finds a type by its name.

A question type is one module in this package (or anywhere, for a test) and one template
(`app/templates/qtypes/<template>.html`): the module says how an author writes its options, what
makes it well formed, how a submitted form becomes an answer and how that answer is graded; the
template shows it. `register()` makes a type known to the parser, the grader, the pages and the
trainer's class view; nothing else names the types. Pure: no Flask.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Question


class InvalidAnswer(ValueError):
    """The submission cannot come from our form (tampered or stale): reject it, store nothing."""


class IncompleteAnswer(ValueError):
    """The learner left something out: ask again, store nothing. `reason` says what (a key of
    the user-facing messages in `app.errors.INCOMPLETE`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Graded:
    correct: bool
    answer: tuple[int, ...]
    status: tuple[str, ...]  # per option: "right", "wrong", "missed" or ""


Problem = Callable[[int, str], None]  # (line offset in the block, message)


def number(value: str, upper: int) -> int:
    """A submitted option number in 0..upper-1, or InvalidAnswer."""
    try:
        result = int(value)
    except (TypeError, ValueError):
        raise InvalidAnswer(f"not a number: {value!r}") from None
    if not 0 <= result < upper:
        raise InvalidAnswer(f"no such option: {result}")
    return result


class QuestionType:
    """The base of every question type; subclasses set the class attributes and override the
    methods that differ."""

    name: str = ""
    template: str = ""  # the template's name under app/templates/, e.g. "qtypes/order.html"
    option_shape: str = ""  # how an author writes an option, for the content check's messages
    in_lessons: bool = True  # lessons and tests may use it
    in_surveys: bool = False  # surveys may use it
    shuffled: bool = False  # options are shown in a mixed-up order

    def parse_option(self, line: str) -> dict | None:
        """One option line as {"text", "correct", ["match"]}, or None when it is not one."""
        return None

    def check(self, qid: str, options: list[dict], problem: Problem) -> None:
        """Problems of a lesson or test question's options beyond the common ones (at least two)."""

    def display_order(self, question: Question, secret: str) -> list[int]:
        """Option indexes in the order they are shown: the author's, or (shuffled types) mixed up,
        never left in the right order, the same way on every page view."""
        n = len(question.options)
        if not self.shuffled or n < 2:
            return list(range(n))
        seed = hashlib.sha256(f"{secret}:{question.id}".encode()).hexdigest()
        order = list(range(n))
        random.Random(seed).shuffle(order)
        if order == sorted(order):
            order = order[1:] + order[:1]
        return order

    def parse_answer(self, question: Question, form: Mapping[str, Sequence[str]], shown: list[int]) -> tuple[int, ...]:
        """Read the question's fields from `form` (name -> list of values); `shown` is the display order."""
        raise NotImplementedError

    def grade(self, question: Question, answer: tuple[int, ...]) -> Graded:
        """Grade an answer whose numbers are option indexes (checked by the caller)."""
        raise NotImplementedError

    def wrong_picks(self, question: Question, given: Sequence) -> Iterable[int]:
        """Options of a wrong answer worth counting as "the wrong choice picked most" (none by default)."""
        return ()


_REGISTRY: dict[str, QuestionType] = {}


def register(qtype: QuestionType) -> QuestionType:
    """Make `qtype` known by its name (a later registration of the same name replaces it)."""
    if not qtype.name or not qtype.template:
        raise ValueError("a question type needs a name and a template")
    _REGISTRY[qtype.name] = qtype
    return qtype


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: str) -> QuestionType | None:
    return _REGISTRY.get(name)


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)
