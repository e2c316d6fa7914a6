"""The sync page for staff: on a village server the trainer syncs (network or USB stick); on
the district the coordinator sees every village server's link and enrols new ones."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import guard_blueprint, visible_villages
from ..extensions import db
from ..i18n import alphabetical
from ..models import Role, SyncNode, Village, get_by_id
from . import client, exchange, lock, monitor, peers
from .bundle import BundleError
from .node import this_node

bp = Blueprint("sync", __name__)
guard_blueprint(bp, Role.TRAINER, Role.COORDINATOR)


@bp.before_request
def _district_is_for_coordinators():
    """On the district, a bundle for any village server holds that village's people: only the
    akimat's coordinators handle them there. On a village server, its trainers sync."""
    from flask import abort

    if this_node().role == "district" and current_user.role != Role.COORDINATOR:
        abort(403)



@bp.get("/")
def index():
    me = this_node()
    villages = sorted(db.session.scalars(db.select(Village)), key=lambda v: alphabetical(v.name_kk))
    return render_template("sync/index.html", me=me, statuses=monitor.peer_statuses(),
                           attempts=monitor.recent_attempts(), villages=villages, messages=exchange.MESSAGES,
                           held=exchange.held_learners(visible_villages(current_user)))


@bp.post("/now")
def now():
    district = db.session.scalar(db.select(SyncNode).where(SyncNode.role == "district", SyncNode.active))
    if district is None:
        flash(_("This server is not enrolled at the district yet."), "error")
        return redirect(url_for("sync.index"))
    try:
        with lock.exclusive():
            totals = client.sync_now(district)
    except lock.Busy:
        flash(str(exchange.MESSAGES["busy"]), "error")
    except (client.LinkError, BundleError, exchange.SyncError) as exc:
        flash(exchange.describe(exc) + " " + _("What was sent before is kept; try again to go on."), "error")
    else:
        flash(_("Synced: %(sent)s answers sent, %(got)s received.", sent=totals.sent_events, got=totals.got_events), "info")
    return redirect(url_for("sync.index"))


@bp.post("/export")
def export():
    peer = get_by_id(SyncNode, request.form.get("peer"))
    if peer is None:
        flash(_("Choose a server first."), "error")
        return redirect(url_for("sync.index"))
    try:
        with lock.exclusive():
            data, records, events = exchange.export_for(peer, seal=True)
            exchange.log_attempt(peer, route="file", direction="send", records=records, events=events, size=len(data))
    except lock.Busy:
        flash(str(exchange.MESSAGES["busy"]), "error")
        return redirect(url_for("sync.index"))
    name = f"auyl-{this_node().role}-to-{peer.role}-{date.today().isoformat()}.auyl"
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.post("/import")
def import_():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose the file from the USB stick first."), "error")
        return redirect(url_for("sync.index"))
    try:
        with lock.exclusive():
            result = exchange.apply_logged(upload.read(), route="file")
    except lock.Busy:
        flash(str(exchange.MESSAGES["busy"]), "error")
    except (BundleError, exchange.SyncError) as exc:
        flash(_("Nothing was loaded.") + " " + exchange.describe(exc), "error")
    else:
        flash(_("Loaded from %(server)s: %(new)s new answers (%(known)s were already here).", server=result.sender.name,
                new=result.events_new, known=result.events_known), "info")
        if result.clashes:
            flash(_("Some learners have the same login code as another person here: see the list below."), "error")
    return redirect(url_for("sync.index"))


@bp.post("/enrol")
def enrol():
    from flask import abort

    if current_user.role != Role.COORDINATOR:  # trust between servers is the akimat's to give
        abort(403)
    form = request.form
    try:
        node = peers.enrol(form.get("node_id", ""), form.get("role", ""), form.get("public_key", ""),
                           " ".join(form.get("name", "").split())[:120] or "?", form.getlist("villages"), form.get("url") or None)
    except peers.EnrolError:
        flash(_("Check the server's id and public key: they are printed by “flask sync identity” on that server."), "error")
    else:
        flash(_("Enrolled: %(name)s.", name=node.name), "info")
    return redirect(url_for("sync.index"))
