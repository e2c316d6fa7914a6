"""gunicorn settings for the district server (Linux): `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

See docs/deploy.md. Settings can be changed without editing this file through environment
variables (AUYL_WORKERS, AUYL_BIND) in /etc/auyl/auyl.env.
"""

import multiprocessing
import os
import sys

# Only the reverse proxy (Caddy or nginx, same machine) talks to gunicorn.
bind = os.environ.get("AUYL_BIND", "127.0.0.1:8000")
# Sync workers: each handles one request at a time; pages are quick, so 2 per core + 1 is plenty.
workers = int(os.environ.get("AUYL_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = 60  # a district report (XLSX) of the whole programme may take some seconds
graceful_timeout = 30
# Load the app once in the master: the course is read once, and a secret key made on first run
# (instance/secret_key) is the same for every worker.
preload_app = True
accesslog = "-"  # to the journal (journalctl -u auyl)
errorlog = "-"
# Never log request bodies: they carry PINs and passwords. The default access log format has none.


def on_starting(server):
    """Stop with what to run when the database's schema is missing or behind, before any worker starts."""
    from app import create_app
    from app.extensions import db
    from app.schema import check_schema

    app = create_app()
    with app.app_context():
        check = check_schema()
        db.engine.dispose()  # no connection opened in the master is shared with forked workers
    if not check.ok:
        print(f"auyl: {check.problem}", file=sys.stderr)
        sys.exit(1)
