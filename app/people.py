"""One person, one account: moving a learner to a class in another village, and joining
duplicate accounts.

- A **move** changes the learner's village (a mutable field of the learner's record, which only
  its home server may change: docs/sync.md) and records a `moved` event (the history). The
  learner keeps one account, so their pre- and post-test stay a pair and they count once, in
  the village they are in now.
- A **merge** never rewrites events (they are immutable and carry their origin and number): it
  records a `merged` event on the duplicate, a link "merged into" the account the person keeps.
  Queries follow the links (`merge_links`, `record.joined_to`): the report counts the person once
  with the events of both accounts, and the kept account's pages show both histories. An event
  can be recorded on any server, the district too, and travels like every event.
- **Likely duplicates**: learners whose names match once case, spaces, dots and the Kazakh
  letters that Russian spelling writes otherwise (ә/а, ғ/г, қ/к, ң/н, ө/о, ұ/у, ү/у, һ/х, і/и,
  ё/е) are set aside. The account holds no birth date or other personal detail, and this needs
  none: the coordinator sees the village, login code, date made and tests taken, asks the
  person, and confirms.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from .extensions import db
from .models import Event, Role, User, Village
from .progress import record
from .progress.kinds import EventKind

FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
                      "ё": "е", ".": " ", ",": " ", "-": " "})


def name_key(name: str) -> str:
    return " ".join(name.casefold().translate(FOLD).split())


def merge_links() -> dict:
    """Duplicate account id -> the id of the account the person keeps (links followed to the
    end). Links that would make a loop (two servers merging each way at once) are left out, in
    the (origin, number) order of their events, the same on every server."""
    direct: dict = {}
    rows = db.session.execute(db.select(Event.user_id, Event.payload).where(Event.kind == EventKind.MERGED)
                              .order_by(Event.origin, Event.seq))
    for user_id, payload in rows:
        try:
            into = uuid.UUID(str((payload or {}).get("into")))
        except ValueError:
            continue
        if user_id in direct or _ends(direct, into) == user_id:
            continue  # merged already, or a loop
        direct[user_id] = into
    return {uid: _ends(direct, uid) for uid in direct}


def _ends(direct: dict, uid):
    seen = set()
    while uid in direct and uid not in seen:
        seen.add(uid)
        uid = direct[uid]
    return uid


class MoveRefused(Exception):
    """The learner's record lives on another server (a move there is not built yet)."""


def move(learner: User, village: Village, by: User, class_id=None) -> None:
    """Move a learner to `village` (the caller commits)."""
    from .sync import stamp

    if not stamp.is_home(learner):
        raise MoveRefused(str(learner.home))
    old = learner.village_id
    learner.village = village
    db.session.flush()
    record.record_move(learner, old, village.id, by, class_id)


@dataclass(frozen=True)
class Account:
    user: User
    village: Village | None
    tests: int  # tests taken
    events: int


def likely_duplicates(villages: list[Village]) -> list[list[Account]]:
    """Groups of learner accounts of these villages with the same folded name, not merged yet."""
    links = merge_links()
    learners = [u for u in db.session.scalars(db.select(User).where(
        User.role == Role.LEARNER, User.village_id.in_([v.id for v in villages]))) if u.id not in links]
    groups: dict = defaultdict(list)
    for u in learners:
        groups[name_key(u.name)].append(u)
    found = [g for g in groups.values() if len(g) > 1]
    ids = [u.id for g in found for u in g]
    counts: dict = defaultdict(lambda: [0, 0])
    if ids:
        for user_id, kind, n in db.session.execute(
                db.select(Event.user_id, Event.kind, db.func.count()).where(Event.user_id.in_(ids))
                .group_by(Event.user_id, Event.kind)):
            counts[user_id][1] += n
            if kind == EventKind.TEST_TAKEN:
                counts[user_id][0] += n
    return [sorted((Account(u, u.village, *counts[u.id]) for u in g), key=lambda a: str(a.user.created_at))
            for g in sorted(found, key=lambda g: name_key(g[0].name))]


def merge_plan(villages: list[Village], keep_id: str, drop_ids: list[str]) -> tuple[Account | None, list[Account]]:
    """The kept account and those to join to it, from one group of likely duplicates (else None)."""
    for group in likely_duplicates(villages):
        keep = next((a for a in group if str(a.user.id) == keep_id), None)
        drops = [a for a in group if str(a.user.id) in set(drop_ids) and a is not keep]
        if keep is not None and drops:
            return keep, drops
    return None, []


def merge(keep_id: str, drop_ids: list[str], by: User, villages: list[Village]) -> tuple[User | None, list[User]]:
    """Join the accounts `drop_ids` to `keep_id` (all learners of `villages`, none merged yet)."""
    allowed = {v.id for v in villages}
    links = merge_links()

    def learner(uid):
        try:
            found = db.session.get(User, uuid.UUID(str(uid)))
        except ValueError:
            return None
        ok = found is not None and found.role == Role.LEARNER and found.village_id in allowed and found.id not in links
        return found if ok else None

    keep = learner(keep_id)
    drops: list[User] = []
    for d in (learner(i) for i in drop_ids):  # an id sent twice is joined once
        if d is not None and keep is not None and d.id != keep.id and d not in drops:
            drops.append(d)
    if keep is None or not drops:
        return None, []
    for d in drops:
        record.record_merge(d, keep, by)
    db.session.commit()
    return keep, drops
