"""Survey answers as flat text in `progress_item` (columns `answers_first`, `answers_first_lamport`,
`answers_latest`, `answers_paper`): what migration 0012 added and filled for the district figures
in SQL, and migration 0013 took away again when the report rows replaced them. Kept here, frozen,
so that both migrations run (up and down) whatever the code of the app has become."""

from collections.abc import Mapping

import sqlalchemy as sa

COLUMNS = ("answers_first", "answers_first_lamport", "answers_latest", "answers_paper")
progress_item = sa.table("progress_item", sa.column("user_id", sa.Uuid()), sa.column("item_id", sa.String()),
                         sa.column("kind", sa.String()), sa.column("detail", sa.JSON()),
                         *[sa.column(c, sa.Integer() if c.endswith("lamport") else sa.Text()) for c in COLUMNS])


def add_columns(op) -> None:
    with op.batch_alter_table('progress_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_first', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answers_first_lamport', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answers_latest', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answers_paper', sa.Text(), nullable=True))


def drop_columns(op) -> None:
    with op.batch_alter_table('progress_item', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)


def answers_key(answers: Mapping | None) -> str | None:
    """A survey's answers as flat text a database searches quickly: ";" + "question=options;" for
    each answered question (options as written, "?" for an answer that is not a list of option
    numbers), questions in order. None for no answers; "" for an empty form. An unanswered
    question (None, [], "") is left out."""
    if answers is None:
        return None
    if not answers or not isinstance(answers, Mapping):
        return ""
    parts = []
    for question, answer in sorted(answers.items()):
        if not answer:
            continue
        plain = isinstance(answer, list) and all(type(x) is int for x in answer)
        parts.append(f"{question}={','.join(map(str, answer)) if plain else '?'}")
    return ";" + "".join(f"{p};" for p in parts)


def answers_columns(detail: dict | None) -> dict:
    """The answers' columns of a survey summary, from its `detail`."""
    detail = detail or {}
    first_order = detail.get("first_own_order")
    return {"answers_first": answers_key(detail.get("first_own")) if first_order else None,
            "answers_first_lamport": first_order[0] if first_order else None,
            "answers_latest": answers_key(detail.get("latest_own")) if detail.get("latest_own_order") else None,
            "answers_paper": answers_key(detail.get("latest_paper")) if detail.get("latest_paper_order") else None}


def fill(connection, batch: int = 2000) -> int:
    """Write the answers' columns of every survey summary from its `detail`, a few learners at a
    time. Returns the summaries written."""
    table = progress_item
    users = list(connection.scalars(sa.select(table.c.user_id).where(table.c.kind == "survey").distinct()))
    update = (table.update().where(table.c.user_id == sa.bindparam("u"), table.c.item_id == sa.bindparam("i"))
              .values({c: sa.bindparam(c) for c in COLUMNS}))
    written = 0
    for start in range(0, len(users), batch):
        rows = [{"u": user_id, "i": item_id, **answers_columns(detail)} for user_id, item_id, detail in connection.execute(
            sa.select(table.c.user_id, table.c.item_id, table.c.detail)
            .where(table.c.kind == "survey", table.c.user_id.in_(users[start:start + batch])))]
        if rows:
            connection.execute(update, rows)
        written += len(rows)
    return written
