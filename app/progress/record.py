"""The one place that writes progress: every write is a new immutable event.

Each writer also refreshes the learner's progress summaries of that item in the same transaction
(app/progress/summaries.py): projections of the events, for fast pages and reports.

The public writers take two keyword-only options for history written after the fact (the demo
district): `at`, the event's time (the caller keeps each learner's events in order), and
`commit=False`, to commit a whole history once instead of after every event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from ..content.exercise import AttemptState, Exercise, InvalidMove, Move, Result, check_move, score
from ..content.grading import Graded, grade
from ..content.model import Item, Question
from ..extensions import db
from ..models import Event, User
from ..models.events import EventKind
from ..sync import stamp
from . import summaries
from .derive import EventView, attempt_complete
from .kinds import ACCOUNT_ITEM, exercise_item
from .summary import exercise_attempt

# A learner's events in their one order across servers (docs/sync.md), never the clock's.
LEARNER_ORDER = (Event.lamport, Event.origin, Event.seq)
_VIEW_COLUMNS = (Event.kind, Event.item_id, Event.created_at, Event.question_id, Event.payload, *LEARNER_ORDER)
# The queries every learner page asks, built once and run as Core statements on the session's
# connection: building a statement, and the ORM's execution layer, cost several times more
# than running these (bench/throughput.md). Events are only ever inserted with Core (`_add`),
# so the session never holds a pending event that a Core read would miss.
# One lesson's events: plain rows, no ORM objects.
_EVENTS_OF_ITEM = (db.select(*_VIEW_COLUMNS)
                   .where(Event.user_id == db.bindparam("user_id"), Event.item_id == db.bindparam("item_id"))
                   .order_by(*LEARNER_ORDER))
# Accounts joined to one (app/people.py): `merged` events whose item is its id (an expanding IN
# costs twice as much as `=`, and nearly every time there is one id).
_JOINED_TO = db.select(Event.user_id).where(Event.kind == EventKind.MERGED, Event.item_id == db.bindparam("item_id"))
_JOINED_TO_ANY = db.select(Event.user_id).where(Event.kind == EventKind.MERGED,
                                                Event.item_id.in_(db.bindparam("item_ids", expanding=True)))
# Whether an account was joined to another: a `merged` event of its own.
_IS_MERGED = (db.select(Event.id).where(Event.user_id == db.bindparam("user_id"), Event.kind == EventKind.MERGED)
              .limit(1))


def _run(statement, parameters: dict):
    return db.session.connection().execute(statement, parameters)


def events_of(user: User, item_ids: list[str] | None = None) -> list[EventView]:
    """The learner's events, oldest first, optionally only for some lessons or tests; with the
    events of accounts joined to this one (app/people.py: one person, one history)."""
    ids = [user.id, *joined_to(user.id)]
    if item_ids is not None and len(item_ids) == 1 and len(ids) == 1:
        rows = _run(_EVENTS_OF_ITEM, {"user_id": user.id, "item_id": item_ids[0]})
    else:
        query = db.select(*_VIEW_COLUMNS).where(Event.user_id.in_(ids))
        if item_ids is not None:
            query = query.where(Event.item_id.in_(item_ids))
        rows = db.session.execute(query.order_by(*LEARNER_ORDER))
    return [EventView(kind=kind, item_id=item_id, created_at=created_at, question_id=question_id,
                      payload=payload or {}, lamport=lamport, origin=str(origin), seq=seq)
            for kind, item_id, created_at, question_id, payload, lamport, origin, seq in rows]


def joined_to(user_id) -> list:
    """The accounts merged into this one, directly or through others (never rewritten: followed)."""
    found: list = []
    todo = [user_id]
    while todo and len(found) < 50:
        rows = (_run(_JOINED_TO, {"item_id": str(todo[0])}) if len(todo) == 1
                else _run(_JOINED_TO_ANY, {"item_ids": [str(u) for u in todo]}))
        ids = list(rows.scalars())
        todo = [u for u in ids if u not in found and u != user_id]
        found += todo
    return found


def merged_into(user: User) -> User | None:
    """The account this one was joined to, followed to the end (app/people.py), or None.

    A join that would make a loop (two servers joining each way before they met) is not one:
    `people.merge_links` drops it, so the account it names is the kept one and stays usable."""
    if _run(_IS_MERGED, {"user_id": user.id}).first() is None:  # nearly every learner: one indexed look-up
        return None
    from ..people import merge_links

    into = merge_links().get(user.id)
    return db.session.get(User, into) if into else None


def _add(user: User, kind: str, item_id: str, lang: str, question_id: str | None = None,
         payload: dict | None = None, at: datetime | None = None, client_id: uuid.UUID | None = None,
         event_id: uuid.UUID | None = None) -> bool:
    # A plain INSERT in the session's transaction: events never change, so the session need not
    # track them (and a history of thousands of events, as the demo writes, stays fast).
    # It takes this server's next change number (the sync cursor) and the learner's next step.
    # `event_id`: an id made from what the event is (`move_event_id`); if an event with it is
    # here already, nothing is inserted and the answer is False.
    origin, seq, lamport = stamp.event_stamp(db.session.connection(), user.id)
    values = {
        "id": event_id or uuid.uuid4(), "user_id": user.id, "kind": kind, "item_id": item_id, "question_id": question_id,
        "lang": lang, "payload": payload or {}, "created_at": at or _next_time(user),
        "origin": origin, "seq": seq, "lamport": lamport, "client_id": client_id}
    if event_id is None:
        db.session.execute(Event.__table__.insert(), values)
        return True
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    once = dialect.insert(Event.__table__).on_conflict_do_nothing(index_elements=["id"]).returning(Event.__table__.c.id)
    return db.session.execute(once, values).first() is not None


def _next_time(user: User) -> datetime:
    """Now, but always after the learner's previous event: progress is derived from the order
    of events, and a coarse clock (15 ms on some Windows PCs) must not make two events equal."""
    now = datetime.now(UTC)
    last = db.session.scalar(db.select(func.max(Event.created_at)).where(Event.user_id == user.id))
    if last is not None:
        last = last if last.tzinfo else last.replace(tzinfo=UTC)  # SQLite keeps no time zone
        if now <= last:
            now = last + timedelta(microseconds=1)
    return now


def _done(commit: bool) -> None:
    if commit:
        db.session.commit()


def open_lesson(user: User, lesson: Item, lang: str, *, at: datetime | None = None, commit: bool = True) -> None:
    """Note that the learner opened a lesson, once per attempt (not on every page view)."""
    last = db.session.scalars(
        db.select(Event.kind).where(Event.user_id == user.id, Event.item_id == lesson.id)
        .order_by(*(c.desc() for c in LEARNER_ORDER)).limit(1)
    ).first()
    if last is None or last == EventKind.LESSON_FINISHED:
        _add(user, EventKind.LESSON_OPENED, lesson.id, lang, at=at)
        summaries.refresh(user.id, [lesson.id])
        _done(commit)


def open_lesson_events(user: User, lesson: Item, lang: str) -> list[EventView]:
    """`open_lesson`, then the learner's events of the lesson: what the lesson page needs, in one
    query when the attempt is already open (every view after the first)."""
    events = events_of(user, [lesson.id])
    if not events or events[-1].kind == EventKind.LESSON_FINISHED:
        open_lesson(user, lesson, lang)
        events = events_of(user, [lesson.id])
    return events


def answer_question(user: User, lesson: Item, question: Question, answer: tuple[int, ...], lang: str, *,
                    at: datetime | None = None, commit: bool = True,
                    client_id: uuid.UUID | None = None) -> tuple[Graded, bool]:
    """Store an answer; finish the attempt when it was the last open question.

    Returns the grading and whether this answer finished the lesson. `client_id` is the id a
    phone gave an answer it queued offline: the database stores one event per learner and id,
    so a second insert of it fails (callers check `client_answer_known` first).
    """
    graded = grade(question, answer)
    _add(user, EventKind.ANSWER, lesson.id, lang, question.id,
         {"answer": list(graded.answer), "correct": graded.correct}, at=at, client_id=client_id)
    done = attempt_complete(events_of(user, [lesson.id]), lesson.id, lesson.question_ids)
    if done is not None:
        # Backdated: the finish comes right after the last answer, still before the next event.
        _add(user, EventKind.LESSON_FINISHED, lesson.id, lang, payload=done,
             at=at + timedelta(microseconds=1) if at else None)
    summaries.refresh(user.id, [lesson.id])
    _done(commit)
    return graded, done is not None


def take_test(user: User, test: Item, answers: dict[str, tuple[int, ...]], lang: str, *, role: str | None,
              at: datetime | None = None, commit: bool = True, client_id: uuid.UUID | None = None) -> dict:
    """Store a finished test (all its answers in one event) and return its payload.

    `role` is the part this form plays for this learner, "pre" or "post" (derive.form_order:
    forms are counterbalanced); it is kept in the event, so that the event keeps its meaning
    whatever the rule of assignment later becomes. `client_id`: as for `answer_question`."""
    results, stored = {}, {}
    for question in test.variant(lang).questions:
        answer = answers.get(question.id)
        graded = grade(question, answer) if answer else None
        results[question.id] = bool(graded and graded.correct)
        stored[question.id] = list(answer) if answer else None
    correct = sum(results.values())
    total = len(results)
    payload = {"score": round(correct / total, 4) if total else 0.0, "correct": correct, "total": total,
               "answers": stored, "results": results}
    if role is not None:
        payload["role"] = role
    _add(user, EventKind.TEST_TAKEN, test.id, lang, payload=payload, at=at, client_id=client_id)
    summaries.refresh(user.id, [test.id])
    _done(commit)
    return payload


def exercise_state(user: User, lesson: Item, exercise: Exercise) -> tuple[AttemptState, list[EventView]]:
    """The learner's open attempt at a lesson's exercise, and the exercise's events."""
    events = events_of(user, [exercise_item(lesson.id, exercise.id)])
    attempt, moves = exercise_attempt(events)
    used = frozenset(str(e.payload.get("attempt")) for e in events if e.payload.get("attempt") != attempt)
    return AttemptState(attempt, moves, used), events


# The namespace of the ids of exercise moves (`move_event_id`): a fixed, made-up UUID.
_MOVE_IDS = uuid.UUID("5b0c1c7e-6f1a-4d2b-9a57-3e8f0d4c2a61")


def move_event_id(user_id, attempt: str, step: int) -> uuid.UUID:
    """The id of the event of a learner's move at one step of one attempt: the same for the
    same step, so that the database (the event's primary key) stores one move per step even when
    two requests pass `check_move` at once (a double click: both read the state before either
    wrote). Events are unioned by id between servers, so a copy arriving by sync is the same
    event, not a second move."""
    return uuid.uuid5(_MOVE_IDS, f"{user_id}:{attempt}:{step}")


def exercise_move(user: User, lesson: Item, exercise: Exercise, attempt: str, step: int, screen_id: str,
                  move_id: str, lang: str, *, typed: Mapping[str, str] | None = None, at: datetime | None = None,
                  commit: bool = True, client_id: uuid.UUID | None = None) -> tuple[Move, Result | None]:
    """Store one move of an exercise, and its result after the last screen.

    `client_id`: the id a phone gave a whole attempt it played offline (app/progress/outbox.py
    replays its moves here); kept on the attempt's `exercise_done`, as for `answer_question`.

    Raises `exercise.InvalidMove` (nothing stored) when the move is not the next one of the
    learner's attempt: not on that screen, a skipped or replayed screen, a forged form, or a
    step whose move another request stored meanwhile (`move_event_id`); and
    `exercise.WrongEntry` (nothing stored) when what was `typed` is not what the screen asks for.
    What was typed is never stored."""
    state, _ = exercise_state(user, lesson, exercise)
    move = check_move(exercise, state, attempt, step, screen_id, move_id, typed)
    item_id = exercise_item(lesson.id, exercise.id)
    if not _add(user, EventKind.EXERCISE_MOVE, item_id, lang, payload={
            "attempt": attempt, "step": step, "screen": screen_id, "move": move.id, "mark": move.mark}, at=at,
            event_id=move_event_id(user.id, attempt, step)):
        # Another request stored this step's move after our check (nothing of this one is; the
        # change number it took is simply not used: the view does not commit).
        raise InvalidMove("this step's move was stored by another request")
    result = None
    if step == len(exercise.screens) - 1:
        moves = [*(state.moves if state.attempt == attempt else []), (screen_id, move.id)]
        result = score(exercise, moves)
        _add(user, EventKind.EXERCISE_DONE, item_id, lang, payload={
            "attempt": attempt, **result.payload(), "moves": [list(m) for m in moves]},
            at=at + timedelta(microseconds=1) if at else None, client_id=client_id)
    summaries.refresh(user.id, [item_id])
    _done(commit)
    return move, result


def client_answer_known(user: User, client_id: uuid.UUID) -> bool:
    """Has this learner's answer with this phone-made id been stored already?"""
    return db.session.scalar(db.select(Event.id).where(Event.user_id == user.id, Event.client_id == client_id)
                             .limit(1)) is not None


def events_by_user(user_ids: list, item_ids: list[str] | None = None) -> dict:
    """Events of many learners at once (a class), oldest first, keyed by user id."""
    found: dict = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    query = db.select(Event.user_id, Event.kind, Event.item_id, Event.created_at, Event.question_id,
                      Event.payload, *LEARNER_ORDER).where(Event.user_id.in_(user_ids))
    if item_ids is not None:
        query = query.where(Event.item_id.in_(item_ids))
    for user_id, kind, item_id, created_at, question_id, payload, lamport, origin, seq in db.session.execute(
            query.order_by(*LEARNER_ORDER)):  # plain rows: no ORM objects to build
        found[user_id].append(EventView(kind=kind, item_id=item_id, created_at=created_at, question_id=question_id,
                                        payload=payload or {}, lamport=lamport, origin=str(origin), seq=seq))
    return found


def answer_survey(learner: User, survey: Item, answers: dict, lang: str, entered_by: User | None = None, *,
                  at: datetime | None = None, commit: bool = True) -> None:
    """Store a survey's answers. Corrections are new events: the latest one counts.

    `entered_by` is the trainer who typed in a paper form, if any.
    """
    payload: dict[str, object] = {"answers": answers}
    if entered_by is not None:
        payload["entered_by"] = str(entered_by.id)
    _add(learner, EventKind.SURVEY_ANSWERED, survey.id, lang, payload=payload, at=at)
    summaries.refresh(learner.id, [survey.id])
    _done(commit)


def survey_answers(learner: User, survey_id: str, paper: bool | None = None) -> dict | None:
    """The latest answers to a survey, or None: any (`paper` None), only those a trainer typed in
    from a paper form (True), or only the learner's own (False). Both are kept, side by side."""
    rows = db.session.scalars(
        db.select(Event).where(Event.user_id == learner.id, Event.kind == EventKind.SURVEY_ANSWERED,
                               Event.item_id == survey_id).order_by(*(c.desc() for c in LEARNER_ORDER)))
    for event in rows:
        if paper is None or bool((event.payload or {}).get("entered_by")) == paper:
            return event.payload.get("answers", {})
    return None


def record_move(learner: User, from_village, to_village, by: User, class_id=None) -> None:
    """Note that a learner moved to another village (the account's village is changed by the
    caller: a mutable field of the learner's record; this event is the history of it)."""
    _add(learner, EventKind.MOVED, ACCOUNT_ITEM, learner.language, payload={
        "from": str(from_village) if from_village else None, "to": str(to_village), "by": str(by.id),
        "class": str(class_id) if class_id else None})
    summaries.refresh(learner.id, [ACCOUNT_ITEM])


def record_merge(duplicate: User, keep: User, by: User) -> None:
    """Join a duplicate account to the one the person keeps: an immutable link ("merged into")
    that queries follow (app/people.py); the duplicate's events are never rewritten."""
    # The item id is the kept account's id: found by the (kind, item_id) index from either side.
    _add(duplicate, EventKind.MERGED, str(keep.id), duplicate.language, payload={"into": str(keep.id), "by": str(by.id)})
    summaries.refresh(duplicate.id, [str(keep.id)])
