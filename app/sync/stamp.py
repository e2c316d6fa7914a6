"""Stamps every new event and every new version of a synced record with this server's next
change number, and keeps the one-writer rule: a record is changed only on its home server.

Done with ORM listeners so that no code path can forget it: a learner made by a trainer, by
self-registration or by the demo is stamped the same way. A bundle being applied writes with
plain INSERT/UPDATE statements, which these ORM listeners do not see: it brings its own stamps.
progress/record.py inserts events the same plain way and takes their stamps from `event_stamp`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import ChangeRequest, Event, SyncCounter, TrainingClass, User, Venue, Village, VillageProblem
from ..models.events import EventKind

SYNCED_RECORDS = (Village, User, TrainingClass, VillageProblem, ChangeRequest, Venue)  # mutable records with a home server (docs/sync.md)


class NotHomeError(RuntimeError):
    """A record was changed on a server that is not its home."""


def reserve_seqs(connection, node_id: uuid.UUID, count: int) -> range:
    """`count` consecutive change numbers at once, for bulk writers (benchmarks, imports of
    history): the same counter, moved once."""
    last = next_seq(connection, node_id, count)
    return range(last - count + 1, last + 1)


def next_seq(connection, node_id: uuid.UUID, step: int = 1) -> int:
    """The next number in this node's change sequence. The UPDATE takes the row's write lock
    first, so two requests writing at once queue here instead of taking the same number."""
    bump = update(SyncCounter.__table__).where(SyncCounter.__table__.c.node_id == node_id) \
        .values(last_seq=SyncCounter.__table__.c.last_seq + step).returning(SyncCounter.__table__.c.last_seq)
    value = connection.execute(bump).scalar()
    if value is None:
        connection.execute(SyncCounter.__table__.insert().values(node_id=node_id, last_seq=0))
        value = connection.execute(bump).scalar()
    return value


def event_stamp(connection, user_id, given: dict | None = None) -> tuple[uuid.UUID, int, int]:
    """(origin, seq, lamport) for a new event of this learner, recorded on this server.

    `given` holds the steps handed out for events not written yet (several events of one
    learner flushed together): the next step comes after those too.
    """
    from .node import this_node_id

    me = this_node_id()
    seq = next_seq(connection, me)
    # The learner's own steps, and the `merged` links pointing at this account (app/people.py):
    # each comes after the whole history of the account it joined here, so the person's next
    # step sorts after that history too (one person, one order).
    own = select(func.max(Event.lamport)).where(Event.user_id == user_id).scalar_subquery()
    joined = select(func.max(Event.lamport)).where(Event.kind == EventKind.MERGED,
                                                   Event.item_id == str(user_id)).scalar_subquery()
    known = max(v or 0 for v in connection.execute(select(own, joined)).one())
    lamport = max(known, (given or {}).get(user_id, 0)) + 1
    if given is not None:
        given[user_id] = lamport
    return me, seq, lamport


def is_home(record) -> bool:
    """May this server change the record? (Only its home server may: docs/sync.md.)"""
    from .node import this_node_id

    return record.home is None or record.home == this_node_id()


def touch(record) -> None:
    """Give a record a new version although none of its own columns changed: a class whose
    attendance changed travels again, whole (its attendance rows are part of it)."""
    from sqlalchemy.orm.attributes import flag_modified

    flag_modified(record, "seq")


def _stamp_record(mapper, connection, target) -> None:
    from .node import this_node_id

    me = this_node_id()
    if target.home is None:
        target.home = me
    elif target.home != me:
        raise NotHomeError(f"{type(target).__name__} {target.id} belongs to server {target.home}; "
                           "ask that server for the change")
    target.seq = next_seq(connection, me)


def _stamp_event(mapper, connection, target) -> None:
    """Events made as ORM objects (tests, benchmarks): stamped as record.py stamps its own."""
    session = Session.object_session(target)
    given = session.info.setdefault("lamport_given", {}) if session is not None else {}
    target.origin, target.seq, target.lamport = event_stamp(connection, target.user_id, given)


def _forget_flush(session, flush_context) -> None:
    session.info.pop("lamport_given", None)


_listening = {"done": False}


def init_app(app) -> None:
    from sqlalchemy import event

    if _listening["done"]:  # listeners are global to the models; add them once
        return
    for model in SYNCED_RECORDS:
        event.listen(model, "before_insert", _stamp_record)
        event.listen(model, "before_update", _stamp_record)
    event.listen(Event, "before_insert", _stamp_event)
    event.listen(Session, "after_flush", _forget_flush)
    _listening["done"] = True
