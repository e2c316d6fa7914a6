"""`flask user create`: trainer and coordinator accounts."""

import click
from flask.cli import AppGroup

from ..auth import accounts
from ..extensions import db
from ..models import Role, Village

user_cli = AppGroup("user", help="Manage staff accounts.")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([Role.TRAINER.value, Role.COORDINATOR.value]), required=True)
@click.option("--name", required=True, help="The person's name, as shown to others.")
@click.option("--village", "villages", multiple=True,
              help="A village the trainer works in (Kazakh or Russian name); repeat for several.")
@click.password_option(help="At least 10 characters. Asked for when not given.")
def create(username, role, name, villages, password):
    """Create a trainer or coordinator account."""
    found = []
    for wanted in villages:
        village = db.session.scalar(db.select(Village).where(
            (Village.name_kk == wanted) | (Village.name_ru == wanted)))
        if village is None:
            raise click.ClickException(f"no village named {wanted!r}")
        found.append(village.id)
    try:
        user = accounts.create_staff(username, name, role, password, found)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} {user.username!r}")
