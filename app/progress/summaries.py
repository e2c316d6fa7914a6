"""The progress summaries in the database: kept, rebuilt and read.

Only `record.py` (the one writer of progress) and the sync import call `refresh`; `rebuild`
recomputes every summary from the events (`flask progress rebuild`). Readers get plain
`ItemSummary` values (app/progress/summary.py), which the pure rules turn into progress.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, delete, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite

from ..course import get_course
from ..extensions import db
from ..models import Event, ProgressItem, ProgressLearner
from ..reports import report_rows
from .derive import EventView
from .kinds import ACCOUNT_KINDS
from .summary import SURVEY, TEST, ItemSummary, summarise

ORDER = (Event.lamport, Event.origin, Event.seq)
ITEM_COLUMNS = [c.name for c in ProgressItem.__table__.columns]


def _insert(table):
    """An INSERT … ON CONFLICT for this database (both dialects have one)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


# The statements of `refresh`, built once per database dialect: it runs after every event.
_EVENTS_OF_ITEMS = (select(Event.kind, Event.item_id, Event.created_at, Event.question_id, Event.payload, *ORDER)
                    .where(Event.user_id == bindparam("user_id"), Event.item_id.in_(bindparam("items", expanding=True))))
_COUNT_EVENTS = select(func.count()).select_from(Event).where(Event.user_id == bindparam("user_id"),
                                                              Event.kind.not_in(ACCOUNT_KINDS))
_UPSERTS: dict = {}


def _upserts() -> tuple:
    """(upsert of item summaries, upsert of the learner's row) for this database."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _UPSERTS:
        items = _insert(ProgressItem.__table__)
        learner = _insert(ProgressLearner.__table__)
        _UPSERTS[dialect] = (
            items.on_conflict_do_update(index_elements=["user_id", "item_id"], set_={
                c: items.excluded[c] for c in ITEM_COLUMNS if c not in ("user_id", "item_id")}),
            learner.on_conflict_do_update(index_elements=["user_id"], set_={"events": learner.excluded.events}))
    return _UPSERTS[dialect]


def _row(user_id, s: ItemSummary) -> dict:
    lamport, origin, seq = s.last_order
    return {"user_id": user_id, "item_id": s.item_id, "kind": s.kind, "events": s.events, "last_lamport": lamport,
            "last_origin": str(origin), "last_seq": seq, "last_activity": s.last_activity, "best_score": s.best_score,
            "attempts": s.attempts, "open_attempt": s.open_attempt, "shown_finished": s.shown_finished,
            "score": s.score, "taken_at": s.taken_at, "role": s.role, "counted_lamport": s.counted_lamport,
            "detail": s.detail}


def _view(row) -> EventView:
    kind, item_id, created_at, question_id, payload, lamport, origin, seq = row
    return EventView(kind=kind, item_id=item_id, created_at=created_at, question_id=question_id,
                     payload=payload or {}, lamport=lamport, origin=str(origin), seq=seq)


def refresh(user_id: uuid.UUID, item_ids: Iterable[str]) -> None:
    """Recompute the learner's summaries of these items from their events, in the caller's
    transaction (the one writer calls it right after inserting an event)."""
    item_ids = sorted(set(item_ids))
    if not item_ids:
        return
    events: dict[str, list[EventView]] = defaultdict(list)
    for row in db.session.execute(_EVENTS_OF_ITEMS, {"user_id": user_id, "items": item_ids}):
        events[row[1]].append(_view(row))
    rows = [_row(user_id, summarise(item, events[item])) for item in item_ids if events[item]]
    upsert_items, upsert_learner = _upserts()
    if rows:
        db.session.execute(upsert_items, rows)
    if any(row["kind"] in (TEST, SURVEY) for row in rows):  # what the district figures count changed
        report_rows.write(db.session.connection(), [user_id], get_course())
    # Learning events only: a move or a join alone is the account's history, not taking part.
    count = db.session.scalar(_COUNT_EVENTS, {"user_id": user_id})
    if count:
        db.session.execute(upsert_learner, [{"user_id": user_id, "events": count}])


def refresh_imported(keys: Iterable[tuple[uuid.UUID, str]]) -> None:
    """After the sync import inserted events: refresh every (learner, item) they touched."""
    by_user: dict = defaultdict(set)
    for user_id, item_id in keys:
        by_user[user_id].add(item_id)
    for user_id, items in by_user.items():
        refresh(user_id, items)


def rebuild(connection=None, batch: int = 2000) -> tuple[int, int]:
    """Delete every summary and recompute them all from the events, a few learners at a time
    (memory stays flat whatever the number of events). Returns (learners, items).

    On `connection` if given (the migration that made the tables), else in the session's
    transaction, which the caller commits. The report rows made from the summaries are left as
    they are: `flask progress rebuild` remakes them next (`reports.report_rows.rebuild`)."""
    conn = connection if connection is not None else db.session.connection()
    # The columns the table has now: a migration before the latest runs this code on an older table.
    present = {c["name"] for c in inspect(conn).get_columns(ProgressItem.__tablename__)}
    conn.execute(delete(ProgressItem.__table__))
    conn.execute(delete(ProgressLearner.__table__))
    user_ids = list(conn.scalars(select(Event.user_id).distinct()))
    items = 0
    for start in range(0, len(user_ids), batch):
        chunk = user_ids[start:start + batch]
        item_rows, learner_rows = [], []
        for user_id, found, count in _summarise_users(conn, chunk):
            item_rows += [{k: v for k, v in _row(user_id, s).items() if k in present} for s in found]
            if count:
                learner_rows.append({"user_id": user_id, "events": count})
        if item_rows:
            conn.execute(ProgressItem.__table__.insert(), item_rows)
        if learner_rows:
            conn.execute(ProgressLearner.__table__.insert(), learner_rows)
        items += len(item_rows)
    return len(user_ids), items


def _summarise_users(conn, user_ids: list) -> Iterator[tuple]:
    events: dict = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(
            select(Event.user_id, Event.kind, Event.item_id, Event.created_at, Event.question_id, Event.payload, *ORDER)
            .where(Event.user_id.in_(user_ids))):
        events[row[0]][row[2]].append(_view(row[1:]))
    for user_id in user_ids:
        by_item = events[user_id]
        learning = sum(e.kind not in ACCOUNT_KINDS for evs in by_item.values() for e in evs)
        yield user_id, [summarise(item, evs) for item, evs in by_item.items()], learning


# Reading -------------------------------------------------------------------------------------

# Plain rows, not ORM objects: pages read many.
COLUMNS = tuple(ProgressItem.__table__.columns)


def _summary(row) -> ItemSummary:
    return ItemSummary(kind=row.kind, item_id=row.item_id, events=row.events,
                       last_order=(row.last_lamport, row.last_origin, row.last_seq), last_activity=row.last_activity,
                       best_score=row.best_score, attempts=row.attempts, open_attempt=row.open_attempt,
                       shown_finished=row.shown_finished, score=row.score, taken_at=row.taken_at,
                       role=row.role, counted_lamport=row.counted_lamport, detail=row.detail or {})


def of_learner(user_id: uuid.UUID, item_ids: list[str] | None = None) -> dict[str, ItemSummary]:
    """The learner's summaries, keyed by item id."""
    query = select(*COLUMNS).where(ProgressItem.user_id == user_id)
    if item_ids is not None:
        query = query.where(ProgressItem.item_id.in_(item_ids))
    return {row.item_id: _summary(row) for row in db.session.execute(query)}


def of_person(user, item_ids: list[str] | None = None) -> dict[str, ItemSummary]:
    """A learner's summaries, following the accounts joined to theirs (app/people.py): for the
    rare person with joined accounts, computed from the events of all of them (one history),
    else read as kept."""
    from . import record

    if not record.joined_to(user.id):
        return of_learner(user.id, item_ids)
    events = record.events_of(user, item_ids)
    return {item: summarise(item, [e for e in events if e.item_id == item]) for item in {e.item_id for e in events}}


def of_learners(user_ids: list, item_ids: list[str] | None = None) -> dict:
    """Summaries of many learners at once (a class, a village): user id -> item id -> summary."""
    found: dict = {uid: {} for uid in user_ids}
    if not user_ids:
        return found
    query = select(*COLUMNS).where(ProgressItem.user_id.in_(user_ids))
    if item_ids is not None:
        query = query.where(ProgressItem.item_id.in_(item_ids))
    for row in db.session.execute(query):
        found[row.user_id][row.item_id] = _summary(row)
    return _with_joined(found, item_ids)


def of_villages(village_ids: list, links: dict | None = None) -> dict:
    """Summaries of every learner of these villages: user id -> item id -> summary (a join on
    the village, not a long list of ids). `links`: `people.merge_links()` if the caller has it."""
    from ..models import Role, User

    found: dict = defaultdict(dict)
    for row in db.session.execute(select(*COLUMNS).join(User, User.id == ProgressItem.user_id)
                                  .where(User.village_id.in_(village_ids), User.role == Role.LEARNER)):
        found[row.user_id][row.item_id] = _summary(row)
    return _with_joined(found, None, lambda kept: select(User).where(
        User.id.in_(kept), User.village_id.in_(village_ids), User.role == Role.LEARNER), links)


def _with_joined(found: dict, item_ids: list[str] | None = None, among=None, links: dict | None = None) -> dict:
    """The few kept accounts (accounts were joined to them, app/people.py) read as `of_person`
    reads them, with the joined accounts' history: the trainer's grid and class show what the
    learner's own page shows. `among(kept ids)`: a query of the kept accounts to read (by
    default those already in `found`; one with no summaries of its own is not there yet)."""
    from ..models import User
    from ..people import merge_links

    kept = set((merge_links() if links is None else links).values())
    if among is None:
        kept &= set(found)
    if not kept:
        return found
    query = among(kept) if among is not None else select(User).where(User.id.in_(kept))
    for user in db.session.scalars(query):
        found[user.id] = of_person(user, item_ids)
    return found
