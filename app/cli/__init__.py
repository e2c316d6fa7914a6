"""Command-line tools: `flask content|user|village|report|demo|serve|i18n|backup|restore|sync|progress`."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from .backup import backup_command, restore_command
    from .content import content_cli
    from .demo import demo_command
    from .i18n import i18n_cli
    from .progress import progress_cli
    from .reports import report_cli
    from .serve import serve_command
    from .sync import sync_cli
    from .users import user_cli
    from .villages import village_cli

    for command in (content_cli, user_cli, demo_command, serve_command, i18n_cli, report_cli, village_cli, sync_cli,
                    progress_cli):
        app.cli.add_command(command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def require_current_schema() -> None:
    """Stop a command with a clear message (exit 1) when the database's schema is missing or old."""
    import click

    from ..schema import check_schema

    check = check_schema()
    if not check.ok:
        raise click.ClickException(check.problem)
