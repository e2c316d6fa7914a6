"""A village server's "Save a backup" button: the whole database as one file, for a USB stick."""

from __future__ import annotations

import shutil

from flask import abort, current_app, send_file
from flask_login import current_user

from .. import backup
from .views import bp


@bp.post("/backup")
def save_backup():
    if not backup.may_download(current_user):
        abort(404)  # a district server (PostgreSQL), or a trainer who would see other villages' people
    try:
        path, name = backup.backup_for_download()
    except backup.BackupError as error:
        current_app.logger.error("backup for %s failed: %s", current_user.id, error)
        abort(500)
    current_app.logger.info("backup %s saved by %s", name, current_user.id)
    response = send_file(path, as_attachment=True, download_name=name, mimetype="application/vnd.sqlite3",
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a proxy or the browser cache
    response.call_on_close(lambda: shutil.rmtree(path.parent, ignore_errors=True))
    return response
