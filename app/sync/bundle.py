"""The bundle: one file format for both routes, a USB stick and the network.

    AUYL-SYNC-BUNDLE\n
    {"format": 1, "sender": "...", "receiver": "...", "sealed": true, "length": N}\n   (routing)
    N bytes: [sealed to the receiver's key]( Ed25519 signature + gzip( header line, record lines ) )

The routing line is only a hint for finding the sender's key and telling a cut-short file; what
counts is the signed header inside, which must repeat the sender and receiver. Sign-then-seal:
the receiver knows who wrote it; nobody else can read the personal data on a lost stick. The
crypto is libsodium's (PyNaCl): Ed25519 signatures and sealed boxes (X25519), nothing hand-made.

Pure Python: no Flask, no database. `write` and `read` are each other's inverse, and `read`
either returns everything or raises a `BundleError` naming what is wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import SealedBox
from nacl.signing import SigningKey, VerifyKey

MAGIC = b"AUYL-SYNC-BUNDLE\n"
FORMAT = 1
_SIGNATURE_BYTES = 64
_ROUTING_LINE_MAX = 4096


class BundleError(Exception):
    """A bundle that cannot be applied. `code` picks the message shown to people (sync/messages)."""

    NOT_A_BUNDLE = "not_a_bundle"
    NEWER_FORMAT = "newer_format"
    WRONG_RECEIVER = "wrong_receiver"
    UNKNOWN_SENDER = "unknown_sender"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    NOT_SEALED = "not_sealed"

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Header:
    sender: str
    receiver: str
    schema: str  # the sender's database schema (migration head)
    bundle_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # Per stream and origin node: the bundle holds every change meant for the receiver that is
    # numbered after `since` (what the sender believed the receiver held) and up to `upto`
    # (what the sender holds). Numbers, never clocks: the receiver's vector moves to `upto`.
    since: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    upto: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Everything the sender holds (its whole vector), also when this bundle was cut at a limit:
    # what to send it next time.
    holds: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    count: int = 0
    sha256: str = ""
    format: int = FORMAT

    def as_dict(self) -> dict:
        return {"format": self.format, "bundle_id": self.bundle_id, "sender": self.sender,
                "receiver": self.receiver, "schema": self.schema, "since": dict(self.since),
                "upto": dict(self.upto), "holds": dict(self.holds), "count": self.count, "sha256": self.sha256}


@dataclass(frozen=True)
class Bundle:
    header: Header
    records: list[dict]
    sealed: bool


def _record_lines(records: Iterable[dict]) -> list[bytes]:
    # Sorted keys and compact separators: the same record always gives the same bytes, so the
    # checksum is stable across re-sends.
    return [json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() for r in records]


def write(header: Header, records: Iterable[dict], signing_key: SigningKey,
          seal_to: VerifyKey | None = None) -> bytes:
    """The bundle's bytes. `count` and `sha256` of the header are filled in here."""
    lines = _record_lines(records)
    digest = hashlib.sha256(b"\n".join(lines)).hexdigest()
    full = Header(**{**header.as_dict(), "count": len(lines), "sha256": digest})
    body = gzip.compress(b"\n".join([json.dumps(full.as_dict(), sort_keys=True).encode(), *lines]), mtime=0)
    payload = bytes(signing_key.sign(body))
    if seal_to is not None:
        payload = SealedBox(seal_to.to_curve25519_public_key()).encrypt(payload)
    routing = {"format": FORMAT, "sender": full.sender, "receiver": full.receiver,
               "sealed": seal_to is not None, "length": len(payload)}
    return MAGIC + json.dumps(routing, sort_keys=True).encode() + b"\n" + payload


def peek(data: bytes) -> dict:
    """The routing line (sender, receiver, sealed, length) without checking anything else."""
    if not data.startswith(MAGIC):
        raise BundleError(BundleError.NOT_A_BUNDLE, "no bundle marker at the start")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _ROUTING_LINE_MAX)
    if end < 0:
        raise BundleError(BundleError.TRUNCATED if len(data) < len(MAGIC) + _ROUTING_LINE_MAX
                          else BundleError.NOT_A_BUNDLE, "no routing line")
    try:
        routing = json.loads(data[len(MAGIC):end])
        routing["_offset"] = end + 1
        if not isinstance(routing, dict) or not isinstance(routing.get("length"), int):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise BundleError(BundleError.NOT_A_BUNDLE, "the routing line is not readable") from exc
    if not isinstance(routing.get("format"), int) or routing["format"] > FORMAT:
        raise BundleError(BundleError.NEWER_FORMAT, f"format {routing.get('format')!r}, this server reads {FORMAT}")
    return routing


def read(data: bytes, *, receiver: str, receiver_key: SigningKey, sender_keys: Mapping[str, VerifyKey],
         require_sealed: bool = False) -> Bundle:
    """Check a bundle from end to end and return it; BundleError if any check fails."""
    routing = peek(data)
    if routing.get("receiver") != receiver:
        raise BundleError(BundleError.WRONG_RECEIVER, f"addressed to {routing.get('receiver')}")
    sender_key = sender_keys.get(str(routing.get("sender")))
    if sender_key is None:
        raise BundleError(BundleError.UNKNOWN_SENDER, f"from {routing.get('sender')}")
    sealed = bool(routing.get("sealed"))
    if require_sealed and not sealed:
        raise BundleError(BundleError.NOT_SEALED, "a file with personal data must be sealed")
    payload = data[routing["_offset"]:]
    if len(payload) < routing["length"]:
        raise BundleError(BundleError.TRUNCATED, f"{len(payload)} of {routing['length']} bytes")
    if len(payload) > routing["length"]:
        raise BundleError(BundleError.DAMAGED, "bytes after the end")
    try:
        if sealed:
            payload = SealedBox(receiver_key.to_curve25519_private_key()).decrypt(payload)
        body = sender_key.verify(payload[_SIGNATURE_BYTES:], payload[:_SIGNATURE_BYTES])
    except (BadSignatureError, CryptoError, ValueError) as exc:
        raise BundleError(BundleError.DAMAGED, "the signature does not match") from exc
    try:
        lines = gzip.decompress(body).split(b"\n")
        header = Header(**json.loads(lines[0]))
        if not isinstance(header.format, int) or not isinstance(header.count, int) or not all(
                isinstance(v, dict) for v in (header.since, header.upto, header.holds)):
            raise TypeError("header fields of the wrong type")
        record_lines = lines[1:] if header.count else []
        records = [json.loads(line) for line in record_lines]
        if not all(isinstance(r, dict) for r in records):
            raise TypeError("a record that is not an object")
    except (OSError, EOFError, ValueError, TypeError) as exc:
        raise BundleError(BundleError.DAMAGED, "the contents are not readable") from exc
    # Signed, so these only fail for a bundle made wrongly; still, never trust a count.
    if (header.sender, header.receiver) != (routing.get("sender"), routing.get("receiver")):
        raise BundleError(BundleError.DAMAGED, "the routing line does not match the signed header")
    if header.format > FORMAT:
        raise BundleError(BundleError.NEWER_FORMAT, f"format {header.format}")
    if len(records) != header.count or hashlib.sha256(b"\n".join(record_lines)).hexdigest() != header.sha256:
        raise BundleError(BundleError.DAMAGED, "the records do not match their checksum")
    return Bundle(header=header, records=records, sealed=sealed)
