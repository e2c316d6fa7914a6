"""The signed session cookie, as Flask's own, without redoing the same work on every request.

Flask's cookie session verifies the cookie's signature and decodes it on every request, and with
a permanent session and SESSION_REFRESH_EACH_REQUEST signs and sets it again on every response,
so that the idle time (SESSION_IDLE_MINUTES) counts from the last request. Two costs of every
signed-in page (bench/throughput.md), cut here:

- a cookie is re-signed only when the session changed or when its signature is at least
  SESSION_REFRESH_SECONDS old. The idle time then counts from the last re-signing: a session
  ends between SESSION_IDLE_MINUTES and SESSION_REFRESH_SECONDS less after the last request
  (the page's idle timer signs out a minute before SESSION_IDLE_MINUTES anyway);
- a cookie whose signature was verified already (the same bytes, with the same keys) is not
  verified and decoded again: its data (plain values only) and signing time are kept in a small
  per-process store. Its age is still checked against the idle time on every request.
"""

from __future__ import annotations

import threading
import time

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

_PLAIN = (str, int, float, bool, type(None))


class SiteSession(SecureCookieSession):
    #: When the cookie this session came from was signed, in seconds since 1970 (None: a new session).
    signed_at: int | None = None


class SiteSessionInterface(SecureCookieSessionInterface):
    session_class = SiteSession
    #: Verified cookies kept per process (about 300 bytes each); the store is emptied when full.
    keep = 2048

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified: dict[tuple, tuple[tuple, int]] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per set of keys (not once per request and response)."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)  # type: ignore[assignment]
        return serializer

    def open_session(self, app: Flask, request) -> SiteSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, id(serializer))
        kept = self._verified.get(key)
        if kept is None:
            try:
                data, when = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            signed_at = int(when.timestamp())
            if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
                with self._lock:
                    if len(self._verified) >= self.keep:
                        self._verified.clear()
                    self._verified[key] = (tuple(data.items()), signed_at)
        else:
            items, signed_at = kept
            # The serializer's own check: older than the idle time (or from the future) is no session.
            age = int(time.time()) - signed_at
            if age > max_age or age < 0:
                return self.session_class()
            data = dict(items)
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        if signed_at is None:
            return True
        return int(time.time()) - signed_at >= float(app.config["SESSION_REFRESH_SECONDS"])
