"""`flask sync` on two servers: identity, enrolment, a bundle carried on a stick, re-import."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Event, SyncAttempt, Village
from tests.sync.nodes import Node
from tests.sync.test_three_nodes import answer, new_learner


def run(node: Node, *args):
    return node.app.test_cli_runner().invoke(args=["sync", *args])


@pytest.fixture
def pair(tmp_path):
    district, village = Node("district", "district", tmp_path), Node("village", "village", tmp_path)
    with district.ctx():
        db.session.add(Village(name_kk="Абай", name_ru="Абай", residents=100))
        db.session.commit()
    ident = run(village, "identity").output
    node_id = re.search(r"node id:\s+(\S+)", ident).group(1)
    key = re.search(r"public key:\s+(\S+)", ident).group(1)
    result = run(district, "enrol", "--node-id", node_id, "--key", key, "--role", "village", "--name", "Абай centre",
                 "--village", "Абай")
    assert result.exit_code == 0, result.output
    result = run(village, "enrol", "--node-id", district.id, "--key", district.key, "--role", "district", "--name", "district")
    assert result.exit_code == 0, result.output
    yield district, village
    district.close()
    village.close()


def test_a_stick_carries_the_work_and_a_second_import_changes_nothing(pair, tmp_path):
    import random

    district, village = pair
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(district, "export", "--to", "Абай centre", "-o", str(stick / "to-village.auyl")).exit_code == 0
    result = run(village, "import", str(stick / "to-village.auyl"))
    assert result.exit_code == 0 and "1 new or changed records" in result.output, result.output
    with village.ctx():
        village_id = str(db.session.scalar(db.select(Village.id)))
    learner = new_learner(village, village_id, "aigul")
    answer(village, learner, random.Random(3), 4)
    result = run(village, "export", "--to", "district", "-o", str(stick / "to-district.auyl"))
    assert result.exit_code == 0, result.output
    first = run(district, "import", str(stick / "to-district.auyl"))
    assert first.exit_code == 0 and re.search(r"[45] new events", first.output), first.output
    again = run(district, "import", str(stick / "to-district.auyl"))
    assert again.exit_code == 0 and "0 new events" in again.output, again.output
    with district.ctx():
        assert db.session.scalar(db.select(db.func.count(Event.id))) >= 4
        attempts = db.session.scalars(db.select(SyncAttempt).order_by(SyncAttempt.started_at)).all()
        assert [a.ok for a in attempts if a.direction == "receive"] == [True, True]


def test_bad_files_are_refused_with_a_reason_and_logged(pair, tmp_path):
    district, village = pair
    good = tmp_path / "b.auyl"
    assert run(village, "export", "--to", "district", "-o", str(good)).exit_code == 0
    cut = tmp_path / "cut.auyl"
    cut.write_bytes(good.read_bytes()[:-20])
    result = run(district, "import", str(cut))
    assert result.exit_code == 1 and "file is incomplete" in result.output
    not_bundle = tmp_path / "list.csv"
    not_bundle.write_text("name\nАйгүл\n", encoding="utf-8")
    result = run(district, "import", str(not_bundle))
    assert result.exit_code == 1 and "not a sync file" in result.output
    result = run(village, "import", str(good))  # its own bundle, addressed to the district
    assert result.exit_code == 1 and "for another server" in result.output
    with district.ctx():
        failed = db.session.scalars(db.select(SyncAttempt).where(SyncAttempt.ok.is_(False))).all()
        assert {a.error for a in failed} == {"truncated", "not_a_bundle"}


def test_unknown_peer_and_busy_lock(pair, tmp_path):
    district, village = pair
    result = run(district, "export", "--to", "nobody", "-o", str(tmp_path / "x"))
    assert result.exit_code == 1 and "no enrolled server" in result.output
    from app.sync import lock

    with district.ctx(), lock.exclusive():
        result = run(district, "export", "--to", "Абай centre", "-o", str(tmp_path / "y"))
    assert result.exit_code == 1 and "another sync is running" in result.output
