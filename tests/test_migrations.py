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


def test_has_24_7_is_filled_for_existing_contacts(tmp_path: Path) -> None:
    from sqlalchemy import text

    app = make_app(tmp_path / "backfill.sqlite3", tmp_path / "instance")
    with app.app_context():
        upgrade(revision="35fb77d60dcb")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO countries (code, names, phone_region, time_zones) "
                    "VALUES ('JM', '{\"en\": \"Jamaica\"}', 'JM', '[\"America/Jamaica\"]')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO areas (id, slug, position, names, descriptions, synonyms) "
                    "VALUES (1, 'disaster-response', 1, '{}', '{}', '{}')"
                )
            )
            for number, round_the_clock in ((1, 0), (2, 0), (3, 1)):
                connection.execute(
                    text(
                        "INSERT INTO contacts (id, public_id, country_code, area_id, rank, "
                        "organisation, unit, position_title, holder_honorific, holder_given_name, "
                        "holder_family_name, is_vacant, languages, time_zone, hours_24_7, hours, "
                        "postal_address, city, notes, nomination_reference, status, version, "
                        "created_at, updated_at) VALUES (:id, :pid, 'JM', 1, 1, 'O', '', 'P', '', "
                        "'', '', 0, '[]', 'UTC', :rtc, '[]', '', '', '', '', 'active', 1, "
                        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                    ),
                    {"id": number, "pid": f"contact{number:05d}", "rtc": round_the_clock},
                )
            connection.execute(
                text(
                    "INSERT INTO contact_channels "
                    "(contact_id, position, kind, value, label, is_24_7)"
                    " VALUES (2, 0, 'phone', '+18769069674', '', 1)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT id, has_24_7 FROM contacts")).all())
            channels = connection.execute(text("SELECT count(*) FROM contact_channels")).scalar()
        assert channels == 1  # nothing lost on the way
        assert rows == {1: 0, 2: 1, 3: 1}
        db.engine.dispose()
