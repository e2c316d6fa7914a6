"""Classes: open one, register its learners (one by one or from a CSV list), print their
cards, mark attendance, open a class session on a shared computer. No request objects here."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from .. import people
from ..auth import accounts, login_sessions
from ..auth.roles import visible_villages
from ..csv_import import read_csv
from ..extensions import db
from ..i18n import alphabetical
from ..models import Attendance, ClassSession, Role, TrainingClass, User, Village, class_learners, get_by_id
from ..sync import stamp
from ..text import NAME_MAX, clean_name

# The cookie that makes a village-centre computer a class's sign-in point (holds the session token).
CLASS_COOKIE = "auyl_class"
MAX_SEATS = 200  # places in one class (a hall); more is a typing mistake


def visible_classes(user: User) -> list[TrainingClass]:
    ids = [v.id for v in visible_villages(user)]
    return list(db.session.scalars(
        db.select(TrainingClass).where(TrainingClass.village_id.in_(ids)).order_by(TrainingClass.day1.desc())))


def class_sizes(shown: list[TrainingClass]) -> dict:
    """Class id -> number of learners, for many classes in one query."""
    if not shown:
        return {}
    counts = db.session.execute(
        db.select(class_learners.c.class_id, func.count()).where(class_learners.c.class_id.in_([c.id for c in shown]))
        .group_by(class_learners.c.class_id))
    return {c.id: 0 for c in shown} | {class_id: n for class_id, n in counts}


def class_for(user: User, class_id: str) -> TrainingClass | None:
    """The class, if `user` may see it (else None, for a 404)."""
    cls = get_by_id(TrainingClass, class_id)
    if cls is None or cls.village_id not in {v.id for v in visible_villages(user)}:
        return None
    return cls


def create_class(user: User, form: dict, level_ids: list[str]) -> tuple[TrainingClass | None, dict]:
    errors: dict = {}
    allowed = {str(v.id): v for v in visible_villages(user)}
    village = allowed.get(form.get("village", ""))
    if village is None:
        errors["village"] = _l("Choose one of your villages.")
    if form.get("level") not in level_ids:
        errors["level"] = _l("Choose a level.")
    days = []
    for key in ("day1", "day2"):
        try:
            days.append(date.fromisoformat(form.get(key, "")))
        except ValueError:
            errors[key] = _l("Give the date as on a calendar, e.g. 2026-11-30.")
    if len(days) == 2 and days[1] < days[0]:
        errors["day2"] = _l("The second day cannot be before the first.")
    venue = " ".join((form.get("venue") or "").split())
    if not 2 <= len(venue) <= 200:
        errors["venue"] = _l("Write where the class takes place.")
    seats = None
    if (form.get("seats") or "").strip():
        try:
            seats = int(form["seats"].strip())
        except ValueError:
            seats = -1
        if not 1 <= seats <= MAX_SEATS:
            errors["seats"] = _l("Write the number of seats, from 1 to %(max)d, or leave it empty.", max=MAX_SEATS)
    bring = clean_name(form.get("bring", ""))
    if len(bring) > 200:
        errors["bring"] = _l("At most %(max)d characters.", max=200)
    if errors:
        return None, errors
    cls = TrainingClass(village=village, level=form["level"], day1=days[0], day2=days[1], venue=venue,
                        trainer_id=user.id, seats=seats, bring=bring or None)
    db.session.add(cls)
    db.session.commit()
    return cls, {}


def _name_key(name: str) -> str:
    """Names compare without case and extra spaces ("АЙГҮЛ  Сейт" is "Айгүл Сейт")."""
    return " ".join(name.split()).casefold()


def _check_row(cls: TrainingClass, name: str, code: str, names: set[str], codes: set[str]):
    """What one person's line means: ("new", None), ("existing", learner) or ("problem", message).

    A login code that belongs to a learner of this village enrols that person (e.g. after the
    Elementary class, in the Intermediate one): one resident, one account, counted once.
    `names` holds the name keys already in the class or earlier in the list, `codes` the codes
    earlier in the list: sets, so that a long list is checked in linear time.
    """
    existing = db.session.scalar(db.select(User).where(User.login_code == code)) if code else None
    if existing is not None:
        if existing.role != Role.LEARNER:
            return "problem", _l("The login code %(code)s belongs to someone in another village.", code=code)
        if existing.village_id != cls.village_id:
            # One person, one account: a learner of another village moves here (after a confirmation).
            return "move", existing
        if existing in cls.learners or code in codes:
            return "problem", _l("%(name)s is listed twice or is already in this class.", name=existing.name)
        return "existing", existing
    if not 2 <= len(name) <= NAME_MAX:
        return "problem", _l("The name is missing, too short or too long.")
    if _name_key(name) in names:
        return "problem", _l("%(name)s is listed twice or is already in this class.", name=name)
    if code and (not accounts.CODE_RE.match(code) or code in codes):
        return "problem", _l("The login code %(code)s cannot be used: it is taken or has signs in it.", code=code)
    return "new", None


@dataclass(frozen=True)
class MoveAsked:
    """The login code belongs to a learner of another village: move them here? Only with their
    PIN, typed by the learner, who is present: a code alone shows no one's name or village."""

    learner: User
    village: Village | None  # where they are now
    wrong_pin: bool = False


def add_learner(cls: TrainingClass, name: str, code: str = "", language: str = "kk", *, trainer: User | None = None,
                move: bool = False, pin: str = "") -> tuple[tuple[User, str | None] | None, str | MoveAsked | None]:
    """Register one person in the class: ((learner, new PIN or None), None) or (None, message).

    With the login code of a learner of this village, that learner joins the class (no new PIN).
    With the code of a learner of another village: (None, MoveAsked) until `move` confirms it with
    the learner's own `pin`; then the learner moves to the class's village (app/people.py) and
    joins the class.
    """
    name, code = clean_name(name), accounts.normalise_code(code)
    kind, found = _check_row(cls, name, code, _names_in(cls), set())
    if kind == "problem":
        return None, str(found)
    if kind == "move":
        if not move or trainer is None:
            return None, MoveAsked(found, found.village)
        if not found.check_secret(pin):
            return None, MoveAsked(found, found.village, wrong_pin=True)
        try:
            people.move(found, cls.village, trainer, cls.id)
        except people.MoveRefused:
            db.session.rollback()
            return None, str(_l("%(name)s's account is kept on another server: a move between servers is not "
                                "possible yet. Ask the district coordinator.", name=found.name))
        cls.learners.append(found)
        db.session.commit()
        return (found, None), None
    if kind == "existing":
        cls.learners.append(found)
        db.session.commit()
        return (found, None), None
    learner, pin = _new_learner(cls, name, code, language)
    db.session.commit()
    return (learner, pin), None


def _names_in(cls: TrainingClass) -> set[str]:
    return {_name_key(lr.name) for lr in cls.learners}


def _new_learner(cls: TrainingClass, name: str, code: str, language: str = "kk") -> tuple[User, str]:
    """A new account; `language` is the one of its pages and of its sign-in sheet."""
    pin = accounts.new_pin()
    learner = accounts.new_learner(name, cls.village, login_code=code, pin=pin, language=language)
    cls.learners.append(learner)
    db.session.flush()
    return learner, pin


def import_learners(cls: TrainingClass, data: bytes) -> tuple[list[tuple[User, str | None]], list[tuple[int, str]]]:
    """Register a CSV list (columns `name`, optional `login_code` and `village`): all of it, or nothing."""
    result = read_csv(data, required=("name",), optional=("login_code", "village"),
                      max_rows=current_app.config["CSV_MAX_ROWS"])
    own_names = {cls.village.name_kk.casefold(), cls.village.name_ru.casefold()}
    problems = [(line, str(message)) for line, message in result.problems]
    names = _names_in(cls)
    codes: set[str] = set()
    plan = []
    for row in result.rows:
        name, code = clean_name(row["name"]), accounts.normalise_code(row.get("login_code", ""))
        village = clean_name(row.get("village", ""))
        if village and village.casefold() not in own_names:
            problems.append((row["_line"], str(_l("Unknown village %(given)s: this class is in %(village)s.",
                                                  given=village, village=cls.village.name_kk))))
        kind, found = _check_row(cls, name, code, names, codes)
        if kind == "problem":
            problems.append((row["_line"], str(found)))
        elif kind == "move":
            problems.append((row["_line"], str(_l(
                "The login code %(code)s belongs to a learner of another village: add that person on their own, "
                "with the form above, to move them to this class.", code=code))))
        plan.append((kind, found, name, code))
        names.add(_name_key(name))
        if code:
            codes.add(code)
    if problems:
        return [], sorted(problems)
    done: list[tuple[User, str | None]] = []
    for kind, found, name, code in plan:
        if kind == "existing":
            cls.learners.append(found)
            done.append((found, None))
        else:
            done.append(_new_learner(cls, name, code))
    db.session.commit()
    return done, []


def roster(cls: TrainingClass) -> list[User]:
    """The class's learners in Kazakh alphabetical order (grid, attendance, sheets)."""
    return sorted(cls.learners, key=lambda lr: (alphabetical(lr.name), lr.login_code))


def chosen_learners(cls: TrainingClass, learner_ids: list[str], everyone: bool = False) -> list[User]:
    """The learners of this class a trainer ticked (ids of other people are ignored)."""
    wanted = set(learner_ids)
    return [lr for lr in roster(cls) if everyone or str(lr.id) in wanted]


def sheets(learners: list[User], new_pins: bool) -> list[tuple[User, str | None]]:
    """Sign-in sheets for `learners`: with a new PIN each, or again without one.

    PINs are stored hashed, so a sheet printed again cannot show the PIN the learner has; it
    says so, and the learner keeps signing in with it. New PINs end the old ones at once.
    """
    if not new_pins:
        return [(learner, None) for learner in learners]
    cards: list[tuple[User, str | None]] = []
    for learner in learners:
        pin = accounts.new_pin()
        learner.set_secret(pin)
        login_sessions.end_all_of(learner)  # whoever knew the old PIN is signed out
        cards.append((learner, pin))
    db.session.commit()
    return cards


def attendance_of(cls: TrainingClass) -> set[tuple[uuid.UUID, int]]:
    return {(a.user_id, a.day) for a in db.session.scalars(db.select(Attendance).where(Attendance.class_id == cls.id))}


def set_attendance(cls: TrainingClass, present: set[tuple[str, int]]) -> None:
    """Replace the class's attendance with `present` (learner id, day) pairs."""
    members = {str(lr.id): lr.id for lr in cls.learners}
    wanted = {(members[uid], day) for uid, day in present if uid in members and day in (1, 2)}
    current = {(a.user_id, a.day): a for a in db.session.scalars(db.select(Attendance).where(Attendance.class_id == cls.id))}
    for key, row in current.items():
        if key not in wanted:
            db.session.delete(row)
    for user_id, day in wanted - set(current):
        db.session.add(Attendance(class_id=cls.id, user_id=user_id, day=day))
    stamp.touch(cls)  # attendance travels with its class (docs/sync.md)
    db.session.commit()


def open_session(cls: TrainingClass, trainer: User) -> ClassSession:
    opened = ClassSession(class_id=cls.id, token=secrets.token_urlsafe(32), opened_by=trainer.id)
    db.session.add(opened)
    db.session.commit()
    return opened


def close_sessions(cls: TrainingClass) -> int:
    now = datetime.now(UTC)
    open_ones = db.session.scalars(db.select(ClassSession).where(ClassSession.class_id == cls.id,
                                                                 ClassSession.closed_at.is_(None))).all()
    for s in open_ones:
        s.closed_at = now
    login_sessions.end_for_class_sessions(s.id for s in open_ones)  # learners signed in there
    db.session.commit()
    return len(open_ones)


def session_by_token(token: str | None) -> ClassSession | None:
    """The open class session this computer holds, if it is still open."""
    if not token:
        return None
    found = db.session.scalar(db.select(ClassSession).where(ClassSession.token == token))
    if found is None or found.closed_at is not None:
        return None
    opened = found.opened_at if found.opened_at.tzinfo else found.opened_at.replace(tzinfo=UTC)
    if datetime.now(UTC) - opened > timedelta(hours=ClassSession.HOURS):
        return None
    return found

