"""Flask commands: they call the same services as the web pages."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .services.actors import Actor
from .services.errors import DomainError, ValidationFailed
from .services.seed import seed_demo, seed_reference
from .services.users import create_user

seed_cli = AppGroup("seed", help="Load reference data or the demo directory.")
users_cli = AppGroup("users", help="Manage the people who sign in.")


def _fail(error: DomainError) -> None:
    if isinstance(error, ValidationFailed):
        for field, messages in error.errors.items():
            click.secho(f"{field}: {' '.join(str(m) for m in messages)}", fg="red", err=True)
    else:
        click.secho(str(error), fg="red", err=True)
    sys.exit(1)


@seed_cli.command("reference")
def seed_reference_command() -> None:
    """Insert or refresh the 35 member states and the 4 mandate areas."""
    new_countries, new_areas = seed_reference()
    click.echo(f"Member states: {new_countries} added. Mandate areas: {new_areas} added.")


@seed_cli.command("demo")
@click.option(
    "--login-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the demo sign-ins (default: instance/demo-login.txt).",
)
def seed_demo_command(login_file: Path | None) -> None:
    """Member states, areas, demo users and fictional demo contacts. Safe to run again."""
    from .reference.demo import demo_contacts  # large data: loaded only for this command

    specs = demo_contacts()
    with click.progressbar(length=len(specs), label="Demo contacts", file=sys.stderr) as bar:
        report = seed_demo(specs, progress=bar.update)
    click.echo(
        f"Member states added: {report.countries}; areas added: {report.areas}; "
        f"contacts added: {report.contacts_created}, already there: {report.contacts_existing}."
    )
    if report.users_created:
        login_file = login_file or Path(current_app.instance_path) / "demo-login.txt"
        lines = [f"{email}  {password}  ({role})" for email, role, password in report.users_created]
        login_file.parent.mkdir(parents=True, exist_ok=True)
        with login_file.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        login_file.chmod(0o600)
        click.echo(f"Demo sign-ins (also in {login_file}):")
        for line in lines:
            click.echo(f"  {line}")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "editor", "viewer"]),
    required=True,
    help="admin: the secretariat; editor: one state's focal point; viewer: reads only.",
)
@click.option("--country", "country_code", default=None, help="ISO code of an editor's state.")
@click.option("--name", default="", help="The person's name as shown in the directory.")
def users_create_command(email: str, role: str, country_code: str | None, name: str) -> None:
    """Create a user. The password is asked for, or read from standard input when piped."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(
            Actor.system("cli"), email, password, role=role, country_code=country_code, name=name
        )
    except DomainError as error:
        _fail(error)
        return
    where = f" for {user.country_code}" if user.country_code else ""
    click.echo(f"Created {user.role} {user.email}{where}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, shown in the token list.")
def users_token_command(email: str, label: str) -> None:
    """Print a new API token for a user. It is shown once; only its hash is kept."""

    from .services.tokens import create_token
    from .services.users import user_by_email

    user = user_by_email(email)
    if user is None or not user.is_active:
        click.secho(f"No active user {email}.", fg="red", err=True)
        sys.exit(1)
    try:
        token = create_token(Actor.system("cli"), user.id, label)
    except DomainError as error:
        _fail(error)
        return
    click.echo(token)


search_cli = AppGroup(
    "search", help="The search index: rebuild it or compare it with the database."
)


@search_cli.command("rebuild")
def search_rebuild_command() -> None:
    """Build the search index afresh from the database, then swap it in."""
    from .projections.search.index import REBUILD_PROCESSES
    from .projections.search.projection import rebuild_index
    from .services.browse import count_active_contacts

    total = count_active_contacts()
    with click.progressbar(length=total, label="Indexing contacts", file=sys.stderr) as bar:
        workers = REBUILD_PROCESSES if total >= 5000 else 1
        count = rebuild_index(progress=bar.update, processes=workers)
    click.echo(f"Indexed {count} active contacts.")


@search_cli.command("check")
def search_check_command() -> None:
    """Compare the index with the database; exit status 1 and a list when they differ."""
    from .projections.search.projection import check_index

    differences = check_index()
    for line in differences:
        click.echo(line)
    if differences:
        click.secho(
            f"{len(differences)} differences: run `flask search rebuild`.", fg="red", err=True
        )
        sys.exit(1)
    click.echo("The index and the database agree.")


ldap_cli = AppGroup("ldap", help="The LDAP server that mail clients read: export, sync, follow.")


def _ldap_settings():
    from .projections.ldap.settings import LdapSettings, SyncError

    try:
        return LdapSettings.from_config(current_app.config)
    except SyncError as error:
        click.secho(str(error), fg="red", err=True)
        sys.exit(2)


@ldap_cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--base",
    "base_dn",
    default=None,
    help="The DN the entries go under (default: LDAP_BASE_DN, else ou=contacts,dc=example,dc=org).",
)
@click.option(
    "--with-base/--without-base",
    default=True,
    help="Start with the base entry itself (an organizational unit), for an empty server.",
)
def ldap_export_command(file: Path | None, base_dn: str | None, with_base: bool) -> None:
    """Write the whole directory as LDIF (RFC 2849) to FILE, or to standard output.

    Load it with `ldapadd -x -D ... -W -f FILE`, or offline with `slapadd -q -l FILE`."""
    from .projections.ldap.export import export_ldif
    from .services.browse import count_active_contacts

    base_dn = base_dn or current_app.config.get("LDAP_BASE_DN") or "ou=contacts,dc=example,dc=org"
    language = current_app.config.get("DEFAULT_LOCALE") or "en"
    total = count_active_contacts()
    out = file.open("w", encoding="utf-8", newline="\n") if file else sys.stdout
    try:
        with click.progressbar(length=total, label="Exporting contacts", file=sys.stderr) as bar:
            count, desired = export_ldif(out, base_dn, language, with_base, progress=bar.update)
    finally:
        if file:
            out.close()
    for uid, reason in desired.refused.items():
        click.secho(f"Left out {uid}: {reason}", fg="yellow", err=True)
    for item in desired.left_out:
        click.secho(f"Value left out: {item}", fg="yellow", err=True)
    from .services.exports import record_export

    record_export(Actor.system("cli"), "ldif", "all", count)
    where = f" to {file}" if file else ""
    click.echo(f"Wrote {count} entries{where}.", err=True)


@ldap_cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option(
    "--follow",
    is_flag=True,
    help="After the sync, apply every change as it is made; stop with Ctrl-C.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=None,
    help="With --follow: seconds between looks at the change log (default 1).",
)
def ldap_sync_command(dry_run: bool, follow: bool, interval: float | None) -> None:
    """Bring the LDAP server in step with the directory: add, modify and delete entries under
    LDAP_BASE_DN. Entries that the sync did not make are never touched."""
    from .projections.ldap.follow import follow_changes
    from .projections.ldap.settings import SyncError
    from .projections.ldap.sync import sync

    settings = _ldap_settings()
    if follow:
        if dry_run:
            click.secho("--follow and --dry-run do not go together.", fg="red", err=True)
            sys.exit(2)
        config = current_app.config
        every = interval or config["LDAP_FOLLOW_INTERVAL_MS"] / 1000
        click.echo(f"Following the change log into {settings.url} (Ctrl-C stops).", err=True)
        # Ctrl-C and a service manager's SIGTERM end the loop between two changes, never in the
        # middle of one; set here, not inherited (a parent that ignores SIGINT passes that on).
        stop = threading.Event()
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            follow_changes(
                settings,
                interval=every,
                retry_max=float(config["LDAP_RETRY_MAX_SECONDS"]),
                stop=stop,
                report=lambda line: click.echo(line, err=True),
            )
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        click.echo("Stopped.", err=True)
        return

    with contextlib.ExitStack() as stack:

        def on_plan(report):
            if dry_run or not report.actions:
                return None
            label = "Writing to the LDAP server"
            bar = click.progressbar(length=len(report.actions), label=label, file=sys.stderr)
            return stack.enter_context(bar).update

        try:
            report = sync(settings, dry_run=dry_run, on_plan=on_plan, echo=click.echo)
        except SyncError as error:
            stack.close()
            click.secho(str(error), fg="red", err=True)
            sys.exit(1)
    for reason in report.refused.values():
        click.secho(f"Left as it was: {reason}", fg="yellow", err=True)
    for item in report.left_out:
        click.secho(f"Value left out: {item}", fg="yellow", err=True)
    prefix = "Would do: " if dry_run else ""
    click.echo(f"{prefix}{report.summary()}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(ldap_cli)
    from .transfers.cli import contacts_cli

    app.cli.add_command(contacts_cli)
    from .packs.cli import packs_cli

    app.cli.add_command(packs_cli)
