from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact, User
from directory.services.users import authenticate
from tests.factories import PASSWORD


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Contact, User, Change)
    }


def test_seed_demo_is_idempotent(runner: FlaskCliRunner, app: Flask) -> None:
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first["Contact"] > 200
    assert after_first["User"] == 3
    assert "Demo sign-ins" in first.output
    login_file = Path(app.instance_path) / "demo-login.txt"
    email, password, _role = login_file.read_text().splitlines()[0].split()
    assert authenticate(email, password) is not None

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert counts() == after_first
    assert "contacts added: 0" in second.output
    assert len(login_file.read_text().splitlines()) == 3  # no new passwords


def test_demo_directory_covers_every_state_and_area(runner: FlaskCliRunner, app: Flask) -> None:
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    pairs = db.session.execute(
        select(Contact.country_code, Contact.area_id).where(Contact.rank == 1).distinct()
    ).all()
    assert len(pairs) == 35 * 4
    vacant = db.session.scalars(select(Contact).where(Contact.is_vacant.is_(True))).all()
    assert len(vacant) == 1 and vacant[0].holder_name == ""
    names = " ".join(db.session.scalars(select(Contact.holder_family_name)))
    for name in ("Núñez", "D'Aubigné", "Hernández-Ruiz", "O'Neil"):
        assert name in names
    # every demo write went through the service: one create Change per contact
    creates = db.session.scalar(
        select(func.count())
        .select_from(Change)
        .where(Change.entity == "contact", Change.action == "create")
    )
    assert creates == counts()["Contact"]


def test_users_create_reads_the_password_from_stdin(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "Focal@Example.org", "--role", "editor", "--country", "br"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created editor focal@example.org for BR." in result.output
    assert authenticate("focal@example.org", PASSWORD) is not None


def test_users_create_explains_what_is_wrong(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "not-an-email", "--role", "editor"], input="short\n"
    )
    assert result.exit_code == 1
    assert re.search(r"email: .+", result.output)
    assert "password: must be at least 10 characters" in result.output
    assert "country: an editor belongs to one member state" in result.output
    bad_role = runner.invoke(args=["users", "create", "a@example.org", "--role", "king"])
    assert bad_role.exit_code == 2 and "Invalid value for '--role'" in bad_role.output


@pytest.mark.parametrize(
    "command",
    [["seed"], ["seed", "demo"], ["seed", "reference"], ["users"], ["users", "create"]],
)
def test_every_command_has_help(runner: FlaskCliRunner, command: list[str]) -> None:
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3
