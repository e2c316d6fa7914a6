"""`flask serve`: the production server (waitress; also runs on the Windows PCs of village centres)."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default=None, help="0.0.0.0 to serve the village centre's network.")
@click.option("--port", default=None, type=int)
@click.option("--threads", default=8, show_default=True)
@with_appcontext
def serve_command(host, port, threads):
    """Serve the site with waitress."""
    from waitress import serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app, for waitress
    host = host or app.config["SERVE_HOST"]
    port = port or app.config["SERVE_PORT"]
    click.echo(f"Auyl DigitAll: http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/  (Ctrl+C stops)")
    serve(app, host=host, port=port, threads=threads)
