"""The bundle format: what one server writes, the other reads whole, or refuses with a reason."""

from __future__ import annotations

import gzip
import json
import os
import stat

import pytest
from nacl.signing import SigningKey

from app.sync import bundle, identity
from app.sync.bundle import BundleError

VILLAGE, DISTRICT = "village-node", "district-node"


@pytest.fixture(scope="module")
def keys():
    return {"village": SigningKey.generate(), "district": SigningKey.generate(), "stranger": SigningKey.generate()}


RECORDS = [{"id": "e1", "kind": "answer", "name": "Әйгерім"}, {"id": "e2", "kind": "lesson_finished"}]


def make(keys, records=RECORDS, seal=True, sender=VILLAGE, receiver=DISTRICT, signer="village", **header):
    head = bundle.Header(sender=sender, receiver=receiver, schema="0003", **header)
    return bundle.write(head, records, keys[signer], seal_to=keys["district"].verify_key if seal else None)


def read(keys, data, **kwargs):
    kwargs.setdefault("sender_keys", {VILLAGE: keys["village"].verify_key})
    return bundle.read(data, receiver=DISTRICT, receiver_key=keys["district"], **kwargs)


def test_round_trip_keeps_records_and_header(keys):
    data = make(keys, upto={"events": {VILLAGE: 2}}, since={"events": {DISTRICT: 7}})
    got = read(keys, data, require_sealed=True)
    assert got.records == RECORDS
    assert got.sealed
    assert got.header.upto == {"events": {VILLAGE: 2}} and got.header.since == {"events": {DISTRICT: 7}}
    assert got.header.count == 2 and len(got.header.sha256) == 64


def test_sealed_bundle_hides_personal_data(keys):
    def readable_without_keys(data):
        try:
            payload = data[data.index(b"\n", len(bundle.MAGIC)) + 1:]
            return "Әйгерім".encode() in gzip.decompress(payload[64:])
        except OSError:
            return False

    assert not readable_without_keys(make(keys))
    assert readable_without_keys(make(keys, seal=False))  # only signed: fine over TLS, not on a stick


def test_an_empty_bundle_is_valid(keys):
    assert read(keys, make(keys, records=[])).records == []


@pytest.mark.parametrize("cut", [1, 10, 100])
def test_cut_short_is_named(keys, cut):
    with pytest.raises(BundleError) as err:
        read(keys, make(keys)[:-cut])
    assert err.value.code == BundleError.TRUNCATED


def test_a_changed_byte_anywhere_in_the_payload_is_refused(keys):
    data = make(keys, seal=False)
    start = data.index(b"\n", len(bundle.MAGIC)) + 1
    for pos in range(start, len(data), max(1, (len(data) - start) // 25)):
        bad = bytearray(data)
        bad[pos] ^= 0x01
        with pytest.raises(BundleError) as err:
            read(keys, bytes(bad))
        assert err.value.code == BundleError.DAMAGED


def test_unknown_sender_wrong_receiver_and_forged_signature(keys):
    with pytest.raises(BundleError) as err:
        read(keys, make(keys, sender="someone-else"))
    assert err.value.code == BundleError.UNKNOWN_SENDER
    with pytest.raises(BundleError) as err:
        read(keys, make(keys, receiver="another-district"))
    assert err.value.code == BundleError.WRONG_RECEIVER
    # A stranger claims to be the village: the signature does not match the enrolled key.
    with pytest.raises(BundleError) as err:
        read(keys, make(keys, signer="stranger"))
    assert err.value.code == BundleError.DAMAGED


def test_routing_line_cannot_redirect_a_signed_bundle(keys):
    """Someone edits the plain routing line to name another sender whose key they also hold."""
    data = make(keys, seal=False)
    forged = data.replace(f'"sender": "{VILLAGE}"'.encode(), b'"sender": "other-village"')
    with pytest.raises(BundleError) as err:
        read(keys, forged, sender_keys={"other-village": keys["village"].verify_key})
    assert err.value.code == BundleError.DAMAGED


def test_not_a_bundle_and_newer_format(keys):
    for junk in (b"", b"PK\x03\x04 a zip file", "Сабақ,ru\n".encode()):
        with pytest.raises(BundleError) as err:
            read(keys, junk)
        assert err.value.code in (BundleError.NOT_A_BUNDLE, BundleError.TRUNCATED)
    data = make(keys)
    newer = data.replace(b'"format": 1', b'"format": 99', 1)
    with pytest.raises(BundleError) as err:
        read(keys, newer)
    assert err.value.code == BundleError.NEWER_FORMAT


def test_files_must_be_sealed_when_asked(keys):
    with pytest.raises(BundleError) as err:
        read(keys, make(keys, seal=False), require_sealed=True)
    assert err.value.code == BundleError.NOT_SEALED


def test_same_records_same_checksum(keys):
    first = read(keys, make(keys)).header
    second = read(keys, make(keys)).header
    assert first.sha256 == second.sha256 and first.bundle_id != second.bundle_id


def test_identity_is_made_once_and_kept_private(tmp_path):
    first = identity.load_or_create(tmp_path, "village")
    again = identity.load_or_create(tmp_path, "village")
    assert first.node_id == again.node_id and first.public_key_text == again.public_key_text
    mode = stat.S_IMODE(os.stat(tmp_path / identity.KEY_FILE).st_mode)
    assert mode == 0o600
    assert json.loads((tmp_path / identity.IDENTITY_FILE).read_text())["public_key"] == first.public_key_text
    assert identity.decode_key(first.public_key_text) == first.public_key
    with pytest.raises(ValueError):
        identity.decode_key("not-a-key")
    with pytest.raises(ValueError):
        identity.load_or_create(tmp_path, "castle")
