"""This server's node identity, loaded on first use (create_app stays free of side effects)."""

from __future__ import annotations

import uuid

from flask import current_app

from .identity import NodeIdentity, load_or_create


def this_node() -> NodeIdentity:
    node = current_app.extensions.get("auyl_node")
    if node is None:
        folder = current_app.config.get("NODE_DIR") or current_app.instance_path
        node = load_or_create(folder, current_app.config["NODE_ROLE"])
        current_app.extensions["auyl_node"] = node
    return node


def this_node_id() -> uuid.UUID:
    return this_node().node_id
