"""`flask village import FILE`: the district's villages from CSV (all or nothing)."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..district import villages as village_service

village_cli = AppGroup("village", help="Manage the district's villages.")


@village_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_villages(path: Path):
    """Create or update villages from a CSV file (columns: name_kk, name_ru, okrug_kk, okrug_ru, residents, residents_source, residents_date)."""
    count, problems = village_service.import_csv(path.read_bytes())
    for line, message in problems:
        click.echo(f"{path}:{line}: {message}", err=True)
    if problems:
        raise click.ClickException(f"nothing imported: {len(problems)} problem(s)")
    click.echo(f"{count} villages imported or updated")
