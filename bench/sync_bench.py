"""How long a sync of 1,000 learners x 200 events takes each way, and how big the bundle is.

Run:  .venv/bin/python bench/sync_bench.py [--learners 1000] [--events 200] [--district-db URL]
      (default: SQLite files in a temporary folder for both servers; e.g.
       --district-db postgresql+psycopg://postgres@127.0.0.1/auyl_bench for a PostgreSQL district)
Prints the figures; the results are kept in bench/sync.md.

Up: a village server's learners and events go to the district in one sealed bundle (a USB
stick), and in network rounds of SYNC_BATCH_EVENTS (what `flask sync now` does, without the
HTTP hop). Down: a fresh village server (a reinstalled PC) gets all of it back from the district.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Event, Role, SyncCounter, SyncNode, User, Village  # noqa: E402
from app.sync import exchange, peers  # noqa: E402
from app.sync.node import this_node  # noqa: E402


def server(url: str, folder: Path, role: str):
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "NODE_DIR": str(folder), "NODE_ROLE": role,
                      "SECRET_KEY": "bench", "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        db.drop_all()
        db.create_all()
        me = this_node()
        info = (str(me.node_id), me.public_key_text)
        db.session.remove()
    return app, info


def fill(app, village_id, learners: int, per_learner: int) -> None:
    """Bulk inserts with the stamps the one writer would give (quick to make, same rows)."""
    rng = random.Random(1)
    secret = generate_password_hash("1357")
    t0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
    with app.app_context():
        me = this_node().node_id
        seq = db.session.get(SyncCounter, me).last_seq if db.session.get(SyncCounter, me) else 0
        users = []
        for i in range(learners):
            seq += 1
            users.append({"id": uuid.uuid4(), "role": Role.LEARNER, "name": f"Оқушы {i}", "login_code": f"b{i:05d}",
                          "secret_hash": secret, "village_id": village_id, "language": "kk", "created_at": t0,
                          "active": True, "home": me, "seq": seq})
        db.session.execute(insert(User), users)
        rows = []
        for u in users:
            for n in range(per_learner):
                seq += 1
                rows.append({"id": uuid.uuid4(), "user_id": u["id"], "kind": "answer", "item_id": f"lesson-{n % 7}",
                             "question_id": f"q{n % 8}", "lang": "kk",
                             "payload": {"answer": [rng.randrange(4)], "correct": rng.random() < 0.7},
                             "created_at": t0 + timedelta(seconds=n), "origin": me, "seq": seq, "lamport": n + 1})
                if len(rows) >= 20000:
                    db.session.execute(insert(Event), rows)
                    rows = []
        if rows:
            db.session.execute(insert(Event), rows)
        counter = db.session.get(SyncCounter, me)
        if counter is None:
            db.session.add(SyncCounter(node_id=me, last_seq=seq))
        else:
            counter.last_seq = seq
        db.session.commit()
        db.session.remove()


MEASURE_MEMORY = False


def timed(fn):
    """Seconds, and peak Python memory when --memory is given (tracing slows the run down)."""
    if MEASURE_MEMORY:
        tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if MEASURE_MEMORY else float("nan")
    tracemalloc.stop()
    return result, seconds, peak


def by_file(sender, receiver, receiver_id):
    with sender.app_context():
        peer = db.session.get(SyncNode, uuid.UUID(receiver_id))
        (data, records, events), out_s, out_mb = timed(lambda: exchange.export_for(peer, seal=True))
        db.session.remove()
    with receiver.app_context():
        applied, in_s, in_mb = timed(lambda: exchange.apply(data, route="file"))
        db.session.remove()
    return {"records": records, "events": events, "bytes": len(data), "export_s": out_s, "import_s": in_s,
            "peak_mib": max(out_mb, in_mb), "new": applied.events_new}


def by_rounds(sender, receiver, receiver_id, sender_id, limit):
    """What `flask sync now` does per round, minus HTTP: export at most `limit`, apply, repeat."""
    total = {"rounds": 0, "bytes": 0, "events": 0}
    started = time.perf_counter()
    while True:
        with sender.app_context():
            sender.config["SYNC_BATCH_EVENTS"] = limit
            data, _, events = exchange.export_for(db.session.get(SyncNode, uuid.UUID(receiver_id)), seal=True, limit=limit)
            db.session.remove()
        with receiver.app_context():
            exchange.apply(data, route="network")
            # the receiver's answer tells the sender what it now holds (as the HTTP reply does)
            reply, _, _ = exchange.export_for(db.session.get(SyncNode, uuid.UUID(sender_id)), seal=True, limit=1)
            db.session.remove()
        with sender.app_context():
            exchange.apply(reply, route="network")
            db.session.remove()
        total["rounds"] += 1
        total["bytes"] += len(data)
        total["events"] += events
        if events < limit:
            break
    total["seconds"] = time.perf_counter() - started
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200, help="events per learner")
    parser.add_argument("--district-db", default=None)
    parser.add_argument("--rounds-limit", type=int, default=2000)
    parser.add_argument("--memory", action="store_true", help="also measure peak Python memory (slower)")
    args = parser.parse_args()
    global MEASURE_MEMORY
    MEASURE_MEMORY = args.memory
    folder = Path(tempfile.mkdtemp(prefix="auyl-sync-bench-"))
    district, d_info = server(args.district_db or f"sqlite:///{folder / 'district.sqlite'}", folder / "d", "district")
    village, v_info = server(f"sqlite:///{folder / 'village.sqlite'}", folder / "v", "village")
    fresh, f_info = server(f"sqlite:///{folder / 'fresh.sqlite'}", folder / "f", "village")
    with district.app_context():
        place = Village(name_kk="Абай", name_ru="Абай", residents=5000)
        db.session.add(place)
        db.session.commit()
        village_id = place.id
        peers.enrol(*v_info[:1], "village", v_info[1], "village", [village_id])
        peers.enrol(*f_info[:1], "village", f_info[1], "fresh", [village_id])
        db.session.remove()
    for app in (village, fresh):
        with app.app_context():
            peers.enrol(d_info[0], "district", d_info[1], "district")
            db.session.remove()
    print(f"provisioning: {by_file(district, village, v_info[0])}")
    t = time.perf_counter()
    fill(village, village_id, args.learners, args.events)
    print(f"made {args.learners:,} learners x {args.events} events in {time.perf_counter() - t:.1f} s")
    up = by_file(village, district, d_info[0])
    print(f"up, one sealed file:   {up['events']:,} events, {up['records']:,} records, {up['bytes'] / 2**20:.1f} MiB; "
          f"export {up['export_s']:.1f} s, import {up['import_s']:.1f} s, peak Python memory {up['peak_mib']:.0f} MiB")
    by_file(district, village, v_info[0])  # the district's answer: now the village knows what it holds
    again = by_file(village, district, d_info[0])
    print(f"up again after the district's answer (nothing new): {again['events']} events, {again['bytes']:,} bytes, "
          f"export {again['export_s']:.2f} s, import {again['import_s']:.2f} s")
    down = by_rounds(district, fresh, f_info[0], d_info[0], args.rounds_limit)
    with fresh.app_context():
        held = db.session.scalar(db.select(db.func.count(Event.id)))
        db.session.remove()
    print(f"down, network rounds of {args.rounds_limit:,} to a fresh village server: {down['events']:,} events in "
          f"{down['rounds']} rounds, {down['bytes'] / 2**20:.1f} MiB, {down['seconds']:.1f} s; it now holds {held:,} events")


if __name__ == "__main__":
    main()
