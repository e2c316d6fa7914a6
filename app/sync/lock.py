"""One sync at a time on a server: a second one is refused, never interleaved.

Interleaving would be unsafe: two imports of one origin's events could each move the vector
past batches the other has not committed yet. The lock is a row (it works the same on SQLite
and PostgreSQL and across processes); a holder killed with kill -9 leaves its row behind, so a
lock whose process is gone on this host is taken over, and `flask sync unlock` clears one
left by another host.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SyncLock


class Busy(Exception):
    def __init__(self, holder: str):
        super().__init__(f"another sync is running ({holder})")
        self.holder = holder


def _alive(holder: str) -> bool:
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # cannot tell from here: assume it runs
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def exclusive(name: str = "sync"):
    me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    for attempt in (1, 2):
        try:
            db.session.add(SyncLock(name=name, holder=me))
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
            holder = db.session.scalar(select(SyncLock.holder).where(SyncLock.name == name)) or "?"
            if attempt == 1 and not _alive(holder):
                db.session.execute(delete(SyncLock).where(SyncLock.name == name, SyncLock.holder == holder))
                db.session.commit()
                continue
            raise Busy(holder) from None
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(delete(SyncLock).where(SyncLock.name == name, SyncLock.holder == me))
        db.session.commit()


def unlock(name: str = "sync") -> bool:
    gone = db.session.execute(delete(SyncLock).where(SyncLock.name == name)).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    return bool(gone)
