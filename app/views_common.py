"""What every page shares: template globals, cache and security headers, static file URLs."""

import hashlib
from pathlib import Path

from flask import Flask, has_request_context, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .i18n import LANGUAGES, NATIVE_NAMES, current_language


def init_app(app: Flask) -> None:
    versions: dict[str, str] = {}
    urls: dict[tuple[str, str], str] = {}  # (site prefix, file) -> URL: every page asks for two or three

    def static_url(filename: str) -> str:
        """A static file's URL with a content hash, so browsers may cache it for a year."""
        if filename not in versions:
            data = (Path(app.static_folder or "static") / filename).read_bytes()
            versions[filename] = hashlib.sha256(data).hexdigest()[:10]
        if not has_request_context():
            return url_for("static", filename=filename, v=versions[filename])
        key = (request.script_root, filename)
        if key not in urls:
            urls[key] = url_for("static", filename=filename, v=versions[filename])
        return urls[key]

    @app.context_processor
    def globals_for_templates():
        return {
            "static_url": static_url,
            "languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
            "lang": current_language(),
            # Outside a request (a report file) no one is signed in.
            "signed_in": has_request_context() and current_user.is_authenticated,
            "idle_seconds": int(app.config["SESSION_IDLE_MINUTES"]) * 60,
        }

    @app.after_request
    def headers(response):
        if response.direct_passthrough and request.endpoint in ("static", "learn.asset"):
            # Small files: read them whole, so that compression (which runs after this) works on
            # bytes and the file is closed at once, not left to the garbage collector.
            response.direct_passthrough = False
            response.make_sequence()
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        private = current_user.is_authenticated or (request.blueprint == "classroom")  # names on the tiles
        if request.endpoint not in ("static", "learn.asset") and private:
            # A shared computer: the next person must not see this page with the Back button.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Language", str(get_locale() or "kk"))
        return response
