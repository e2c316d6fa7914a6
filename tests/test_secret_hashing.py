"""The test suite hashes PINs cheaply for speed; production must keep the slow, strong hash."""

from __future__ import annotations

import pytest

from app import create_app
from app.models import Role, User
from app.models.people import STRONG_HASH_METHOD
from tests.conftest import CHEAP_HASH, FIXTURE_CONTENT


def production_app(**overrides):
    config = {"SECRET_KEY": "x", "CONTENT_DIR": str(FIXTURE_CONTENT), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    config.update(overrides)
    return create_app(config)


def test_production_hashes_pins_with_scrypt():
    app = production_app()
    assert not app.testing
    assert app.config["SECRET_HASH_METHOD"] == STRONG_HASH_METHOD == "scrypt"
    with app.app_context():
        user = User(role=Role.LEARNER, name="x")
        user.set_secret("2580")
        assert user.secret_hash.startswith("scrypt:32768:8:1$")  # werkzeug's default cost
        assert user.check_secret("2580") and not user.check_secret("2581")


def test_a_cheap_hash_is_refused_outside_the_test_suite():
    with pytest.raises(RuntimeError, match="SECRET_HASH_METHOD"):
        production_app(SECRET_HASH_METHOD=CHEAP_HASH)


def test_the_test_suite_hashes_cheaply(app, make):
    learner = make.learner(pin="2580")
    assert learner.secret_hash.startswith("pbkdf2:sha256:1000$")
    assert learner.check_secret("2580") and not learner.check_secret("0000")
