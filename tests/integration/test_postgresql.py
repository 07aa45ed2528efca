"""The directory on PostgreSQL: migrations, seed, pages and concurrent writers."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact
from directory.services.actors import Actor
from directory.services.contacts import update_contact
from directory.services.errors import VersionConflict
from tests.conftest import make_app
from tests.factories import contact_data
from tests.integration.postgres import postgres_server
from tests.workers import edit_repeatedly

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def pg_app(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(postgres_url, tmp_path_factory.mktemp("pg") / "instance")
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_migrations_match_the_models_on_postgresql(pg_app: Flask) -> None:
    with pg_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_seed_and_pages_on_postgresql(pg_app: Flask) -> None:
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) > 200
        runner = pg_app.test_cli_runner()
        assert runner.invoke(args=["seed", "demo"]).exit_code == 0  # idempotent here too
        public_id = db.session.scalar(select(Contact.public_id).limit(1))
        login = (Path(pg_app.instance_path) / "demo-login.txt").read_text().split()
        db.session.remove()
    client = pg_app.test_client()
    assert client.post("/login", data={"email": login[0], "password": login[1]}).status_code == 302
    for url in (
        "/",
        "/countries/HT",
        "/areas/disaster-response",
        f"/contacts/{public_id}",
        "/countries/BR/disaster-response",
        "/search?q=nacional",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert '<td class="cell ' in client.get("/").get_data(as_text=True)


def test_version_conflict_on_postgresql(pg_app: Flask) -> None:
    with pg_app.app_context():
        contact = db.session.scalar(select(Contact).where(Contact.country_code == "CL").limit(1))
        public_id, version = contact.public_id, contact.version
        system = Actor.system("tests")
        data = contact_data(country="CL", time_zone="America/Santiago", channels=[])
        update_contact(system, public_id, data, version)
        with pytest.raises(VersionConflict):
            update_contact(
                system,
                public_id,
                contact_data(
                    country="CL", channels=[], time_zone="America/Santiago", city="Valparaíso"
                ),
                version,
            )
        db.session.remove()


def test_concurrent_editors_on_postgresql(pg_app: Flask, postgres_url: str, tmp_path) -> None:
    with pg_app.app_context():
        public_id = db.session.scalar(
            select(Contact.public_id).where(Contact.country_code == "JM").limit(1)
        )
        first_seq = db.session.scalar(select(func.max(Change.seq)))
        db.session.remove()
    workers, edits = 3, 10
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = pool.starmap(
            edit_repeatedly,
            [
                (postgres_url, str(tmp_path / "instance"), public_id, w, edits)
                for w in range(workers)
            ],
            chunksize=1,
        )
    assert [r["errors"] for r in results] == [0] * workers, results
    with pg_app.app_context():
        changes = list(
            db.session.scalars(select(Change).where(Change.seq > first_seq).order_by(Change.seq))
        )
        assert len(changes) == workers * edits
        versions = [change.after["version"] for change in changes]
        assert versions == sorted(versions)  # committed in the order of the log
        db.session.remove()
