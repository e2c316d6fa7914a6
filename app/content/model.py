"""Frozen data classes that describe a loaded course."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from ..languages import LANGUAGES

BOX_KINDS = ("tip", "warning", "practice", "note", "reminder")  # reminder: the take-home sheet
KINDS = ("lesson", "test", "survey")
# Survey questions whose id starts with this test knowledge (paired in the intake and exit surveys):
# one right option ([x]), the others wrong or "not sure" (docs: content/README.md).
KNOWLEDGE_PREFIX = "know-"
TOPICS = ("basics", "egov", "payments", "shopping", "safety", "agriculture")


@dataclass(frozen=True)
class Option:
    """One choice, one step (order) or one pair (match) of a question.

    For `order` questions options are stored in the right order; for `match` questions
    `text` is the left side and `match` the right side that belongs to it.
    """

    text: str  # inline HTML
    correct: bool = False
    feedback: str = ""  # inline HTML, may be empty
    match: str = ""  # inline HTML, `match` questions only


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str  # HTML
    options: tuple[Option, ...]
    hint: str = ""
    explain: str = ""
    objective: str = ""  # "lesson-id/objective-id", in tests
    short: str = ""  # surveys: a short name for the item in reports
    line: int = 0

    @property
    def qtype(self):
        """Its question type (qtypes/), or None when no type has this name."""
        from .qtypes import get  # the types import this module

        return get(self.type)

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, o in enumerate(self.options) if o.correct)

    def signature(self) -> tuple:
        """What must be equal between the Kazakh and the Russian version."""
        return (self.id, self.type, len(self.options), self.correct_indexes, self.objective)


@dataclass(frozen=True)
class Prose:
    html: str


@dataclass(frozen=True)
class Box:
    kind: str
    blocks: tuple  # of Prose | Question


@dataclass(frozen=True)
class Variant:
    """A lesson or test in one language."""

    lang: str
    title: str
    blocks: tuple  # of Prose | Box | Question | exercise.Exercise
    path: str

    @cached_property  # read for every learner and lesson in grids and reports: walk the blocks once
    def questions(self) -> tuple[Question, ...]:
        found = []
        for block in self.blocks:
            if isinstance(block, Question):
                found.append(block)
            elif isinstance(block, Box):
                found.extend(b for b in block.blocks if isinstance(b, Question))
        return tuple(found)


    @cached_property
    def exercises(self) -> tuple:
        """The practice exercises (`exercise.Exercise`), in page order."""
        found = []
        for block in self.blocks:
            if hasattr(block, "screens"):
                found.append(block)
            elif isinstance(block, Box):
                found.extend(b for b in block.blocks if hasattr(b, "screens"))
        return tuple(found)

    @cached_property
    def version(self) -> str:
        """A digest of everything the variant shows: the same for the same content, another one
        when the lesson changed (the lesson page keeps renderings by it)."""
        return hashlib.sha256(repr((self.lang, self.title, self.blocks, self.path)).encode()).hexdigest()[:20]

    @cached_property
    def reminder(self) -> Box | None:
        """The `::: reminder` part: the steps and safety rules printed as the take-home sheet."""
        return next((b for b in self.blocks if isinstance(b, Box) and b.kind == "reminder"), None)


@dataclass(frozen=True)
class Item:
    """A lesson or a test, with its variants by language."""

    id: str
    kind: str
    topic: str
    minutes: int
    level: str
    folder: str
    objectives: tuple[str, ...]
    variants: dict = field(default_factory=dict)  # lang -> Variant

    def variant(self, lang: str) -> Variant:
        """The variant in `lang`, or the other language's when it is missing."""
        if lang in self.variants:
            return self.variants[lang]
        return next(iter(self.variants.values()))

    @cached_property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.variant(LANGUAGES[0]).questions)

    @cached_property
    def exercise_ids(self) -> tuple[str, ...]:
        """Its practice exercises' ids (the same in every language: `content check`); mastering
        the lesson needs each of them done (app/progress/derive.py)."""
        return tuple(e.id for e in self.variant(LANGUAGES[0]).exercises)

    def exercise(self, exercise_id: str, lang: str):
        """The exercise (`exercise.Exercise`) with this id in `lang`, or None."""
        return next((e for e in self.variant(lang).exercises if e.id == exercise_id), None)

    def question(self, question_id: str, lang: str) -> Question | None:
        for q in self.variant(lang).questions:
            if q.id == question_id:
                return q
        return None


@dataclass(frozen=True)
class Level:
    id: str
    titles: dict  # lang -> str
    pass_mark: int
    lessons: tuple[Item, ...]
    pretest: Item | None
    posttest: Item | None

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()), self.id)

    @property
    def item_ids(self) -> list[str]:
        """The ids of its lessons and tests (its progress also reads the lessons' exercises:
        `progress.derive.progress_items`)."""
        return [it.id for it in (*self.lessons, self.pretest, self.posttest) if it is not None]

    def lesson_index(self, lesson_id: str) -> int:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        raise KeyError(lesson_id)


@dataclass(frozen=True)
class Course:
    levels: tuple[Level, ...]
    items: dict  # id -> Item (lessons and tests)
    surveys: dict = field(default_factory=dict)  # id -> Item: "intake" and "exit"
    # What the server does not show, and why: (folder as shown, first problem), for the log.
    left_out: tuple[tuple[str, str], ...] = ()

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


@dataclass(frozen=True)
class Problem:
    """A problem found in a content file, printed as `file:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
