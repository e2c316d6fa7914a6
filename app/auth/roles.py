"""Who may see what. Every guarded blueprint calls `guard_blueprint` once."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import db, login_manager
from ..i18n import alphabetical
from ..models import Role, User, Village


def guard_blueprint(bp: Blueprint, *roles: Role) -> None:
    """Every view of `bp` needs a signed-in user with one of `roles` (else sign-in or 403)."""

    @bp.before_request
    def _guard():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)


def visible_villages(user: User) -> list[Village]:
    """The villages whose people and figures `user` may see."""
    if user.role == Role.COORDINATOR:
        villages = list(db.session.scalars(db.select(Village)))
    elif user.role == Role.TRAINER:
        villages = list(user.villages)
    else:
        return []
    return sorted(villages, key=lambda v: alphabetical(v.name_kk))


def learner_visible_to(user: User, learner: User | None) -> bool:
    """May `user` (trainer or coordinator) see this learner?"""
    if learner is None or learner.role != Role.LEARNER:
        return False
    return learner.village_id in {v.id for v in visible_villages(user)}
