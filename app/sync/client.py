"""A village server's side of a sync over the network: push what the district lacks and pull
what this server lacks, in rounds of at most SYNC_BATCH_EVENTS events, until both are level.

Each round is applied and committed on both sides before the next, so a dropped link loses at
most the round in flight, and the next `flask sync now` goes on from there (never from zero).
Every attempt is recorded with its measured round trip and throughput: the internet monitor.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from ..models import SyncNode
from . import exchange
from .api import BUNDLE_TYPE


class LinkError(Exception):
    """The district could not be reached, or answered with a refusal (`code`)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.detail = message


@dataclass
class Totals:
    sent_events: int = 0
    sent_records: int = 0
    got_events: int = 0
    got_records: int = 0
    bytes: int = 0
    rounds: int = 0
    round_trip_ms: float | None = None


def _post(url: str, data: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": BUNDLE_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read() or b"{}")
        except ValueError:
            body = {}
        raise LinkError(body.get("error", f"http_{exc.code}"), body.get("detail", str(exc))) from exc
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:  # incl. a cut-off reply
        raise LinkError("unreachable", f"the district server cannot be reached: {getattr(exc, 'reason', exc)}") from exc


def round_trip_ms(base: str, timeout: float) -> float:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base}/sync/api/ping", timeout=timeout) as response:
            response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LinkError("unreachable", f"the district server cannot be reached: {getattr(exc, 'reason', exc)}") from exc
    return (time.monotonic() - started) * 1000


def sync_now(district: SyncNode, progress: Callable[[Totals], None] | None = None) -> Totals:
    base = (district.url or "").rstrip("/")
    if not base:
        raise LinkError("no_url", "the district server's address is not set (flask sync enrol --url …)")
    limit, timeout = current_app.config["SYNC_BATCH_EVENTS"], current_app.config["SYNC_TIMEOUT_SECONDS"]
    totals = Totals()
    started = time.monotonic()
    try:
        totals.round_trip_ms = round_trip_ms(base, timeout)
        while True:
            data, records, events = exchange.export_for(district, seal=True, limit=limit)
            reply = _post(f"{base}/sync/api/exchange", data, timeout)
            applied = exchange.apply(reply, route="network")
            totals.rounds += 1
            totals.sent_events += events
            totals.sent_records += records
            totals.got_events += applied.events_new
            totals.got_records += applied.records_new
            totals.bytes += len(data) + len(reply)
            if progress:
                progress(totals)
            got_all = applied.events_new + applied.events_known < limit
            if events < limit and got_all:
                break
    except (LinkError, exchange.SyncError, exchange.BundleError) as exc:
        exchange.log_attempt(district, route="network", direction="both", ok=False, error=exc.code, detail=str(exc.detail)[:500],
                             records=totals.sent_records + totals.got_records, events=totals.sent_events + totals.got_events,
                             size=totals.bytes, seconds=time.monotonic() - started, round_trip_ms=totals.round_trip_ms)
        raise
    exchange.log_attempt(district, route="network", direction="both", records=totals.sent_records + totals.got_records,
                         events=totals.sent_events + totals.got_events, size=totals.bytes,
                         seconds=time.monotonic() - started, round_trip_ms=totals.round_trip_ms)
    return totals
