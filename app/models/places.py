"""Villages (settlements) of the district."""

import uuid
from datetime import date

from sqlalchemy import Date, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Village(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "village"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    okrug_kk: Mapped[str | None] = mapped_column(String(120))
    okrug_ru: Mapped[str | None] = mapped_column(String(120))
    # Adult residents: the denominator of the programme's 50 % coverage target.
    residents: Mapped[int | None]
    # Where the figure comes from, e.g. "2009 census (demo figure)".
    residents_source: Mapped[str | None] = mapped_column(String(200))
    # The date the figure refers to (e.g. the statistics office's count of 1 January 2026).
    residents_on: Mapped[date | None] = mapped_column(Date)
    # Whoever entered the figure confirmed it counts adults (18 and over) only. Figures from
    # before this was asked (and the demo's total population) are False: flagged on the report.
    residents_adults: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Sync (docs/sync.md): the one server that changes this record, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    def name(self, lang: str) -> str:
        return self.name_ru if lang == "ru" else self.name_kk
