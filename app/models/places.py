"""Villages (settlements) of the district."""

import uuid
from datetime import date

from sqlalchemy import Date, String, event, false, select
from sqlalchemy.orm import Mapped, mapped_column, object_session

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
    # The first two digits of the login codes a village server makes for this village's learners
    # (10–89, given by the district when it creates the village): two servers never make the
    # same code offline (docs/sync.md, "Login codes"). None: codes without a prefix.
    code_prefix: Mapped[int | None] = mapped_column(unique=True)
    # Sync (docs/sync.md): the one server that changes this record, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    def name(self, lang: str) -> str:
        return self.name_ru if lang == "ru" else self.name_kk


VILLAGE_PREFIXES = range(10, 90)  # 90–99 start the codes made on the district server


@event.listens_for(Village, "before_insert")
def _give_code_prefix(mapper, connection, target) -> None:
    """A new village gets the next free code prefix from the server that creates it (the
    district: villages are its records). A village that arrives by sync keeps the one it has."""
    if target.code_prefix is None:
        taken = set(connection.scalars(select(Village.code_prefix).where(Village.code_prefix.is_not(None))))
        session = object_session(target)  # villages given a prefix earlier in the same flush
        taken |= {v.code_prefix for v in (session.new if session else ()) if isinstance(v, Village)}
        target.code_prefix = next((p for p in VILLAGE_PREFIXES if p not in taken), None)
