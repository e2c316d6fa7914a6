"""`flask sync …`: this server's identity, enrolment, and bundles on a USB stick."""

from __future__ import annotations

import uuid
from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import SyncNode, Village
from ..sync import exchange, lock, peers
from ..sync.bundle import BundleError
from ..sync.node import this_node

sync_cli = AppGroup("sync", help="Exchange learners' work between village servers and the district server.")


@sync_cli.command("identity")
def identity():
    """Print this server's node id, role and public key (give them to the other side to enrol)."""
    me = this_node()
    click.echo(f"node id:    {me.node_id}\nrole:       {me.role}\npublic key: {me.public_key_text}")


@sync_cli.command("enrol")
@click.option("--node-id", required=True)
@click.option("--key", "public_key", required=True, help="The other server's public key (flask sync identity).")
@click.option("--role", type=click.Choice(["district", "village"]), required=True)
@click.option("--name", required=True)
@click.option("--village", "villages", multiple=True, help="A village that server serves (its name in Kazakh or Russian).")
@click.option("--url", help="The district server's address (on a village server).")
def enrol(node_id, public_key, role, name, villages, url):
    """Trust another server (once, at enrolment)."""
    ids = []
    for village_name in villages:
        village = db.session.scalar(db.select(Village).where(db.or_(Village.name_kk == village_name, Village.name_ru == village_name)))
        if village is None:
            raise click.ClickException(f"no village called {village_name!r} here")
        ids.append(village.id)
    try:
        node = peers.enrol(node_id, role, public_key, name, ids, url)
    except peers.EnrolError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"enrolled {node.role} server {node.name} ({node.id}), villages: {len(node.villages)}")


@sync_cli.command("export")
@click.option("--to", "to", required=True, help="The receiving server's node id or name.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export(to, output: Path):
    """Write what the other server lacks to a file (sealed to its key: safe on a USB stick)."""
    peer = _peer(to)
    try:
        with lock.exclusive():
            data, records, events = exchange.export_for(peer, seal=True)
            tmp = output.with_name(output.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(output)  # a stick pulled out mid-write leaves no half bundle under the real name
            exchange.log_attempt(peer, route="file", direction="send", records=records, events=events, size=len(data))
    except lock.Busy as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{output}: {records} records, {events} events, {len(data):,} bytes for {peer.name}")


@sync_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(path: Path):
    """Apply a bundle file from another server. Re-importing the same file changes nothing."""
    data = path.read_bytes()
    try:
        with lock.exclusive():
            result = exchange.apply_logged(data, route="file")
    except lock.Busy as exc:
        raise click.ClickException(str(exc)) from exc
    except (BundleError, exchange.SyncError) as exc:
        raise click.ClickException(f"{path}: nothing imported: {exchange.describe(exc, english=True)}") from exc
    click.echo(f"{path}: from {result.sender.name}: {result.events_new} new events ({result.events_known} already here), "
               f"{result.records_new} new or changed records ({result.records_known} already here)")


@sync_cli.command("status")
def status():
    """How far this server holds each origin's changes, and the known servers."""
    me = this_node()
    click.echo(f"this server: {me.node_id} ({me.role})")
    for node in db.session.scalars(db.select(SyncNode).order_by(SyncNode.name)):
        click.echo(f"  {node.role:8} {node.name} {node.id} villages: {', '.join(v.name_kk for v in node.villages) or '-'}")
    for stream in exchange.STREAMS:
        for origin, upto in sorted(exchange.vector(stream).items()):
            click.echo(f"  {stream:7} from {origin}: up to {upto}")


@sync_cli.command("unlock")
def unlock():
    """Clear a sync lock left by a server that was switched off mid-sync."""
    click.echo("lock cleared" if lock.unlock() else "no lock was held")


def _peer(text: str) -> SyncNode:
    try:
        node = db.session.get(SyncNode, uuid.UUID(text))
    except ValueError:
        node = db.session.scalar(db.select(SyncNode).where(SyncNode.name == text))
    if node is None:
        raise click.ClickException(f"no enrolled server {text!r} (see flask sync status)")
    return node


@sync_cli.command("now")
def now():
    """Sync with the district server over the network: send what it lacks, fetch what this lacks."""
    from ..sync import client

    district = db.session.scalar(db.select(SyncNode).where(SyncNode.role == "district", SyncNode.active))
    if district is None:
        raise click.ClickException("no district server is enrolled here (flask sync enrol --role district …)")

    def show(totals: client.Totals):
        click.echo(f"\r  round {totals.rounds}: sent {totals.sent_events:,} events, received {totals.got_events:,}, "
                   f"{totals.bytes / 1024:,.0f} KB", nl=False)

    try:
        with lock.exclusive():
            totals = client.sync_now(district, progress=show)
    except lock.Busy as exc:
        raise click.ClickException(str(exc)) from exc
    except (client.LinkError, BundleError, exchange.SyncError) as exc:
        click.echo("")
        raise click.ClickException(f"sync stopped: {exchange.describe(exc, english=True)}; what was sent before is kept, "
                                   "run it again to go on") from exc
    click.echo(f"\nin sync with {district.name}: sent {totals.sent_events:,} events and {totals.sent_records:,} records, "
               f"received {totals.got_events:,} events and {totals.got_records:,} records "
               f"(round trip {totals.round_trip_ms:.0f} ms)")
