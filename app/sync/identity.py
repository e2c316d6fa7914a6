"""A server's node identity: a UUID and an Ed25519 key pair, made on first run in instance/.

The private key never leaves the server (nor the repository: instance/ is ignored). The
public key is given to the district once, at enrolment, and from then on every bundle this
node writes is signed with it.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

ROLES = ("district", "village")
IDENTITY_FILE = "node.json"
KEY_FILE = "node.key"


def encode_key(key: VerifyKey) -> str:
    """A public key as text, for enrolment forms and the CLI (URL-safe base64, 43 characters)."""
    return base64.urlsafe_b64encode(bytes(key)).decode().rstrip("=")


def decode_key(text: str) -> VerifyKey:
    """The inverse of `encode_key`; ValueError on anything that is not a 32-byte key."""
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not a public key") from exc
    if len(raw) != 32:
        raise ValueError("not a public key")
    return VerifyKey(raw)


@dataclass(frozen=True)
class NodeIdentity:
    node_id: uuid.UUID
    role: str
    signing_key: SigningKey

    @property
    def public_key(self) -> VerifyKey:
        return self.signing_key.verify_key

    @property
    def public_key_text(self) -> str:
        return encode_key(self.public_key)


def load_or_create(instance_dir: str | os.PathLike, role: str) -> NodeIdentity:
    """This server's identity, made on first run. The role is the one configured now; a node's
    id and key never change, so a server keeps its history if its role is corrected."""
    if role not in ROLES:
        raise ValueError(f"NODE_ROLE must be one of {', '.join(ROLES)}, not {role!r}")
    folder = Path(instance_dir)
    info_path, key_path = folder / IDENTITY_FILE, folder / KEY_FILE
    if not key_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = SigningKey.generate()
        # The id first, the key last, each written whole: a crash in between leaves no key,
        # and the next start simply makes a new identity (nothing was signed with the old one).
        _write_atomically(info_path, json.dumps({"node_id": str(uuid.uuid4()),
                                                 "public_key": encode_key(key.verify_key)}, indent=2).encode())
        _write_atomically(key_path, bytes(key))
    if not info_path.exists():
        raise RuntimeError(f"{info_path} is missing but {key_path} exists: restore both from a backup")
    key = SigningKey(key_path.read_bytes())
    info = json.loads(info_path.read_text())
    return NodeIdentity(node_id=uuid.UUID(info["node_id"]), role=role, signing_key=key)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readable by the owner only (the key is this server's signature)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
