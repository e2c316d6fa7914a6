"""`flask report district|village …`: the final report for the akimat's records."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..i18n import alphabetical
from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from ..models import Village
from ..reports.document import report_file

report_cli = AppGroup("report", help="Write the programme's report as HTML, XLSX or CSV.")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["html", "xlsx", "csv", "plan.csv"]), default="html",
                             show_default=True)
LANG_OPTION = click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True)
OUT_OPTION = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)


def _write(scope: str, villages: list, lang: str, fmt: str, output: Path) -> None:
    found = report_file(scope, villages, lang, "print" if fmt == "html" else fmt)
    output.write_bytes(found.data)
    click.echo(f"wrote {output} ({len(found.data)} bytes)")


@report_cli.command("district")
@LANG_OPTION
@FORMAT_OPTION
@OUT_OPTION
def district(lang, fmt, output):
    """The report for the whole district."""
    villages = sorted(db.session.scalars(db.select(Village)), key=lambda v: alphabetical(v.name_kk))
    if not villages:
        raise click.ClickException("no villages yet: import them first (flask village import FILE)")
    _write("district", villages, lang, fmt, output)


@report_cli.command("village")
@click.argument("name")
@LANG_OPTION
@FORMAT_OPTION
@OUT_OPTION
def village(name, lang, fmt, output):
    """The report for one village, named in Kazakh or Russian."""
    found = db.session.scalar(db.select(Village).where((Village.name_kk == name) | (Village.name_ru == name)))
    if found is None:
        raise click.ClickException(f"no village named {name!r}")
    _write("village", [found], lang, fmt, output)
