"""Coordinator pages (the akimat). The programme's figures per village come with issue #4."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func

from ..auth.roles import guard_blueprint
from ..extensions import db
from ..models import Role, User, Village

bp = Blueprint("district", __name__)
guard_blueprint(bp, Role.COORDINATOR)


@bp.get("/")
def home():
    counts = dict(db.session.execute(
        db.select(User.village_id, func.count(User.id)).where(User.role == Role.LEARNER).group_by(User.village_id)
    ).all())
    villages = db.session.scalars(db.select(Village).order_by(Village.name_kk)).all()
    return render_template("district/home.html", rows=[(v, counts.get(v.id, 0)) for v in villages])
