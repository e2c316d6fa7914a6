"""Write a bundle for a peer, and apply a bundle from one: the service behind the CLI, the
pages and the HTTP routes (docs/sync.md).

What travels: villages (home: the district), people (home: the server that made them) and
learners' events. Events are inserted if new and ignored if known (union); a record is replaced
only by a newer version from its home. A bundle is applied in transactions that each move the
vector with the rows they add, so an import cut off half-way loses nothing and the next sync
goes on from where it stopped.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Attendance,
    ChangeRequest,
    Event,
    Role,
    SyncAttempt,
    SyncCounter,
    SyncNode,
    SyncPeerVector,
    SyncVector,
    TrainingClass,
    User,
    Venue,
    Village,
    VillageProblem,
    class_learners,
    trainer_villages,
)
from ..progress import summaries
from . import bundle
from .bundle import BundleError
from .node import this_node

STREAMS = ("records", "events")
BATCH = 500  # events per transaction (Morango's chunk size; small enough for an old PC)


class SyncError(Exception):
    """A bundle or request that cannot be applied; `code` picks the message shown to people."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class Applied:
    sender: SyncNode
    bundle_id: str
    events_new: int = 0
    events_known: int = 0
    records_new: int = 0
    records_known: int = 0
    clashes: list[str] = field(default_factory=list)


# --- vectors -------------------------------------------------------------------------------

def vector(stream: str) -> dict[str, int]:
    """How far this server holds each origin's changes in a stream (its own: its counter)."""
    rows = db.session.execute(select(SyncVector.origin, SyncVector.upto).where(SyncVector.stream == stream))
    found = {str(origin): upto for origin, upto in rows}
    me = this_node().node_id
    mine = _max_seq_of(me, stream)
    if mine:
        found[str(me)] = mine
    return found


def _max_seq_of(origin: uuid.UUID, stream: str) -> int:
    if stream == "events":
        return db.session.scalar(select(db.func.max(Event.seq)).where(Event.origin == origin)) or 0
    return max(db.session.scalar(select(db.func.max(model.seq)).where(model.home == origin)) or 0
               for model in (Village, User, TrainingClass, VillageProblem, ChangeRequest, Venue))


def _counter(node_id: uuid.UUID) -> int:
    """The last change number this server handed out (app/sync/stamp.py)."""
    return db.session.scalar(select(SyncCounter.last_seq).where(SyncCounter.node_id == node_id)) or 0


def _advance(origin: str, stream: str, since: int, upto: int) -> None:
    """Move the vector to `upto` if the changes from `since` on were all in what was applied:
    a bundle that starts beyond what is held here (one went missing) adds its rows but leaves
    the vector, so the next sync asks again from the gap."""
    if origin == str(this_node().node_id):
        return
    row = db.session.get(SyncVector, (uuid.UUID(origin), stream))
    held = row.upto if row else 0
    if since <= held < upto:
        if row is None:
            db.session.add(SyncVector(origin=uuid.UUID(origin), stream=stream, upto=upto))
        else:
            row.upto = upto


# --- scope: what a peer may receive and send ---------------------------------------------

def _village_ids(node: SyncNode) -> set[uuid.UUID]:
    return {v.id for v in node.villages}


def _learner_filter(peer: SyncNode):
    if peer.role == "district":
        return True
    return User.village_id.in_(_village_ids(peer))


def _records_for(peer: SyncNode, since: dict[str, int]) -> list[dict]:
    """Villages (all: a village server is provisioned with the district's list); the people of
    the peer's villages (its learners, and the staff who work there); their classes (with
    learners and attendance) and the problems found there. In the order they must be applied."""
    not_theirs = lambda model: model.home != peer.id  # noqa: E731 (what they made, they have)
    newer = lambda model: or_(*[and_(model.home == uuid.UUID(o), model.seq > s) for o, s in since.items()],  # noqa: E731
                              model.home.not_in([uuid.UUID(o) for o in since]))
    out = [_village_record(v) for v in db.session.scalars(
        select(Village).where(not_theirs(Village), newer(Village)).order_by(Village.home, Village.seq))]
    people = select(User).where(not_theirs(User), newer(User))
    classes = select(TrainingClass).where(not_theirs(TrainingClass), newer(TrainingClass))
    problems = select(VillageProblem).where(not_theirs(VillageProblem), newer(VillageProblem))
    venues = select(Venue).where(not_theirs(Venue), newer(Venue))
    if peer.role != "district":
        here = _village_ids(peer)
        staff_here = select(trainer_villages.c.user_id).where(trainer_villages.c.village_id.in_(here))
        people = people.where(or_(and_(User.role == Role.LEARNER, _learner_filter(peer)), User.id.in_(staff_here)))
        classes = classes.where(TrainingClass.village_id.in_(here))
        problems = problems.where(VillageProblem.village_id.in_(here))
        venues = venues.where(Venue.village_id.in_(here))
    out += [_user_record(u) for u in db.session.scalars(people.order_by(User.home, User.seq))]
    out += [_class_record(c) for c in db.session.scalars(classes.order_by(TrainingClass.home, TrainingClass.seq))]
    out += [_problem_record(p) for p in db.session.scalars(problems.order_by(VillageProblem.home, VillageProblem.seq))]
    out += [_venue_record(v) for v in db.session.scalars(venues.order_by(Venue.home, Venue.seq))]
    requests = select(ChangeRequest).where(not_theirs(ChangeRequest), newer(ChangeRequest))
    if peer.role != "district":
        requests = requests.join(User, User.id == ChangeRequest.user_id).where(_learner_filter(peer))
    out += [_request_record(r) for r in db.session.scalars(requests.order_by(ChangeRequest.home, ChangeRequest.seq))]
    return out


_EVENT_COLUMNS = (Event.id, Event.user_id, Event.kind, Event.item_id, Event.question_id, Event.lang, Event.payload,
                  Event.created_at, Event.origin, Event.seq, Event.lamport, Event.client_id)


def _events_for(peer: SyncNode, since: dict[str, int]):
    """The peer's events beyond `since`, as plain rows in (origin, seq) order, streamed: one
    range query per origin on the (origin, seq) index, so a round costs what it sends, not
    what the server holds."""
    me = this_node().node_id
    origins = {row for row in db.session.scalars(select(SyncVector.origin).where(SyncVector.stream == "events"))} | {me}
    for origin in sorted(origins - {peer.id}, key=str):
        query = select(*_EVENT_COLUMNS).where(Event.origin == origin, Event.seq > since.get(str(origin), 0))
        if peer.role != "district":
            query = query.join(User, User.id == Event.user_id).where(_learner_filter(peer))
        # A server-side cursor on PostgreSQL: closed when the caller stops early (a bundle cut at
        # its limit), not left open until garbage collection.
        with db.session.execute(query.order_by(Event.seq).execution_options(yield_per=5000)) as rows:
            yield from rows


def _village_record(v: Village) -> dict:
    return {"t": "village", "id": str(v.id), "home": str(v.home), "seq": v.seq, "name_kk": v.name_kk, "name_ru": v.name_ru,
            "okrug_kk": v.okrug_kk, "okrug_ru": v.okrug_ru, "residents": v.residents, "residents_source": v.residents_source,
            "residents_on": v.residents_on.isoformat() if v.residents_on else None,
            "residents_adults": v.residents_adults, "code_prefix": v.code_prefix}


def _user_record(u: User) -> dict:
    return {"t": "user", "id": str(u.id), "home": str(u.home), "seq": u.seq, "role": u.role, "name": u.name,
            "login_code": u.login_code, "username": u.username, "secret_hash": u.secret_hash,
            "village_id": str(u.village_id) if u.village_id else None, "language": u.language,
            "created_at": u.created_at.isoformat(), "active": u.active, "villages": sorted(str(v.id) for v in u.villages)}


def _class_record(c: TrainingClass) -> dict:
    present = db.session.execute(select(Attendance.user_id, Attendance.day).where(Attendance.class_id == c.id)).all()
    return {"t": "class", "id": str(c.id), "home": str(c.home), "seq": c.seq, "village_id": str(c.village_id),
            "level": c.level, "day1": c.day1.isoformat(), "day2": c.day2.isoformat(), "venue": c.venue,
            "seats": c.seats, "bring": c.bring,
            "trainer_id": str(c.trainer_id) if c.trainer_id else None, "created_at": c.created_at.isoformat(),
            "learners": sorted(str(u.id) for u in c.learners), "attendance": sorted([str(u), d] for u, d in present)}


def _problem_record(p: VillageProblem) -> dict:
    return {"t": "problem", "id": str(p.id), "home": str(p.home), "seq": p.seq, "village_id": str(p.village_id),
            "category": p.category, "found_on": p.found_on.isoformat(), "description": p.description,
            "solution": p.solution, "status": p.status, "reported_by": str(p.reported_by) if p.reported_by else None,
            "created_at": p.created_at.isoformat()}


def _venue_record(v: Venue) -> dict:
    return {"t": "venue", "id": str(v.id), "home": str(v.home), "seq": v.seq, "village_id": str(v.village_id),
            "place": v.place, "computers": v.computers, "projector": v.projector, "internet": v.internet,
            "internet_mbps": v.internet_mbps, "internet_measured": v.internet_measured, "contact": v.contact,
            "notes": v.notes, "checked_on": v.checked_on.isoformat() if v.checked_on else None}


def _request_record(r: ChangeRequest) -> dict:
    return {"t": "request", "id": str(r.id), "home": str(r.home), "seq": r.seq, "user_id": str(r.user_id),
            "kind": r.kind, "payload": r.payload, "created_at": r.created_at.isoformat()}


def _event_record(e) -> dict:
    return {"t": "event", "id": str(e.id), "user_id": str(e.user_id), "kind": e.kind, "item_id": e.item_id,
            "question_id": e.question_id, "lang": e.lang, "payload": e.payload, "created_at": e.created_at.isoformat(),
            "origin": str(e.origin), "seq": e.seq, "lamport": e.lamport,
            "client_id": str(e.client_id) if e.client_id else None}  # a phone's id for a queued answer


# --- export ----------------------------------------------------------------------------------

def export_for(peer: SyncNode, since: dict[str, dict[str, int]] | None = None, *, seal: bool,
               limit: int | None = None) -> tuple[bytes, int, int]:
    """A bundle of what the peer lacks beyond `since` (per stream; by default what the peer
    last said it holds), at most `limit` events. Returns (bytes, records, events)."""
    since = since if since is not None else heard_from(peer)
    # What this server holds, taken before the rows: a change committed meanwhile is sent the
    # next time, never claimed without being sent. (Numbers are taken under the counter's row
    # lock and kept to the commit, so no lower number can still be on its way.)
    holds = {stream: vector(stream) for stream in STREAMS}
    upto = {stream: dict(held) for stream, held in holds.items()}  # narrowed below if the bundle is cut
    records = _records_for(peer, since.get("records", {}))
    events: list[dict] = []
    stream = _events_for(peer, since.get("events", {}))
    try:
        for event in stream:
            if limit is not None and len(events) >= limit:
                upto["events"] = _cut(upto["events"], events)
                break
            events.append(_event_record(event))
    finally:
        stream.close()  # runs the generator's `with`: the cursor is closed now
    me = this_node()
    header = bundle.Header(sender=str(me.node_id), receiver=str(peer.id), schema=_schema_head(),
                           since={s: dict(since.get(s, {})) for s in STREAMS}, upto=upto, holds=holds)
    from .identity import decode_key

    data = bundle.write(header, records + events, me.signing_key, seal_to=decode_key(peer.public_key) if seal else None)
    return data, len(records), len(events)


def _cut(held: dict[str, int], events: list[dict]) -> dict[str, int]:
    """What a bundle cut at a limit may claim: events go by (origin, seq), so every origin in it
    but the last is whole; the last only up to its last event; the others not at all."""
    present = list(dict.fromkeys(e["origin"] for e in events))
    claim = {origin: held.get(origin, 0) for origin in present[:-1]}
    last = present[-1]
    claim[last] = max(e["seq"] for e in events if e["origin"] == last)
    return claim


def _schema_head() -> str:
    """The migrations' head, read once per process (app/schema.py): reading the migration
    files again took ~10 ms of every bundle made or checked."""
    from ..schema import migration_heads

    heads = migration_heads()
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads ({', '.join(sorted(heads))}): merge them")
    return next(iter(heads), "")


def heard_from(peer: SyncNode) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {stream: {} for stream in STREAMS}
    for row in db.session.scalars(select(SyncPeerVector).where(SyncPeerVector.peer_id == peer.id)):
        found.setdefault(row.stream, {})[str(row.origin)] = row.upto
    return found


def _remember_peer_holds(peer: SyncNode, upto: Mapping[str, Mapping[str, int]]) -> None:
    for stream, origins in upto.items():
        if stream not in STREAMS:
            continue
        for origin, seq in origins.items():
            key = (peer.id, stream, uuid.UUID(origin))
            row = db.session.get(SyncPeerVector, key)
            if row is None:
                db.session.add(SyncPeerVector(peer_id=peer.id, stream=stream, origin=key[2], upto=int(seq)))
            elif row.upto < int(seq):
                row.upto = int(seq)


# --- import ----------------------------------------------------------------------------------

def verify(data: bytes, *, route: str) -> tuple[bundle.Bundle, SyncNode]:
    """The bundle, checked from end to end (signature, receiver, sender enrolled, schema), and
    its sender; BundleError/SyncError otherwise. Nothing is written before this passes."""
    me = this_node()
    peers = {str(n.id): n for n in db.session.scalars(select(SyncNode).where(SyncNode.active))}
    from .identity import decode_key

    got = bundle.read(data, receiver=str(me.node_id), receiver_key=me.signing_key,
                      sender_keys={node_id: decode_key(n.public_key) for node_id, n in peers.items()},
                      require_sealed=(route == "file"))
    if got.header.schema != _schema_head():
        raise SyncError("schema_differs", f"the sender's database is at {got.header.schema}, this one at {_schema_head()}")
    return got, peers[got.header.sender]


def apply(data: bytes, *, route: str) -> Applied:
    """Check and apply a bundle; SyncError/BundleError (nothing changed) if it cannot be.

    Records first, in one transaction, then events in batches of BATCH, each batch in its own
    transaction with the vector it earns: killed half-way, the database holds whole batches and
    a vector that says exactly which, and the next sync sends the rest.
    """
    got, sender = verify(data, route=route)
    try:
        return _apply(got, sender)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:  # signed, but not made as we make them
        db.session.rollback()
        raise SyncError("malformed", f"{type(exc).__name__}: {exc}") from exc
    except IntegrityError as exc:  # e.g. numbers reused by a server restored from an old backup
        db.session.rollback()
        raise SyncError("numbers_reused", str(exc.orig if exc.orig else exc)[:300]) from exc


def _apply(got: bundle.Bundle, sender: SyncNode) -> Applied:
    me = str(this_node().node_id)
    records = [r for r in got.records if r.get("t") in RECORD_MODELS]
    events = [r for r in got.records if r.get("t") == "event"]
    if len(records) + len(events) != len(got.records):
        raise SyncError("unknown_record", "the bundle holds a kind of record this server does not know")
    result = Applied(sender=sender, bundle_id=got.header.bundle_id)
    _check_scope(sender, records, events)
    since, upto, holds = _trusted_ranges(sender, got.header)
    for stream in STREAMS:
        # The peer says it holds more of this server's changes than this server has made: this
        # server went back in time (restored from an older backup). Going on would reuse numbers.
        # (The counter too, not only the rows: a record of ours may be gone, a venue that lost a
        # double entry, and its number with it.)
        made = max(_max_seq_of(uuid.UUID(me), stream), _counter(uuid.UUID(me)))
        if holds.get(stream, {}).get(me, 0) > made:
            raise SyncError("restored_backup", f"the peer holds {stream} of this server up to "
                                               f"{holds[stream][me]}, this server has made {made}")
    try:
        _apply_records(records, result)
        for origin, seq in upto.get("records", {}).items():
            _advance(origin, "records", since.get("records", {}).get(origin, 0), seq)
        db.session.commit()
        event_since, event_upto = since.get("events", {}), upto.get("events", {})
        size = int(current_app.config.get("SYNC_IMPORT_BATCH", BATCH))
        for start in range(0, len(events), size):
            batch = events[start:start + size]
            _apply_events(batch, result)
            last: dict[str, int] = {}
            for row in batch:
                last[row["origin"]] = max(last.get(row["origin"], 0), int(row["seq"]))
            for origin, seq in last.items():  # never past what the sender holds without gaps
                _advance(origin, "events", event_since.get(origin, 0), min(seq, event_upto.get(origin, 0)))
            db.session.commit()
        for origin, seq in event_upto.items():
            _advance(origin, "events", event_since.get(origin, 0), seq)
        _remember_peer_holds(sender, holds)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _trusted_ranges(sender: SyncNode, header: bundle.Header) -> tuple[dict, dict, dict]:
    """`since`, `upto` and `holds` as this server may believe them. The district speaks for
    every origin; a village server only for its own changes (else it could claim to have sent
    another village's events and make this server stop asking for them)."""
    def clean(ranges) -> dict:
        found: dict = {}
        for stream in STREAMS:
            origins = ranges.get(stream, {}) if isinstance(ranges, dict) else {}
            found[stream] = {str(uuid.UUID(str(o))): int(n) for o, n in origins.items()
                             if sender.role == "district" or str(o) == str(sender.id)}
        return found

    holds = {stream: {str(uuid.UUID(str(o))): int(n) for o, n in header.holds.get(stream, {}).items()}
             for stream in STREAMS}  # what it holds only decides what is sent back to it
    return clean(header.since), clean(header.upto), holds


def _check_scope(sender: SyncNode, records: list[dict], events: list[dict]) -> None:
    """A village server speaks only for its own villages and for what it made; the district
    speaks for the whole district."""
    if sender.role == "district":
        return
    served = {str(v) for v in _village_ids(sender)}
    known_learners = {str(u) for u in db.session.scalars(select(User.id).where(User.village_id.in_(_village_ids(sender))))}
    for row in records:
        if row["t"] == "village":
            raise SyncError("village_made_locally", "a village server sent a village it made itself")
        if row["t"] not in ("user", "class", "problem", "venue"):
            raise SyncError("out_of_scope", f"a village server sent a {row['t']} record")
        if row.get("home") != str(sender.id):
            raise SyncError("out_of_scope", f"a {row['t']} made on another server ({row.get('home')})")
        if row["t"] == "user" and row.get("role") != Role.LEARNER:
            raise SyncError("out_of_scope", "a village server sent a staff account")
        if row["t"] == "request":
            if row.get("user_id") not in known_learners:
                raise SyncError("out_of_scope", "a request about a learner of a village this server does not serve")
            continue
        if row.get("village_id") not in served:
            raise SyncError("out_of_scope", f"a {row['t']} of a village this server does not serve ({row.get('village_id')})")
        if row["t"] == "user":
            known_learners.add(row["id"])
        if row["t"] == "class":
            strangers = set(row["learners"]) | {u for u, _ in row["attendance"]}
            if strangers - known_learners:
                raise SyncError("out_of_scope", "a class lists learners of a village this server does not serve")
    for row in events:
        if row["user_id"] not in known_learners:
            raise SyncError("out_of_scope", f"events of a learner of a village this server does not serve ({row['user_id']})")
        if row["origin"] != str(sender.id):
            raise SyncError("out_of_scope", f"an event recorded on another server ({row['origin']})")


RECORD_MODELS: dict[str, Any] = {"village": Village, "user": User, "class": TrainingClass, "problem": VillageProblem,
                                 "venue": Venue, "request": ChangeRequest}
APPLY_ORDER = {"village": 0, "user": 1, "class": 2, "problem": 3, "venue": 3, "request": 4}  # what points at what


def _apply_records(rows: list[dict], result: Applied) -> None:
    """Villages first, then people, then what points at them; a row replaces ours only if it is
    a newer version from the same home. A login code taken by another person here is a clash:
    refused, named."""
    for row in sorted(rows, key=lambda r: (APPLY_ORDER[r["t"]], r["home"], r["seq"])):
        model = RECORD_MODELS[row["t"]]
        ours = db.session.get(model, uuid.UUID(row["id"]))
        if ours is not None and (str(ours.home) != row["home"] or ours.seq >= row["seq"]):
            result.records_known += 1
            continue
        if model is User:
            _check_unique(row)
            row = _hold_clashing_code(row, result)
        if model is Venue and not _venue_wins(row):
            result.records_known += 1
            continue
        values = _columns(row)
        if ours is None:
            db.session.execute(model.__table__.insert().values(**values))
            if model is ChangeRequest:
                _carry_out(row)
        else:
            db.session.execute(model.__table__.update().where(model.__table__.c.id == ours.id).values(**values))
        result.records_new += 1
        record_id = uuid.UUID(row["id"])
        if model is User:
            _replace(trainer_villages, trainer_villages.c.user_id, record_id,
                     [{"user_id": record_id, "village_id": uuid.UUID(v)} for v in row["villages"]])
        elif model is TrainingClass:
            _require_people(row["learners"] + [u for u, _ in row["attendance"]])
            _replace(class_learners, class_learners.c.class_id, record_id,
                     [{"class_id": record_id, "user_id": uuid.UUID(u)} for u in row["learners"]])
            _replace(Attendance.__table__, Attendance.__table__.c.class_id, record_id,
                     [{"id": uuid.uuid4(), "class_id": record_id, "user_id": uuid.UUID(u), "day": int(d)}
                      for u, d in row["attendance"]])
    db.session.flush()
    db.session.expire_all()


def _carry_out(request: dict) -> None:
    """A request that reached the home server of its learner becomes that server's own change
    (a new version of the record, which then travels back everywhere). Elsewhere it only passes."""
    learner = db.session.get(User, uuid.UUID(request["user_id"]))
    if learner is None or str(learner.home) != str(this_node().node_id):
        return
    if request["kind"] == "new_pin":
        from ..auth import login_sessions

        learner.secret_hash = str(request["payload"]["secret_hash"])
        login_sessions.end_all_of(learner)  # whoever knew the old PIN is signed out here too
        db.session.flush()
    elif request["kind"] == "new_code":
        code = str(request["payload"]["login_code"])
        taken = db.session.scalar(select(User.id).where(User.login_code == code, User.id != learner.id))
        if taken is None:  # else the request is dropped: the learner keeps their code here
            learner.login_code = code
            db.session.flush()


def _venue_wins(row: dict) -> bool:
    """One venue per village. Two servers that each entered one before they met keep the same
    one (the larger id: no clock decides), so both converge; the other is removed."""
    other = db.session.scalar(select(Venue).where(Venue.village_id == uuid.UUID(row["village_id"]),
                                                  Venue.id != uuid.UUID(row["id"])))
    if other is None:
        return True
    if str(other.id) > row["id"]:
        return False
    db.session.delete(other)
    db.session.flush()
    return True


def _replace(table, key_column, key, rows: list[dict]) -> None:
    """The rows that belong to a record, as its newest version lists them."""
    db.session.execute(table.delete().where(key_column == key))
    if rows:
        db.session.execute(table.insert(), rows)


def _require_people(ids: list[str]) -> None:
    wanted = {uuid.UUID(i) for i in ids}
    if not wanted:
        return
    found = set(db.session.scalars(select(User.id).where(User.id.in_(wanted))))
    if wanted - found:
        raise SyncError("unknown_learner", f"a class lists {len(wanted - found)} learner(s) this server does not have")


def _hold_clashing_code(row: dict, result: Applied) -> dict:
    """A learner whose login code is already another person's here (two servers made the same
    code offline) is kept without a code on this server, not refused with the whole bundle:
    their work arrives and counts; they sign in with it on their own server, and here once their
    home server gives them a new code (the Sync page lists them: `held_learners`)."""
    code = row.get("login_code")
    if not code:
        return row
    holder = db.session.scalar(select(User).where(User.login_code == code, User.id != uuid.UUID(row["id"])))
    if holder is None:
        return row
    result.clashes.append(f"login code {code!r}: {row['name']} and {holder.name} are two people")
    return {**row, "login_code": None}


def held_learners(villages: list[Village] | None = None) -> list[User]:
    """Learners kept here without a login code because theirs was another person's (sync), of
    `villages` only when given (the sync page shows each trainer their own villages' people)."""
    query = select(User).where(User.role == Role.LEARNER, User.login_code.is_(None))
    if villages is not None:
        query = query.where(User.village_id.in_([v.id for v in villages]))
    return list(db.session.scalars(query.order_by(User.name)))


def _check_unique(row: dict) -> None:
    for column in ("username",):  # a login code that clashes is held (_hold_clashing_code)
        if row.get(column):
            holder = db.session.scalar(select(User).where(getattr(User, column) == row[column], User.id != uuid.UUID(row["id"])))
            if holder is not None:
                raise SyncError("code_clash", f"{column} {row[column]!r}: {row['name']} and {holder.name} are two people")


def _columns(row: dict) -> dict:
    """A record's own columns, typed; its lists (villages, learners, attendance) go elsewhere."""
    values = {k: v for k, v in row.items() if k not in ("t", "villages", "learners", "attendance")}
    for key in ("id", "home", "village_id", "trainer_id", "reported_by", "user_id"):
        if values.get(key):
            values[key] = uuid.UUID(values[key])
    if "created_at" in values:
        values["created_at"] = datetime.fromisoformat(values["created_at"])
    for key in ("day1", "day2", "found_on", "checked_on", "residents_on"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return values


def _apply_events(rows: list[dict], result: Applied) -> None:
    """Union: an event already here (same id) is skipped, whatever the order or the number of
    times it arrives."""
    ids = [uuid.UUID(r["id"]) for r in rows]
    _note_origins({r["origin"] for r in rows})
    known = set(db.session.scalars(select(Event.id).where(Event.id.in_(ids))))
    new = [_event_values(r) for r in rows if uuid.UUID(r["id"]) not in known]
    if new:
        db.session.execute(Event.__table__.insert(), new)
        # the summaries are kept for every event that arrives, as the one writer keeps them
        summaries.refresh_imported((e["user_id"], e["item_id"]) for e in new)
    result.events_new += len(new)
    result.events_known += len(rows) - len(new)


def _note_origins(origins: set[str]) -> None:
    """Every origin whose events are held here has a vector row (at 0 until a bundle that
    starts at the beginning arrives): the list of origins to send from, without a scan."""
    me = str(this_node().node_id)
    for origin in origins - {me}:
        key = (uuid.UUID(origin), "events")
        if db.session.get(SyncVector, key) is None:
            db.session.add(SyncVector(origin=key[0], stream="events", upto=0))
    db.session.flush()


def _event_values(row: dict) -> dict:
    return {"id": uuid.UUID(row["id"]), "user_id": uuid.UUID(row["user_id"]), "kind": row["kind"], "item_id": row["item_id"],
            "question_id": row["question_id"], "lang": row["lang"], "payload": row["payload"],
            "created_at": datetime.fromisoformat(row["created_at"]), "origin": uuid.UUID(row["origin"]),
            "seq": int(row["seq"]), "lamport": int(row["lamport"]),
            "client_id": uuid.UUID(row["client_id"]) if row.get("client_id") else None}


# --- the record of every attempt (the coordinator's view of each village's link) -------------

MESSAGES = {
    BundleError.NOT_A_BUNDLE: _l("This file is not a sync file."),
    BundleError.NEWER_FORMAT: _l("The file was made by a newer version of the server. Update this server first."),
    BundleError.WRONG_RECEIVER: _l("The file is for another server."),
    BundleError.UNKNOWN_SENDER: _l("The file comes from a server that is not enrolled here."),
    BundleError.TRUNCATED: _l("The file is incomplete. Save it to the stick again and wait until copying ends."),
    BundleError.DAMAGED: _l("The file is damaged or was changed after it was made. Save it to the stick again."),
    BundleError.NOT_SEALED: _l("A file on a stick must be encrypted. Save it again with this version of the server."),
    "schema_differs": _l("The two servers have different versions. Update both to the same version."),
    "malformed": _l("The file is damaged or was made by another version. Save it to the stick again."),
    "restored_backup": _l("This server was restored from an older backup: the other server already has changes this "
                          "one has forgotten. Ask the coordinator before syncing again."),
    "numbers_reused": _l("The other server was restored from an older backup and reuses numbers. Ask the coordinator."),
    "http_error": _l("The district server answered with an error. Try again later, or use a USB stick."),
    "unknown_record": _l("The file holds data this version does not know. Update this server."),
    "village_made_locally": _l("The village server made its own list of villages. A village server gets its villages from "
                               "the district: see the sync guide."),
    "out_of_scope": _l("The file holds data of a village its server does not serve."),
    "unknown_learner": _l("The file lists a learner this server does not have. Sync with the district first."),
    "code_clash": _l("Two different people have the same login code. Give one of them a new code."),
    "busy": _l("Another sync is running. Try again in a minute."),
    "unreachable": _l("The district server cannot be reached. Check the internet connection, or use a USB stick."),
    "no_url": _l("The district server's address is not set."),
}


def describe(exc: Exception, english: bool = False) -> str:
    """The message for people; `english` for the command line (operators' logs)."""
    from flask_babel import force_locale

    code = getattr(exc, "code", "")
    detail = getattr(exc, "detail", "")
    message = MESSAGES.get(code) or (MESSAGES["http_error"] if str(code).startswith("http_") else None)
    if message is None:
        text = str(exc)
    elif english:
        with force_locale("en"):
            text = str(message)
    else:
        text = str(message)
    return f"{text} ({detail})" if detail and english else text


def log_attempt(peer: SyncNode | None, *, route: str, direction: str, ok: bool = True, error: str | None = None,
                detail: str | None = None, records: int = 0, events: int = 0, size: int = 0,
                seconds: float | None = None, round_trip_ms: float | None = None, bundle_id: str | None = None) -> None:
    db.session.rollback()  # whatever failed is gone; the record of the attempt must stay
    db.session.add(SyncAttempt(peer_id=peer.id if peer else None, route=route, direction=direction, ok=ok, error=error,
                               detail=detail, records=records, events=events, bytes=size, seconds=seconds,
                               round_trip_ms=round_trip_ms, bundle_id=bundle_id))
    db.session.commit()


def apply_logged(data: bytes, *, route: str) -> Applied:
    """`apply`, with a record of the attempt whether it worked or not."""
    started = time.monotonic()
    try:
        result = apply(data, route=route)
    except (BundleError, SyncError) as exc:
        # A bundle that failed its checks proves nothing about who sent it: the attempt is kept,
        # but only a verified sender (a SyncError comes after the signature) is named.
        sender = None
        if isinstance(exc, SyncError):
            try:
                sender = db.session.get(SyncNode, uuid.UUID(str(bundle.peek(data).get("sender"))))
            except (BundleError, ValueError):
                pass
        log_attempt(sender, route=route, direction="receive", ok=False, error=exc.code, detail=exc.detail[:500],
                    size=len(data), seconds=time.monotonic() - started)
        raise
    log_attempt(result.sender, route=route, direction="receive", records=result.records_new, events=result.events_new,
                size=len(data), seconds=time.monotonic() - started, bundle_id=result.bundle_id)
    return result
