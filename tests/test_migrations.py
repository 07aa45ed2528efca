"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from directory.extensions import db
from tests.conftest import make_app


def test_models_and_migrations_do_not_drift(tmp_path: Path) -> None:
    app = make_app(tmp_path / "fresh.sqlite3", tmp_path / "instance")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"run `flask db migrate`: {differences}"
        db.engine.dispose()


def test_downgrade_then_upgrade(tmp_path: Path) -> None:
    app = make_app(tmp_path / "roundtrip.sqlite3", tmp_path / "instance")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"countries", "areas", "contacts", "contact_channels", "users", "changes"} <= tables
        db.engine.dispose()


def test_revision_files_are_date_prefixed() -> None:
    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = [path.name for path in versions.glob("*.py")]
    assert names
    assert all(name[:8].isdigit() and name[8] == "_" for name in names), names
