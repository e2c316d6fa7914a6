"""Account rules: login codes, PINs, registration and sign-in checks. No Flask request here."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from ..models import Role, User, Village, get_by_id
from ..models.people import hash_secret
from ..text import NAME_MAX
from . import login_sessions

CODE_RE = re.compile(r"^[0-9a-zа-яёәғқңөұүһі]{3,20}$")
PIN_RE = re.compile(r"^[0-9]{4}$")
WEAK_PINS = {"0123", "1234", "2345", "3456", "4567", "5678", "6789", "9876", "8765", "7654",
             "6543", "5432", "4321", "3210"} | {d * 4 for d in "0123456789"}


def normalise_code(code: str) -> str:
    """Login codes ignore case and spaces ('AB 12' and 'ab12' are the same code)."""
    return re.sub(r"\s+", "", code or "").lower()


def new_login_code(village: Village | None = None) -> str:
    """A fresh 6-digit code: digits are easy to type on any keyboard layout and phone.

    Servers make codes offline, so each makes them in its own part of the code space (docs/sync.md):
    a village server starts them with its village's prefix (10–89, given by the district), the
    district server with 9, so two servers never make the same code. Uniqueness on this server is
    checked here; a code a person chose may still clash at a sync, which holds it (sync/exchange.py).
    """
    from ..sync.node import this_node

    prefix = village.code_prefix if village is not None and this_node().role == "village" else None
    while True:
        if prefix is not None:
            code = f"{prefix:02d}{secrets.randbelow(10000):04d}"
        else:
            code = f"9{secrets.randbelow(100000):05d}"
        if not db.session.scalar(db.select(User.id).where(User.login_code == code)):
            return code


def new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(10000):04d}"
        if pin not in WEAK_PINS:
            return pin


def pin_problem(pin: str, again: str | None = None):
    """A message when the PIN cannot be used, else None."""
    if not PIN_RE.match(pin or ""):
        return _l("The PIN must be exactly 4 digits.")
    if pin in WEAK_PINS:
        return _l("This PIN is too easy to guess. Choose 4 other digits.")
    if again is not None and again != pin:
        return _l("The two PINs are not the same.")
    return None


def register_learner(name: str, village_id: str, code: str, pin: str, pin_again: str,
                     language: str, consent: bool, join=None) -> tuple[User | None, dict]:
    """Create a learner; returns (user, {}) or (None, {field: message}).

    `join`: the class whose poster led here (outreach.schedule.open_class). The learner joins it
    when they live in its village and this server is the class's home (the one that changes it).
    """
    errors: dict = {}
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= NAME_MAX:
        errors["name"] = _l("Write your name (at least 2 letters).")
    village = get_by_id(Village, village_id)
    if village is None:
        errors["village"] = _l("Choose your village from the list.")
    code = normalise_code(code)
    if code:
        if not CODE_RE.match(code):
            errors["code"] = _l("The login code may have 3 to 20 letters or digits, without spaces or signs.")
        elif db.session.scalar(db.select(User.id).where(User.login_code == code)):
            errors["code"] = _l("This login code is taken. Choose another one or leave the field empty.")
    problem = pin_problem(pin)
    if problem:
        errors["pin"] = problem
    if pin_again != pin:  # told together with a weak PIN, not after it is fixed
        errors["pin_again"] = _l("The two PINs are not the same.")
    if not consent:
        errors["consent"] = _l("Tick the box to agree, or ask your trainer.")
    if errors:
        return None, errors
    user = new_learner(name, village, login_code=code, pin=pin, language=language)
    if join is not None and joins_class(join, village):
        join.learners.append(user)
    try:
        db.session.commit()
    except IntegrityError:  # someone took the same code a moment ago
        db.session.rollback()
        return None, {"code": _l("This login code is taken. Choose another one or leave the field empty.")}
    return user, {}


def joins_class(cls, village: Village | None) -> bool:
    """Does a person of `village` who registers from the class's link join the class here?"""
    from ..sync import stamp

    return village is not None and cls.village_id == village.id and stamp.is_home(cls)


def new_learner(name: str, village: Village | None, *, login_code: str = "", pin: str | None = None,
                secret_hash: str | None = None, language: str = DEFAULT_LANGUAGE) -> User:
    """Add a learner account to the session (the caller commits): the one place a learner is made,
    whether they register themselves, a trainer registers them, or the demo invents them.

    `pin` is hashed here; `secret_hash` takes a hash made already (the demo's shared PIN, hashed
    once). Without a login code, a fresh one is given.
    """
    user = User(role=Role.LEARNER, name=name, login_code=login_code or new_login_code(village), village=village,
                language=language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if pin is not None:
        user.set_secret(pin)
    elif secret_hash is not None:
        user.secret_hash = secret_hash
    else:
        raise ValueError("a new learner needs a PIN")
    db.session.add(user)
    return user


def check_learner(code: str, pin: str) -> User | None:
    user = db.session.scalar(db.select(User).where(User.login_code == normalise_code(code),
                                                   User.role == Role.LEARNER))
    if user is not None and user.active and user.check_secret(pin or ""):
        return user
    return None


def check_staff(username: str, password: str) -> User | None:
    user = db.session.scalar(db.select(User).where(User.username == (username or "").strip().lower(),
                                                   User.role.in_([Role.TRAINER, Role.COORDINATOR])))
    if user is not None and user.active and user.check_secret(password or ""):
        return user
    return None


def create_staff(username: str, name: str, role: str, password: str, village_ids=()) -> User:
    """Make a trainer or coordinator account (used by `flask user create` and the demo)."""
    if role not in (Role.TRAINER, Role.COORDINATOR):
        raise ValueError(f"role must be trainer or coordinator, not {role!r}")
    username = username.strip().lower()
    if not re.match(r"^[a-z0-9._-]{3,60}$", username):
        raise ValueError("username: 3-60 Latin letters, digits, '.', '_' or '-'")
    if len(password) < 10:
        raise ValueError("password: at least 10 characters")
    if db.session.scalar(db.select(User.id).where(User.username == username)):
        raise ValueError(f"username {username!r} is taken")
    user = User(role=role, name=name, username=username)
    user.set_secret(password)
    villages = [db.session.get(Village, v) for v in village_ids]
    if None in villages:
        raise ValueError("no such village")
    user.villages = [v for v in villages if v is not None]
    db.session.add(user)
    db.session.commit()
    return user


def reset_pin(learner: User) -> str:
    """Give a learner a new random PIN and return it (shown once, to print or tell).

    A learner registered on another server (a village's, seen here on the district) is changed
    only there (docs/sync.md): this server sends that server a request, and meanwhile lets the
    new PIN work here at once, so that a learner at home is not locked out until the next sync.
    """
    from sqlalchemy import update

    from ..models import ChangeRequest
    from ..sync import stamp

    pin = new_pin()
    if stamp.is_home(learner):
        learner.set_secret(pin)
    else:
        hashed = hash_secret(pin)
        db.session.add(ChangeRequest(user_id=learner.id, kind="new_pin", payload={"secret_hash": hashed}))
        # here only, until the home server's next version of the record (with this PIN) arrives
        db.session.execute(update(User.__table__).where(User.__table__.c.id == learner.id).values(secret_hash=hashed))
        db.session.expire(learner, ["secret_hash"])
    login_sessions.end_all_of(learner)  # whoever knew the old PIN is signed out
    db.session.commit()
    return pin


def new_code(learner: User) -> str:
    """Give a learner a new login code and return it (for a new card). For a learner whose code
    was another person's on a server they synced with (held without a code there), or a lost card.

    As with a new PIN, a learner kept by another server gets the code here at once, and a request
    carries it to their home server, which makes it its own change (docs/sync.md)."""
    from sqlalchemy import update

    from ..models import ChangeRequest
    from ..sync import stamp

    code = new_login_code(learner.village)
    if stamp.is_home(learner):
        learner.login_code = code
    else:
        db.session.add(ChangeRequest(user_id=learner.id, kind="new_code", payload={"login_code": code}))
        db.session.execute(update(User.__table__).where(User.__table__.c.id == learner.id).values(login_code=code))
        db.session.expire(learner, ["login_code"])
    db.session.commit()
    return code


def kept_elsewhere(learner: User) -> bool:
    """Is this learner's account kept by another server (a change here is a request to it)?"""
    from ..sync import stamp

    return not stamp.is_home(learner)
