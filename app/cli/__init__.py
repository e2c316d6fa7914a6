"""Command-line tools: `flask content|user|village|report|demo|serve|i18n|sync`."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from .content import content_cli
    from .demo import demo_command
    from .i18n import i18n_cli
    from .reports import report_cli
    from .serve import serve_command
    from .sync import sync_cli
    from .users import user_cli
    from .villages import village_cli

    for command in (content_cli, user_cli, demo_command, serve_command, i18n_cli, report_cli, village_cli, sync_cli):
        app.cli.add_command(command)
