"""Shared fixtures: a fresh app and database per test, a small fixture course, sign-in helpers.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/auyl_test) to run the
whole suite against PostgreSQL; otherwise it runs on in-memory SQLite.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import event, text
from sqlalchemy.pool import StaticPool
from sqlalchemy.util import LRUCache

from app import create_app
from app.auth import accounts
from app.extensions import db, limiter
from app.models import Role, User, Village
from app.progress.derive import assigned_order
from app.schema import stamp_head

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
REAL_CONTENT = Path(__file__).resolve().parent.parent / "content"
DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parent.parent
# One node identity for the whole run, kept out of the repository's instance/ folder (the
# process that builds the demo data is given this run's, see DemoBuild).
NODE_DIR = os.environ.get("AUYL_TEST_NODE_DIR") or tempfile.mkdtemp(prefix="auyl-test-node-")


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production.

    Tests keep an app context open for database work; without this, requests would share its
    `g` (and so Flask-Babel's cached locale, Flask-Login's user, Flask-WTF's token).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


# Each shared content folder is parsed once per test session: the course is immutable (frozen
# dataclasses), and the real course takes most of a second to read. Tests that write their own
# content folders (tmp_path) still have it read by create_app, as in production.
_COURSES: dict[Path, object] = {}
# PINs and passwords hashed cheaply in tests only (create_app refuses this outside TESTING).
CHEAP_HASH = "pbkdf2:sha256:1000"


class SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by every app the tests make. Each app has its own Jinja
    environment, which would compile every template again for each test; Jinja checks the
    source's checksum before using a cached one, so a changed template is compiled afresh."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


def _share_url_builders() -> None:
    """Werkzeug compiles two small Python functions for every URL rule of every app (ast and
    compile(), about 70 rules): two thirds of making an app, which each test does. A builder is
    made from the rule's text and parsed parts alone and reaches the rule's converters through
    its bound `self`, so the apps of one test run share them; a rule with a default for one of
    its own variables (its code holds the converted value) is compiled as usual."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a Werkzeug without it: every app compiles its own, as before
        return
    builders: dict[tuple, object] = {}

    def shared_builder(self, append_unknown: bool = True):
        defaults = self.defaults
        if defaults and any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(sorted(defaults or ())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared_builder


_share_url_builders()


# Engine options that configure the pool, the connections or logging, not the dialect.
_NOT_DIALECT_OPTIONS = {"url", "poolclass", "connect_args", "pool_pre_ping", "echo", "echo_pool"}


def _share_sqlite_dialect() -> None:
    """SQLAlchemy keeps each compiled statement in the engine's cache (and the mappers' own, for
    INSERT and UPDATE) under the dialect object, and every test's app makes a new engine: every
    test compiled its statements again, about a sixth of the CPU of the tests without a browser.
    A server process has one engine and compiles each statement once. Here the SQLite engines of
    a run share one statement cache and one dialect (the first that has connected, so
    initialized): all the same pysqlite with the same settings. An engine given dialect options
    (or URL query options) keeps its own dialect. PostgreSQL engines keep theirs: psycopg's
    dialect holds state for its connections, and those runs spend their time loading the demo."""
    make_engine = db._make_engine
    shared: dict[str, object] = {}
    compiled = LRUCache(2000)  # a run compiles about 300 statements (an engine keeps 500)

    def make_shared_engine(bind_key, options, app):
        engine = make_engine(bind_key, options, app)
        url = engine.url
        if url.get_backend_name() != "sqlite" or url.query or set(options) - _NOT_DIALECT_OPTIONS:
            return engine
        name = url.drivername
        engine._compiled_cache = compiled
        if name in shared:
            engine.dialect = shared[name]  # its own is still initialized by its first connection
        else:
            def remember(_dbapi_connection, _record):  # after SQLAlchemy's first_connect: initialized
                shared.setdefault(name, engine.dialect)
            event.listen(engine.pool, "connect", remember, once=True)
        return engine

    db._make_engine = make_shared_engine


_share_sqlite_dialect()


def shared_course(content_dir: Path):
    if content_dir not in _COURSES:
        from app.content.loader import load_course
        from app.course import links_for

        course, problems = load_course(content_dir, links_for(""))
        assert not problems, problems
        _COURSES[content_dir] = course
    return _COURSES[content_dir]


def make_app(content_dir: Path = FIXTURE_CONTENT, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "CONTENT_DIR": str(content_dir),
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL or "sqlite://",
        "SQLALCHEMY_ENGINE_OPTIONS": {} if DATABASE_URL else
        {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
        "RATELIMIT_STORAGE_URI": "memory://",
        "SECRET_HASH_METHOD": CHEAP_HASH,
        "NODE_DIR": NODE_DIR,
    }
    config.update(overrides)
    content_dir = Path(config["CONTENT_DIR"])
    # The shared course was loaded with the default settings; other course settings load anew.
    shared = content_dir in (FIXTURE_CONTENT, REAL_CONTENT) and "COURSE_LEVELS" not in overrides
    course = shared_course(content_dir) if shared else None
    app = create_app(config, course=course)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    app.test_client_class = FreshContextClient
    return app


def create_schema() -> None:
    """The models' tables, marked as at the migrations' head (as `flask db upgrade` leaves them),
    so that commands which check the schema (serve, demo) accept it. tests/test_database.py
    checks that the migrations build exactly these tables."""
    if _in_memory():
        _copy_schema_template()
        return
    db.drop_all()
    db.create_all()
    stamp_head()


def _in_memory() -> bool:
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


# The in-memory schema, made once per session: most tests start from an empty in-memory
# database, and copying one (SQLite's backup API) takes a fraction of a millisecond where
# drop_all + create_all + stamping the alembic head takes about 15 ms.
_SCHEMA_TEMPLATE: sqlite3.Connection | None = None


def _copy_schema_template() -> None:
    global _SCHEMA_TEMPLATE
    db.session.remove()
    if _SCHEMA_TEMPLATE is None:
        db.drop_all()
        db.create_all()
        stamp_head()
        template = sqlite3.connect(":memory:", check_same_thread=False)
        with db.engine.connect() as conn:
            conn.connection.dbapi_connection.backup(template)
        _SCHEMA_TEMPLATE = template
        return
    with db.engine.connect() as conn:
        _SCHEMA_TEMPLATE.backup(conn.connection.dbapi_connection)  # replaces whatever the database held


def drop_schema() -> None:
    """Leave the test database empty for the next test: PostgreSQL's is shared. An SQLite
    database is the test's own (in memory, or a file under its tmp_path): closing it is enough;
    dropping every table of a demo copy first took up to a second."""
    db.session.remove()
    if db.engine.url.get_backend_name() == "sqlite":
        db.engine.dispose()
        return
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.engine.dispose()  # close pooled connections now, not at garbage collection


def app_with_schema(content_dir: Path = FIXTURE_CONTENT, **overrides):
    """An app with its schema made and the sign-in limits reset, the schema dropped after: the
    body of an `app` fixture on any content (`yield from app_with_schema(...)`)."""
    app = make_app(content_dir, **overrides)
    with app.app_context():
        create_schema()
        limiter.reset()
        yield app
        drop_schema()


@pytest.fixture
def app():
    yield from app_with_schema()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Makes villages and people with known PINs and passwords."""

    def __init__(self):
        self.count = 0

    def village(self, name="Абай", residents=1000) -> Village:
        village = Village(name_kk=name, name_ru=name + " (ru)", residents=residents)
        db.session.add(village)
        db.session.commit()
        return village

    def learner(self, village=None, code=None, pin="2580", name=None, language="kk", order="AB") -> User:
        """`order`: the test forms' order ("AB": form A before, as the fixture tests expect; "BA";
        None: whatever the random id gives)."""
        self.count += 1
        village = village or self.village(f"Ауыл {self.count}")
        user = User(id=learner_id(order), role=Role.LEARNER, name=name or f"Learner {self.count}",
                    login_code=code or f"learner{self.count}", village=village, language=language)
        user.set_secret(pin)
        db.session.add(user)
        db.session.commit()
        return user

    def staff(self, role=Role.TRAINER, villages=(), username=None, password="correct-horse-1") -> User:
        self.count += 1
        return accounts.create_staff(username or f"staff{self.count}", f"Staff {self.count}", role,
                                     password, [v.id for v in villages])


def learner_id(order: str | None) -> uuid.UUID:
    """A random learner id whose assigned test-form order is `order` in both fixture levels."""
    while True:
        candidate = uuid.uuid4()
        if order is None or all(assigned_order(level, candidate) == order for level in ("basic", "second")):
            return candidate


@pytest.fixture
def make():
    return Factory()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, url="/login") -> str:
    page = client.get(url).get_data(as_text=True)
    return CSRF_RE.search(page).group(1)


def post(client, url, data=None, page="/login", **kwargs):
    """POST with the CSRF token a real form would carry."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, page))
    return client.post(url, data=data, **kwargs)


def sign_in(client, user: User, pin="2580", password="correct-horse-1"):
    if user.role == Role.LEARNER:
        response = post(client, "/login", {"code": user.login_code, "pin": pin})
    else:
        response = post(client, "/staff/login", {"username": user.username, "password": password},
                        page="/staff/login")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def translated(msgid: str, lang: str = "kk", **variables) -> str:
    """A UI string as the catalog gives it in `lang` (tests need not repeat translations)."""
    from flask_babel import force_locale, gettext

    with force_locale(lang):
        return gettext(msgid, **variables)


def load_demo(app) -> None:
    """`flask demo` into the app's database (its schema made first)."""
    with app.app_context():
        create_schema()
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()


def build_demo_file(path: str) -> None:
    """`flask demo` into an in-memory database (no disk syncs while the demo writes), then
    copied whole into the file `path` (whole or not at all: other processes may wait for it).
    A failure leaves `path`.failed beside it."""
    try:
        app = make_app(REAL_CONTENT)
        with app.app_context():
            create_schema()
            result = app.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            target = sqlite3.connect(path + ".part")
            with db.engine.connect() as conn:
                conn.connection.dbapi_connection.backup(target)
            target.close()
            drop_schema()
        os.replace(path + ".part", path)
    except BaseException:
        Path(path + ".failed").touch()
        raise


# Set by the controller of a parallel run (pytest-xdist) for its workers: the folder of the demo
# it builds, and (with AUYL_TEST_NODE_DIR) the one node identity of the run.
SHARED_DEMO = "AUYL_TEST_DEMO_DIR"


class DemoBuild:
    """On SQLite the demo is built once per run, in a process of its own: it takes about 10 s of
    one core, while the tests that do not need it run (pytest_collection_modifyitems puts the
    modules that do last). In a run of one process it starts when the tests are collected; in a
    parallel run the controller starts it (pytest_configure) and its workers wait for the file.
    The child has this run's node identity (made first) and turns warnings into errors, as the
    suite's settings do here."""

    def __init__(self):
        shared = os.environ.get(SHARED_DEMO)
        self.folder: Path | None = Path(shared) if shared else None
        self.owner = not shared  # the process that made the folder removes it
        self.process: subprocess.Popen | None = None

    @property
    def path(self) -> Path:
        assert self.folder is not None
        return self.folder / "demo.sqlite"

    @property
    def log(self) -> Path:
        assert self.folder is not None
        return self.folder / "build.log"

    def start(self) -> None:
        if self.process is not None or not self.owner:
            return
        from app.sync.identity import load_or_create

        self.folder = Path(tempfile.mkdtemp(prefix="auyl-test-demo-"))
        load_or_create(NODE_DIR, "village")  # made before the child starts: both use the same one
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-W", "error", "-c",
                 "import sys; from tests.conftest import build_demo_file; build_demo_file(sys.argv[1])",
                 str(self.path)],
                cwd=ROOT, env={**os.environ, "AUYL_TEST_NODE_DIR": NODE_DIR},
                stdout=log, stderr=subprocess.STDOUT)

    def wait(self) -> Path:
        self.start()
        if self.process is not None:
            if self.process.wait() != 0:
                self.fail()
            return self.path
        deadline = time.monotonic() + 900  # a worker of a parallel run: the controller's child builds it
        while not self.path.exists():
            if Path(f"{self.path}.failed").exists() or time.monotonic() > deadline:
                self.fail()
            time.sleep(0.1)
        return self.path

    def fail(self) -> None:
        pytest.fail("building the demo data failed:\n" + self.log.read_text(errors="replace"), pytrace=False)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:  # e.g. the run stopped early (-x)
            self.process.kill()
            self.process.wait()
        if self.folder is not None and self.owner:
            shutil.rmtree(self.folder, ignore_errors=True)


DEMO_BUILD = DemoBuild()


MADE_BASETEMP = pytest.StashKey[str]()
PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Test files (tmp_path: SQLite files in WAL mode, synced on every commit) on tmpfs when the
    machine has one and no --basetemp was given: a sync there costs nothing, on this machine's
    disk about a millisecond, and the sync tests and the live servers commit thousands of times.
    Removed after a run that passed; kept an hour after a failure (the paths are in its report):
    older ones are removed when the next run starts, so that memory does not fill up."""
    shm = Path("/dev/shm")
    if config.option.basetemp is None and shm.is_dir() and os.access(shm, os.W_OK):
        for old in shm.glob("auyl-pytest-*"):
            try:
                if time.time() - old.stat().st_mtime > 3600:  # a run still going makes a folder per test
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        config.option.basetemp = tempfile.mkdtemp(prefix="auyl-pytest-", dir=shm)
        config.stash[MADE_BASETEMP] = config.option.basetemp
    _configure_parallel_run(config)


def _configure_parallel_run(config) -> None:
    """setup.cfg runs the suite in one worker process per core (pytest-xdist, `-n auto`): on
    SQLite every test has its own database and files. On PostgreSQL the whole run shares one
    database (TEST_DATABASE_URL), so it runs in one process, as before. The controller of a
    parallel run starts the demo build for its workers and gives them the run's node identity."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return  # no pytest-xdist, or a worker (configured by its controller)
    if DATABASE_URL:
        config.option.numprocesses, config.option.dist, config.option.tx = 0, "no", []
        return
    if config.option.dist == "no" or not config.option.tx or config.option.collectonly:
        return
    os.environ["AUYL_TEST_NODE_DIR"] = NODE_DIR
    DEMO_BUILD.start()  # the controller does not collect: started whether or not a test needs it
    assert DEMO_BUILD.folder is not None
    os.environ[SHARED_DEMO] = str(DEMO_BUILD.folder)


def pytest_sessionstart(session):
    """PYTHONDONTWRITEBYTECODE (set on this project's machines) made each run compile and rewrite
    the asserts of every test module anew (pytest keeps rewritten modules as bytecode): about 4 s
    of CPU before the first test, every run. Their bytecode is kept in pytest's cache folder
    (.pytest_cache, ignored by git) rather than next to the sources, which the variable keeps
    clean; with the cache plugin off (-p no:cacheprovider) nothing is written, as it asks."""
    cache = getattr(session.config, "cache", None)
    if sys.dont_write_bytecode and cache is not None and not sys.pycache_prefix:
        sys.pycache_prefix = str(cache.mkdir("pycache"))
        sys.dont_write_bytecode = False


def pytest_unconfigure(config):
    made = config.stash.get(MADE_BASETEMP, None)
    if made and config.stash.get(PASSED, False):
        shutil.rmtree(made, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    """Modules that use the demo data run last (browser tests among them), each module kept
    whole and in its order; on SQLite the demo is built meanwhile (DemoBuild)."""
    on_demo = {item.nodeid.split("::")[0] for item in items if "demo_sqlite" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: item.nodeid.split("::")[0] in on_demo)
    if on_demo and not DATABASE_URL and not config.option.collectonly:
        DEMO_BUILD.start()


def pytest_sessionfinish(session, exitstatus):
    DEMO_BUILD.stop()
    session.config.stash[PASSED] = exitstatus == 0


@pytest.fixture(scope="session")
def demo_sqlite():
    """On SQLite, the demo is loaded once per session into a file that each test copies: every
    test still starts from the same fresh demo data, without paying for `flask demo` again."""
    if DATABASE_URL:
        return None
    return DEMO_BUILD.wait()


def demo_app(folder, demo_sqlite, **overrides):
    """An app on the real course with fresh demo data: a copy of the session's demo file on
    SQLite, the demo loaded anew on PostgreSQL. The caller drops the schema when done."""
    url = DATABASE_URL or f"sqlite:///{folder / 'demo-copy.sqlite'}"
    app = make_app(REAL_CONTENT, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}, **overrides)
    if demo_sqlite:
        shutil.copyfile(demo_sqlite, folder / "demo-copy.sqlite")
    else:
        load_demo(app)
    return app


@contextlib.contextmanager
def serving(server):
    """Run a waitress server (create_server's) in a thread for the block, then stop it from its
    own loop, as WebTest's StopableWSGIServer does: a trigger pulled with the closing as its
    thunk. Closed from this thread instead (server.close()), its sockets could still be in the
    select() the loop was in, which then failed with EBADF in the server's thread. The loop
    closes the connections as waitress does (a task still under way sees the client gone) and
    ends; the task threads are stopped, then the listening socket and the trigger are closed
    (a task finishing meanwhile may still pull the trigger)."""
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        def close_connections():  # runs in the server's loop
            for dispatcher in list(server._map.values()):
                if dispatcher is not server and dispatcher is not server.trigger:
                    with contextlib.suppress(OSError):
                        dispatcher.handle_close()
            server._map.clear()  # the loop ends when its map is empty

        server.trigger.pull_trigger(close_connections)
        thread.join(timeout=10)
        assert not thread.is_alive(), "the server's loop did not stop"
        server.task_dispatcher.shutdown()
        server.close()


EVENTS_T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # more than 30 days before any run of these tests


def add_event(user, kind, item, minute, **payload):
    """An event made by hand (its time given, `minute`s after EVENTS_T0), and its progress
    summary, as record.py keeps it."""
    from app.models import Event
    from app.progress import summaries

    db.session.add(Event(user_id=user.id, kind=kind, item_id=item, lang="kk", payload=payload,
                         created_at=EVENTS_T0 + timedelta(minutes=minute)))
    db.session.flush()
    summaries.refresh(user.id, [item])
