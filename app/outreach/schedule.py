"""Upcoming classes for the public schedule and the posters, and the link a poster's QR code
holds. Reads only; nothing here names a learner or counts named people."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import segno
from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup
from sqlalchemy import func

from ..content.model import Course
from ..extensions import db
from ..i18n import alphabetical
from ..models import SyncNode, TrainingClass, Village, get_by_id


def upcoming_classes(today: date | None = None) -> list[TrainingClass]:
    """Classes not over yet (their second day is today or later), soonest first."""
    today = today or date.today()
    return list(db.session.scalars(
        db.select(TrainingClass).where(TrainingClass.day2 >= today).order_by(TrainingClass.day1, TrainingClass.level)))


@dataclass(frozen=True)
class VillageClasses:
    village: Village
    classes: list


def schedule(lang: str, today: date | None = None) -> list[VillageClasses]:
    """The public schedule: by village (alphabetical in `lang`), each village's classes soonest first."""
    by_village: dict[uuid.UUID, list[TrainingClass]] = {}
    for cls in upcoming_classes(today):
        by_village.setdefault(cls.village_id, []).append(cls)
    groups = [VillageClasses(classes[0].village, classes) for classes in by_village.values()]
    return sorted(groups, key=lambda g: alphabetical(g.village.name(lang)))


def open_class(class_id: str | None, today: date | None = None) -> TrainingClass | None:
    """The class a registration link names, if it exists and is not over; else None (the plain form)."""
    cls = get_by_id(TrainingClass, class_id)
    if cls is None or cls.day2 < (today or date.today()):
        return None
    return cls


def poster_problem(cls: TrainingClass, today: date | None = None) -> str | None:
    """Why no poster can be made for this class ("over", "no_venue"), or None."""
    if cls.day2 < (today or date.today()):
        return "over"
    if not (cls.venue or "").strip():
        return "no_venue"
    return None


def planned_seats(village_ids, today: date | None = None) -> dict[uuid.UUID, tuple[int, int, int]]:
    """Per village: (classes planned, their seats, classes without a number of seats), for
    classes not over yet."""
    today = today or date.today()
    rows = db.session.execute(
        db.select(TrainingClass.village_id, func.count(), func.coalesce(func.sum(TrainingClass.seats), 0),
                  func.count() - func.count(TrainingClass.seats))
        .where(TrainingClass.village_id.in_(list(village_ids)), TrainingClass.day2 >= today)
        .group_by(TrainingClass.village_id))
    return {village_id: (int(n), int(seats), int(unknown)) for village_id, n, seats, unknown in rows}


def lesson_titles(course: Course, cls: TrainingClass, lang: str) -> list[str]:
    """What the class teaches, in plain words: its level's lesson titles."""
    level = course.level(cls.level)
    return [lesson.variant(lang).title for lesson in level.lessons] if level else []


def server_address(cls: TrainingClass) -> str:
    """The address residents open to register for this class: the class's own server (where it
    can take new learners), as that server is known here; else this server's PUBLIC_URL; else
    the address this page was asked at."""
    from ..sync.node import this_node_id

    if cls.home is not None and cls.home != this_node_id():
        node = db.session.get(SyncNode, cls.home)
        if node is not None and node.url:
            return node.url.rstrip("/")
    configured = (current_app.config.get("PUBLIC_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def registration_url(cls: TrainingClass, lang: str) -> str:
    """The link in the poster's QR code: the registration form for this class, in `lang`."""
    path = url_for("auth.register")
    return f"{server_address(cls)}{path}?{urlencode({'class': str(cls.id), 'lang': lang})}"


def is_local_address(url: str) -> bool:
    """An address only this computer can open (the QR would not work on a phone)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as an inline SVG (segno, made here: no outside service). Error
    correction M survives a crease or a smudge on a printed sheet."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=1, border=4, xmldecl=False,
                                                  svgclass="qr", lineclass=None, omitsize=True)
    return Markup(out.getvalue().decode("ascii"))  # noqa: S704  (segno's own markup: only path data)
