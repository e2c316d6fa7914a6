"""The district server runs several app processes: the PIN limit must hold across them.

Two real servers (`flask serve`, separate processes on free loopback ports) share one
PostgreSQL database and one Redis. Wrong PINs for one account are split between them; the 6th
try is refused on either. With the default `memory://` storage each process would count only
its own tries and let the 6th through. Needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL
(e.g. redis://127.0.0.1:6379/1); skips cleanly without them (`.ci/run` provides both).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import DATABASE_URL, FIXTURE_CONTENT, create_schema, drop_schema, make_app

pytestmark = pytest.mark.postgres
REDIS_URL = os.environ.get("TEST_REDIS_URL")
PROJECT = Path(__file__).resolve().parent.parent


def redis_or_skip():
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL not set: the two-process limit test needs Redis (.ci/run sets it)")
    if not (DATABASE_URL and DATABASE_URL.startswith("postgresql")):
        pytest.skip("TEST_DATABASE_URL (PostgreSQL) not set: the two-process limit test needs it")
    try:
        import redis
    except ImportError:
        pytest.skip("the redis client is not installed (pip install -e '.[test]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} not reachable: {error}")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One person's cookies against one server process (urllib: no extra dependency)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def sign_in(self, code: str, pin: str) -> int:
        _, page = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, "code": code, "pin": pin}).encode()
        return self._open(urllib.request.Request(self.base + "/login", data=data))[0]

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


def start_server(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "serve", "--port", str(port)],
                                   cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"server did not start within 60 s:\n{log.read_text(errors='replace')}")


@pytest.fixture
def district(tmp_path):
    """One PostgreSQL database with a learner, one Redis, two server processes."""
    redis_client = redis_or_skip()
    prefix = f"auyl-test-{uuid.uuid4().hex[:12]}"
    app = make_app(FIXTURE_CONTENT)
    processes = []
    with app.app_context():
        create_schema()
        from app.extensions import db
        from app.models import Role, User, Village

        village = Village(name_kk="Абай", name_ru="Абай", residents=10)
        learner = User(role=Role.LEARNER, name="Айгүл", login_code="aigul", village=village)
        learner.set_secret("2580")
        db.session.add_all([village, learner])
        db.session.commit()
        env = {**os.environ, "AUYL_SQLALCHEMY_DATABASE_URI": DATABASE_URL, "AUYL_SECRET_KEY": "district-test",
               "AUYL_CONTENT_DIR": str(FIXTURE_CONTENT), "AUYL_RATELIMIT_STORAGE_URI": REDIS_URL,
               "AUYL_RATELIMIT_KEY_PREFIX": prefix}
        try:
            for name in ("a", "b"):
                processes.append(start_server(env, tmp_path / f"server-{name}.log"))
            yield [base for _, base in processes]
        finally:
            for process, _ in processes:
                process.terminate()
            for process, _ in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for key in redis_client.scan_iter(f"*{prefix}*"):
                redis_client.delete(key)
            redis_client.close()
            drop_schema()


def test_the_pin_limit_holds_across_two_server_processes(district):
    a, b = (Browser(base) for base in district)
    assert a.base != b.base
    tries = [a, b, a, b, a]  # five wrong PINs, split 3 + 2 between the processes
    assert [who.sign_in("aigul", "0000") for who in tries] == [401] * 5
    # The sixth try is refused on the process that saw only two, even with the right PIN ...
    assert b.sign_in("aigul", "2580") == 429
    # ... and on the other one; another account is not affected.
    assert a.sign_in("aigul", "2580") == 429
    assert a.sign_in("someone", "0000") == 401
