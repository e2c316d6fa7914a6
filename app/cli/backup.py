"""`flask backup -o FILE` and `flask restore FILE`: save and bring back the whole database."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..backup import BackupError, backup_to, restore_from


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The new backup file (e.g. auyl-2026-12-06.sqlite, or .dump on PostgreSQL).")
@with_appcontext
def backup_command(output: Path):
    """Save the whole database to a new file; safe while the server runs."""
    try:
        checked = backup_to(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup saved to {output} and checked ({checked.summary()}).")
    click.echo("It holds personal data (names, sign-in codes, answers): keep it locked away, never share it.")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(backup_file: Path, yes: bool):
    """Replace the whole database with a backup, then check it. Stop the server first."""
    if not yes:
        click.confirm(f"This replaces everything in the database with {backup_file}. Stop the server first. "
                      "Continue?", abort=True)
    try:
        checked = restore_from(backup_file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {backup_file} and checked: schema {checked.revision}, {checked.summary()}.")
