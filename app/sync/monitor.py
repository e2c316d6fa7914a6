"""What the sync page shows: per known server, when data last moved and how, what failed and
why, and how the link measured. Read-only; the attempts are written by exchange.log_attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import SyncAttempt, SyncNode


@dataclass
class PeerStatus:
    node: SyncNode
    last_ok: SyncAttempt | None
    last_failure: SyncAttempt | None  # only if it came after the last success
    last_network: SyncAttempt | None  # the latest measured link, worked or not

    @property
    def out_of_date(self) -> timedelta | None:
        """How long since data last moved: None if it never did."""
        if self.last_ok is None:
            return None
        at = self.last_ok.started_at
        return datetime.now(UTC) - (at if at.tzinfo else at.replace(tzinfo=UTC))

    @property
    def kib_per_second(self) -> float | None:
        return throughput(self.last_network)


def throughput(attempt: SyncAttempt | None) -> float | None:
    """KB/s of a sync over the network that worked, as measured; None otherwise."""
    if attempt is None or not attempt.ok or not attempt.seconds or not attempt.bytes:
        return None
    return attempt.bytes / 1024 / attempt.seconds


def peer_statuses() -> list[PeerStatus]:
    nodes = list(db.session.scalars(select(SyncNode).where(SyncNode.active).order_by(SyncNode.name)))
    found = []
    for node in nodes:
        attempts = select(SyncAttempt).where(SyncAttempt.peer_id == node.id).order_by(SyncAttempt.started_at.desc()).limit(1)
        # Data moved here only when something was received (a file saved for the stick proves nothing).
        last_ok = db.session.scalars(attempts.where(SyncAttempt.ok.is_(True),
                                                    SyncAttempt.direction.in_(("receive", "both")))).first()
        last_fail = db.session.scalars(attempts.where(SyncAttempt.ok.is_(False))).first()
        if last_ok and last_fail and last_fail.started_at < last_ok.started_at:
            last_fail = None
        last_net = db.session.scalars(attempts.where(SyncAttempt.route == "network")).first()
        found.append(PeerStatus(node=node, last_ok=last_ok, last_failure=last_fail, last_network=last_net))
    return found


def recent_attempts(limit: int = 20) -> list[SyncAttempt]:
    return list(db.session.scalars(select(SyncAttempt).order_by(SyncAttempt.started_at.desc()).limit(limit)))


@dataclass
class VillageLink:
    """What the district knows of a village's connection, from its server's syncs."""

    village: object  # a Village
    server: SyncNode | None
    last_received: SyncAttempt | None  # data last came from there (by network or by stick)
    last_network: SyncAttempt | None  # the latest sync over the network, worked or not

    @property
    def route(self) -> str:
        """"network", "file" or "never": how this village's data last reached the district."""
        return self.last_received.route if self.last_received else "never"

    @property
    def kib_per_second(self) -> float | None:
        return throughput(self.last_network)


def village_links(villages) -> list[VillageLink]:
    """Per village (in the order given): its server and how its data last arrived. Empty when
    no village server is enrolled here (a single server, or a village server itself)."""
    statuses = {s.node.id: s for s in peer_statuses() if s.node.role == "village"}
    if not statuses:
        return []
    served_by: dict = {}
    for status in statuses.values():
        for village in status.node.villages:
            served_by[village.id] = status
    found = []
    for village in villages:
        serving = served_by.get(village.id)
        found.append(VillageLink(village=village, server=serving.node if serving else None,
                                 last_received=serving.last_ok if serving else None,
                                 last_network=serving.last_network if serving else None))
    return found
