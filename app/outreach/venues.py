"""Venue facts per village: read them for the report, and the trainer's form to fill them in.
No request objects here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date

from flask_babel import lazy_gettext as _l

from ..auth.roles import visible_villages
from ..extensions import db
from ..models import InternetKind, User, Venue, Village
from ..sync import stamp
from ..text import clean_name, without_control

MAX_COMPUTERS = 500
MAX_MBPS = 10000.0
NOTES_MAX = 2000
TEXT_MAX = 200


def venues_of(village_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Venue]:
    ids = list(village_ids)
    if not ids:
        return {}
    return {v.village_id: v for v in db.session.scalars(db.select(Venue).where(Venue.village_id.in_(ids)))}


def village_for(user: User, village_id: str) -> Village | None:
    """The village, if `user` may fill in its venue (else None, for a 404)."""
    return next((v for v in visible_villages(user) if str(v.id) == village_id), None)


def _number(text: str, kind, low, high):
    text = (text or "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None, False
    try:
        value = kind(text)
    except ValueError:
        return None, True
    return (value, False) if low <= value <= high else (None, True)


def save_venue(village: Village, form: Mapping[str, str]) -> tuple[Venue | None, dict]:
    """Check and store the venue facts of `village`: (venue, {}) or (None, {field: message})."""
    errors: dict = {}
    computers, bad = _number(form.get("computers", ""), int, 0, MAX_COMPUTERS)
    if bad:
        errors["computers"] = _l("Write the number of working computers, from 0 to %(max)d.", max=MAX_COMPUTERS)
    mbps, bad = _number(form.get("internet_mbps", ""), float, 0, MAX_MBPS)
    if bad:
        errors["internet_mbps"] = _l("Write the speed in Mbit/s as a number, e.g. 4.5, or leave it empty.")
    projector = {"yes": True, "no": False, "": None}.get(form.get("projector", ""), "bad")
    if projector == "bad":
        errors["projector"] = _l("Choose yes, no or not known.")
    internet = form.get("internet", "")
    if internet not in [k.value for k in InternetKind] + [""]:
        errors["internet"] = _l("Choose the kind of internet from the list.")
    checked_on = None
    if form.get("checked_on", "").strip():
        try:
            checked_on = date.fromisoformat(form["checked_on"].strip())
        except ValueError:
            errors["checked_on"] = _l("Give the date as on a calendar, e.g. 2026-11-30.")
    place, contact = clean_name(form.get("place", "")), clean_name(form.get("contact", ""))
    notes = without_control(form.get("notes") or "").strip()
    if len(place) > TEXT_MAX or len(contact) > TEXT_MAX:
        errors["contact" if len(contact) > TEXT_MAX else "place"] = _l("At most %(max)d characters.", max=TEXT_MAX)
    if len(notes) > NOTES_MAX:
        errors["notes"] = _l("At most %(max)d characters.", max=NOTES_MAX)
    venue = db.session.scalar(db.select(Venue).where(Venue.village_id == village.id))
    if venue is not None and not stamp.is_home(venue):
        errors["place"] = _l("These facts were entered on another server: change them there.")
    if errors:
        return None, errors
    if venue is None:
        venue = Venue(village_id=village.id)
        db.session.add(venue)
    venue.place, venue.computers, venue.projector = place, computers, projector
    venue.internet, venue.internet_mbps = internet or None, mbps
    venue.internet_measured = mbps is not None and form.get("internet_measured") == "measured"
    venue.contact, venue.notes, venue.checked_on = contact, notes, checked_on
    db.session.commit()
    return venue, {}
