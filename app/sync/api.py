"""The district's sync endpoint: a village server POSTs a bundle and gets one back.

Authentication is the bundle itself (signed by an enrolled key, sealed to ours), so this route
needs no session and no CSRF token; anything else is refused before it touches the database.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..extensions import csrf, db
from . import exchange, lock
from .bundle import BundleError
from .node import this_node

bp = Blueprint("sync_api", __name__)
csrf.exempt(bp)

BUNDLE_TYPE = "application/x-auyl-bundle"


@bp.get("/ping")
def ping():
    """For measuring the round trip; says nothing about the server but its node id."""
    return jsonify(node=str(this_node().node_id))


@bp.post("/exchange")
def exchange_bundles():
    data = request.get_data(cache=False)
    try:
        exchange.verify(data, route="network")  # junk is refused before it can take the lock or be logged
    except (BundleError, exchange.SyncError) as exc:
        return _refuse(400, exc.code, exc.detail)
    try:
        with lock.exclusive():
            applied = exchange.apply_logged(data, route="network")
            reply, records, events = exchange.export_for(applied.sender, seal=True,
                                                         limit=current_app.config["SYNC_BATCH_EVENTS"])
            exchange.log_attempt(applied.sender, route="network", direction="send", records=records, events=events,
                                 size=len(reply))
    except lock.Busy:
        return _refuse(423, "busy", "another sync is running on the district server")
    except (BundleError, exchange.SyncError) as exc:
        return _refuse(409 if exc.code in ("code_clash", "schema_differs") else 400, exc.code, exc.detail)
    finally:
        db.session.remove()
    return Response(reply, mimetype=BUNDLE_TYPE, headers={"X-Auyl-Events": str(events), "X-Auyl-Records": str(records)})


def _refuse(status: int, code: str, detail: str):
    """The refusal's code (the client shows its own message for it, in its user's language)."""
    response = jsonify(error=code, detail=detail)
    response.status_code = status
    return response
