"""Trainer accounts as the coordinator manages them: list, create, assign villages.
No request objects here (the views in `district.views` parse and render)."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import selectinload

from ..auth import accounts
from ..auth.roles import visible_villages
from ..extensions import db
from ..i18n import alphabetical
from ..models import Role, User, get_by_id


def all_trainers() -> list[User]:
    """Every trainer with their villages (loaded in one more query, not one per trainer), by name."""
    found = db.session.scalars(db.select(User).where(User.role == Role.TRAINER)
                               .options(selectinload(User.villages)))
    return sorted(found, key=lambda u: alphabetical(u.name))


def create_trainer(username: str, name: str) -> tuple[User | None, str | None]:
    """A new trainer account with a generated password, to be shown once and passed on in
    person: (trainer, password), or (None, None) when the username cannot be used."""
    password = secrets.token_urlsafe(9)
    try:
        trainer = accounts.create_staff(username, " ".join(name.split()), Role.TRAINER, password)
    except ValueError:
        return None, None
    return trainer, password


def set_villages(coordinator: User, trainer_id: str, chosen: set[str]) -> User | None:
    """Give a trainer exactly the chosen villages (of those the coordinator sees); None when
    there is no such trainer (a 404)."""
    trainer = get_by_id(User, trainer_id)
    if trainer is None or trainer.role != Role.TRAINER:
        return None
    trainer.villages = [v for v in visible_villages(coordinator) if str(v.id) in chosen]
    db.session.commit()
    return trainer
