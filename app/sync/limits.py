"""The request size limit, larger for sync bundles than for the rest of the site.

It must apply before anything reads the body, and Flask-WTF's CSRF check (an app-wide
before_request) reads the form of every POST first, so a per-view setting comes too late.
"""

from __future__ import annotations

from flask import Request, current_app

# The routes that take a whole bundle: the network exchange and the USB-stick upload.
BUNDLE_PATHS = ("/sync/api/exchange", "/sync/import")


class SiteRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.path in BUNDLE_PATHS:
            return int(current_app.config["SYNC_MAX_BYTES"])
        return Request.max_content_length.fget(self)  # type: ignore[attr-defined]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
