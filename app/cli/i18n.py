"""`flask i18n extract|update|compile`: pybabel with this project's settings."""

import subprocess
import sys

from flask.cli import AppGroup

from ..config import PROJECT_DIR

i18n_cli = AppGroup("i18n", help="Update the Kazakh and Russian UI catalogs.")
TRANSLATIONS = PROJECT_DIR / "translations"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_DIR)


@i18n_cli.command("update")
def update():
    """Extract UI strings and merge them into translations/{kk,ru}."""
    _pybabel("extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "-c", "TRANSLATORS:",
             "--no-location", "--sort-output", "-o", str(TRANSLATIONS / "messages.pot"), ".")
    _pybabel("update", "-i", str(TRANSLATIONS / "messages.pot"), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@i18n_cli.command("compile")
def compile_catalogs():
    """Compile the .po catalogs into the .mo files the server reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
