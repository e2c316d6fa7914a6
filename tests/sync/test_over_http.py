"""Two real server processes on loopback: a village server syncs with the district over HTTP;
the district is killed with kill -9 in the middle, restarted, and the next sync completes
with nothing lost and nothing doubled. Then a bundle file import killed half-way, resumed."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app.extensions import db
from app.models import Event, Role, SyncNode, User, Village
from app.sync import client, exchange, peers
from app.sync.node import this_node
from tests.conftest import FIXTURE_CONTENT, make_app

REPO = Path(__file__).resolve().parents[2]
EVENTS = 1200
BATCH = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The district server as its own process, run exactly as on the district's machine."""

    def __init__(self, folder: Path):
        self.folder = folder
        # The fixture course, as the in-process apps below have it (and the events' lessons are
        # its alpha and beta): each start of a process does not parse the real course again.
        self.env = {**os.environ, "AUYL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'district.sqlite'}",
                    "AUYL_NODE_DIR": str(folder), "AUYL_NODE_ROLE": "district", "AUYL_SECRET_KEY": "e2e",
                    "AUYL_SYNC_BATCH_EVENTS": str(BATCH), "AUYL_CONTENT_DIR": str(FIXTURE_CONTENT)}
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "serve", "--port", str(self.port)],
                                        cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{self.url}/sync/api/ping", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the district server did not start")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def setup(tmp_path):
    server = Server(tmp_path / "district")
    server.folder.mkdir()
    district_app = make_app(SQLALCHEMY_DATABASE_URI=server.env["AUYL_SQLALCHEMY_DATABASE_URI"], SQLALCHEMY_ENGINE_OPTIONS={},
                            NODE_DIR=str(server.folder), NODE_ROLE="district")
    with district_app.app_context():
        upgrade()  # the district's file made by the migrations, here rather than in a process of its own
        db.engine.dispose()
    village_dir = tmp_path / "village"
    village_dir.mkdir()
    village_app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{village_dir / 'v.sqlite'}", SQLALCHEMY_ENGINE_OPTIONS={},
                           NODE_DIR=str(village_dir), NODE_ROLE="village", SYNC_BATCH_EVENTS=BATCH)
    with village_app.app_context():
        db.create_all()
        v_id, v_key = str(this_node().node_id), this_node().public_key_text
    with district_app.app_context():
        village = Village(name_kk="Абай", name_ru="Абай", residents=100)
        db.session.add(village)
        db.session.commit()
        peers.enrol(v_id, "village", v_key, "Абай centre", [village.id])
        d_id, d_key = str(this_node().node_id), this_node().public_key_text
        db.session.remove()
        db.engine.dispose()
    with village_app.app_context():
        peers.enrol(d_id, "district", d_key, "district", url=server.url)
    server.start()
    yield server, district_app, village_app
    if server.process and server.process.poll() is None:
        server.kill()


def count_events(app) -> tuple[int, int]:
    with app.app_context():
        total = db.session.scalar(db.select(db.func.count(Event.id)))
        distinct = db.session.scalar(db.select(db.func.count(db.distinct(Event.id))))
        db.session.remove()
        db.engine.dispose()
        return total, distinct


def make_work(village_app, count: int):
    with village_app.app_context():
        district = db.session.scalar(db.select(SyncNode))
        client.sync_now(district)  # provisioning: the village list comes from the district
        village = db.session.scalar(db.select(Village))
        learner = User(role=Role.LEARNER, name="Айгүл", login_code="aigul", village=village)
        learner.set_secret("2580")
        db.session.add(learner)
        db.session.commit()
        db.session.add_all([Event(user_id=learner.id, kind="answer", item_id="alpha", question_id=f"q{i % 7}", lang="kk",
                                  payload={"answer": [i % 3], "correct": i % 3 == 0}) for i in range(count)])
        db.session.commit()


def test_kill_9_mid_sync_by_network_and_by_stick_then_resume(setup):
    server, district_app, village_app = setup
    make_work(village_app, EVENTS)
    rounds_seen = []

    def kill_after_first_round(totals):
        rounds_seen.append(totals.rounds)
        if totals.rounds == 1:
            threading.Timer(0.05, server.kill).start()  # somewhere in the second round

    with village_app.app_context():
        district = db.session.scalar(db.select(SyncNode))
        with pytest.raises(client.LinkError):
            client.sync_now(district, progress=kill_after_first_round)
        failed = db.session.scalar(db.select(exchange.SyncAttempt).where(exchange.SyncAttempt.ok.is_(False)))
        assert failed is not None and failed.error == "unreachable"
    partial, _ = count_events(district_app)
    assert BATCH <= partial < EVENTS  # some rounds arrived whole before the kill
    server.start()
    with village_app.app_context():
        totals = client.sync_now(db.session.scalar(db.select(SyncNode)))
        assert totals.sent_events <= EVENTS - partial + BATCH  # resumed, not restarted from zero
        assert totals.round_trip_ms is not None
    assert count_events(district_app) == (EVENTS, EVENTS)
    # And once more: nothing to send, nothing doubled.
    with village_app.app_context():
        assert client.sync_now(db.session.scalar(db.select(SyncNode))).sent_events == 0
    assert count_events(district_app) == (EVENTS, EVENTS)


    # The link is gone again: the next work travels on a stick, and the import is killed too.
    server.kill()
    more_work(village_app, EVENTS)
    bundle_file = server.folder.parent / "stick.auyl"
    with village_app.app_context():
        data, _, events = exchange.export_for(db.session.scalar(db.select(SyncNode)), seal=True)
        bundle_file.write_bytes(data)
        assert events == EVENTS
    env = {**server.env, "AUYL_SYNC_IMPORT_BATCH": "100"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "sync", "import", str(bundle_file)],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = sqlite3.connect(server.folder / "district.sqlite", timeout=10)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if database.execute("SELECT count(*) FROM event").fetchone()[0] > EVENTS:
            break  # the first batches are in: kill it now, in the middle
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = database.execute("SELECT count(*) FROM event").fetchone()[0]
    database.close()
    assert EVENTS < partial < 2 * EVENTS and partial % 100 == 0  # whole batches only
    runner = district_app.test_cli_runner()
    done = runner.invoke(args=["sync", "import", str(bundle_file)])
    assert done.exit_code == 0, done.output
    assert count_events(district_app) == (2 * EVENTS, 2 * EVENTS)
    again = runner.invoke(args=["sync", "import", str(bundle_file)])
    assert again.exit_code == 0 and "0 new events" in again.output
    assert count_events(district_app) == (2 * EVENTS, 2 * EVENTS)


def more_work(village_app, count):
    with village_app.app_context():
        learner = db.session.scalar(db.select(User).where(User.login_code == "aigul"))
        db.session.add_all([Event(user_id=learner.id, kind="answer", item_id="beta", question_id=f"q{i % 5}", lang="kk",
                                  payload={"answer": [1], "correct": True}, id=uuid.uuid4()) for i in range(count)])
        db.session.commit()
