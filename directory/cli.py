"""Flask commands: they call the same services as the web pages."""

from __future__ import annotations

import sys
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
    from .projections.search import REBUILD_PROCESSES, rebuild_index
    from .services.browse import count_active_contacts

    total = count_active_contacts()
    with click.progressbar(length=total, label="Indexing contacts", file=sys.stderr) as bar:
        workers = REBUILD_PROCESSES if total >= 5000 else 1
        count = rebuild_index(progress=bar.update, processes=workers)
    click.echo(f"Indexed {count} active contacts.")


@search_cli.command("check")
def search_check_command() -> None:
    """Compare the index with the database; exit status 1 and a list when they differ."""
    from .projections.search import check_index

    differences = check_index()
    for line in differences:
        click.echo(line)
    if differences:
        click.secho(
            f"{len(differences)} differences: run `flask search rebuild`.", fg="red", err=True
        )
        sys.exit(1)
    click.echo("The index and the database agree.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(search_cli)
