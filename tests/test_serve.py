"""`flask serve` holds a village class's open connections and still answers a sign-in.

A real waitress server (the one `flask serve` makes) on a free loopback port, in a thread.
"""

from __future__ import annotations

import http.client
import socket

import pytest

from app.cli.serve import make_server, waitress_options
from tests.conftest import serving

IDLE_CONNECTIONS = 300


@pytest.fixture
def server(app):
    with serving(make_server(app, "127.0.0.1", 0)) as server:
        yield server


def test_serve_settings_come_from_the_config(app):
    app.config.update(SERVE_THREADS=12, SERVE_CONNECTION_LIMIT=400, SERVE_CHANNEL_TIMEOUT=20)
    options = waitress_options(app.config)
    assert (options["threads"], options["connection_limit"], options["channel_timeout"]) == (12, 400, 20)
    assert options["cleanup_interval"] <= 20


def test_sign_in_answers_while_300_idle_keep_alive_connections_are_open(server):
    port = server.effective_port
    idle = []
    try:
        for _ in range(IDLE_CONNECTIONS):  # browsers that opened a connection and keep it for later
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        # A few of them made a keep-alive request first and then went quiet.
        for sock in idle[:20]:
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # waitress's default would hang
        connection.request("GET", "/login")
        response = connection.getresponse()
        assert response.status == 200 and b'name="pin"' in response.read()
        connection.close()
    finally:
        for sock in idle:
            sock.close()
