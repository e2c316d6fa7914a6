"""The checks CI runs before the tests are configured as the README says."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_pure_core_is_never_let_off_type_checking():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    let_off = [s for s in config.sections() if s.startswith("mypy-") and config[s].getboolean("ignore_errors")]
    assert config["mypy"]["files"] == "app"
    assert not [s for s in let_off if s.startswith(("mypy-app.content", "mypy-app.progress", "mypy-app.reports"))]
    assert "ruff check app tests" in (ROOT / ".ci/run").read_text() and "mypy" in (ROOT / ".ci/run").read_text()
