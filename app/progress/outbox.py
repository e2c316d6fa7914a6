"""Answers a phone queued while offline (issue #13), received one by one when it is back online.

Each entry carries an id made on the phone. The server stays the authority: it grades every
answer again from the content as it is now, and stores it through `record` (the one writer)
with that id, so an entry sent twice (the acknowledgement was lost) is stored once. An entry
that can never be stored (its question left the content, the test is closed) is refused with
a reason; the phone drops it, tells the learner, and goes on with the rest.

A practice exercise played offline (issue #15) comes as one entry, the whole attempt: its moves
are replayed through the same check as online moves (`record.exercise_move`), all in one
transaction, under an attempt id made from the entry's id; one move that the exercise does not
allow there (forged, or the exercise changed since it was saved) refuses the whole attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..content.exercise import InvalidMove, WrongEntry
from ..content.grading import IncompleteAnswer, InvalidAnswer, parse_answer
from ..content.services import FIELDS
from ..course import get_course
from ..errors import INCOMPLETE, NOT_FITTING
from ..extensions import db
from ..i18n import LANGUAGES
from ..models import User
from . import derive, record, summaries, summary

STORED, DUPLICATE, REFUSED = "stored", "duplicate", "refused"
MAX_FIELDS = 200  # a test has a few dozen fields; anything larger did not come from our pages
MAX_MOVES = 100  # an exercise has a handful of screens, one move each
MAX_TYPED = 200  # characters of a typed field that count, as the page's form keeps (learn/pages.typed_fields)

GONE = _l("An answer saved on this phone was for a question that is no longer in the lesson. "
          "It was not saved.")
TEST_TAKEN = _l("This test had already been taken: only the first try counts. The answers saved "
                "on this phone were not counted.")
TEST_CLOSED = _l("The test saved on this phone can no longer be taken now. Its answers were not counted.")
TEST_MISSING = _l("The test saved on this phone was not complete. Open the test and take it again.")
PRACTICE_MISFIT = _l("A practice done on this phone does not fit the exercise as it is now. It was not saved. "
                     "Open the practice and do it again.")


class NotAnEntry(ValueError):
    """The request is not an outbox entry our script makes: refuse it, store nothing."""


@dataclass(frozen=True)
class Receipt:
    status: str  # STORED, DUPLICATE or REFUSED
    message: str = ""  # why it was refused, in the learner's language
    finished: bool = False  # this answer finished its lesson


@dataclass(frozen=True)
class Entry:
    id: uuid.UUID
    kind: str  # "answer" (a lesson question), "test" (a whole pre- or post-test), "exercise" (an attempt)
    level: str
    item: str
    question: str  # the question's id; an exercise's id
    fields: dict[str, list[str]]
    lang: str
    moves: tuple[tuple[str, str], ...] = ()  # an exercise's: (screen id, move id), in order
    typed: tuple[dict[str, str], ...] = ()  # what was typed with each move (eGov fields; never stored)


def parse_entry(data: object, fallback_lang: str) -> Entry:
    """Check the shape of an entry sent by static/offline.js; raises NotAnEntry."""
    if not isinstance(data, dict):
        raise NotAnEntry("not an object")
    try:
        entry_id = uuid.UUID(str(data.get("id")))
    except ValueError:
        raise NotAnEntry("no id") from None
    kind = data.get("kind")
    fields = data.get("fields")
    if kind not in ("answer", "test", "exercise") or not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise NotAnEntry("kind or fields")
    moves, typed = _moves(data.get("moves")) if kind == "exercise" else ((), ())
    clean: dict[str, list[str]] = {}
    for name, values in fields.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and len(v) < 20 for v in values):
            raise NotAnEntry("field values")
        clean[str(name)] = values
    names = [data.get("level"), data.get("item"), data.get("question") or ""]
    level, item, question = (n if isinstance(n, str) and len(n) <= 64 else None for n in names)
    if level is None or item is None or question is None:
        raise NotAnEntry("names")
    lang = str(data["lang"]) if data.get("lang") in LANGUAGES else fallback_lang
    return Entry(entry_id, str(kind), level, item, question, clean, lang, moves, typed)


def _moves(data: object) -> tuple[tuple[tuple[str, str], ...], tuple[dict[str, str], ...]]:
    """[[screen id, move id], …], each optionally with {field: what was typed} as a third item."""
    if not isinstance(data, list) or not 0 < len(data) <= MAX_MOVES:
        raise NotAnEntry("moves")
    moves, typed = [], []
    for item in data:
        if (not isinstance(item, list) or len(item) not in (2, 3)
                or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in item[:2])):
            raise NotAnEntry("a move")
        fields = item[2] if len(item) == 3 else {}
        if not isinstance(fields, dict) or not all(k in FIELDS and isinstance(v, str) for k, v in fields.items()):
            raise NotAnEntry("typed fields")
        moves.append((item[0], item[1]))
        typed.append({k: v[:MAX_TYPED] for k, v in fields.items()})  # cut as online, not refused
    return tuple(moves), tuple(typed)


def receive(user: User, entry: Entry, secret: str) -> Receipt:
    """Grade and store one queued entry for `user`, once per entry id."""
    if record.client_answer_known(user, entry.id):
        return Receipt(DUPLICATE)
    try:
        if entry.kind == "exercise":
            receipt = _exercise(user, entry)
        else:
            receipt = _answer(user, entry, secret) if entry.kind == "answer" else _test(user, entry, secret)
    except IntegrityError:  # the same entry, sent twice at once, was stored by the other request
        db.session.rollback()
        return Receipt(DUPLICATE)
    return receipt


def _answer(user: User, entry: Entry, secret: str) -> Receipt:
    level = get_course().level(entry.level)
    lesson = next((it for it in level.lessons if it.id == entry.item), None) if level else None
    question = lesson.question(entry.question, entry.lang) if lesson else None
    if lesson is None or question is None:
        return Receipt(REFUSED, str(GONE))
    try:
        given = parse_answer(question, entry.fields, secret)
    except InvalidAnswer:
        return Receipt(REFUSED, str(NOT_FITTING))
    except IncompleteAnswer as exc:
        return Receipt(REFUSED, str(INCOMPLETE.get(exc.reason, INCOMPLETE["choose"])))
    _, finished = record.answer_question(user, lesson, question, given, entry.lang, client_id=entry.id)
    return Receipt(STORED, finished=finished)


def _test(user: User, entry: Entry, secret: str) -> Receipt:
    level = get_course().level(entry.level)
    test = None
    if level is not None:
        test = next((t for t in (level.pretest, level.posttest) if t is not None and t.id == entry.item), None)
    if level is None or test is None:
        return Receipt(REFUSED, str(GONE))
    progress = summary.level_progress_of(level, summaries.of_person(user, derive.progress_items(level)), user.id)
    state = derive.test_state_of(test, progress)
    if state == derive.TAKEN:
        return Receipt(REFUSED, str(TEST_TAKEN))
    if state != derive.OPEN:
        return Receipt(REFUSED, str(TEST_CLOSED))
    answers = {}
    for question in test.variant(entry.lang).questions:
        scoped = {k[len(question.id) + 1:]: v for k, v in entry.fields.items() if k.startswith(question.id + ":")}
        try:
            answers[question.id] = parse_answer(question, scoped, secret)
        except IncompleteAnswer:
            return Receipt(REFUSED, str(TEST_MISSING))
        except InvalidAnswer:
            return Receipt(REFUSED, str(NOT_FITTING))
    record.take_test(user, test, answers, entry.lang, role=progress.role_of(test), client_id=entry.id)
    return Receipt(STORED)


def _exercise(user: User, entry: Entry) -> Receipt:
    """Replay a whole attempt played offline, move by move, through the online check; store all
    of it or nothing. The attempt's id is the entry's (a 32-digit hex, as the online page's): so
    its moves' event ids (`record.move_event_id`) are the same on every send."""
    level = get_course().level(entry.level)
    lesson = next((it for it in level.lessons if it.id == entry.item), None) if level else None
    exercise = lesson.exercise(entry.question, entry.lang) if lesson else None
    if lesson is None or exercise is None:
        return Receipt(REFUSED, str(GONE))
    if len(entry.moves) != len(exercise.screens):  # only finished attempts are queued
        return Receipt(REFUSED, str(PRACTICE_MISFIT))
    attempt = entry.id.hex
    try:
        for step, (screen_id, move_id) in enumerate(entry.moves):
            last = step == len(entry.moves) - 1
            record.exercise_move(user, lesson, exercise, attempt, step, screen_id, move_id, entry.lang,
                                 typed=entry.typed[step] if entry.typed else None, commit=False,
                                 client_id=entry.id if last else None)
    except (InvalidMove, WrongEntry):
        db.session.rollback()
        if record.client_answer_known(user, entry.id):  # the same attempt, sent twice at once
            return Receipt(DUPLICATE)
        return Receipt(REFUSED, str(PRACTICE_MISFIT))
    db.session.commit()
    return Receipt(STORED)
