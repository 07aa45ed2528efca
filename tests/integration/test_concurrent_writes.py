"""Several processes writing to one SQLite database: no "database is locked", no lost update."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from tests.conftest import make_app
from tests.factories import contact_data
from tests.workers import edit_repeatedly

pytestmark = pytest.mark.integration

WORKERS = 4
EDITS = 20


def test_concurrent_editors_lose_nothing(template_database: Path, tmp_path: Path) -> None:
    database = tmp_path / "shared.sqlite3"
    shutil.copyfile(template_database, database)
    app = make_app(database, tmp_path / "instance")
    with app.app_context():
        public_id = create_contact(Actor.system("tests"), contact_data()).public_id
        db.session.remove()
        db.engine.dispose()

    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = pool.starmap(
            edit_repeatedly,
            [
                (str(database), str(tmp_path / "instance"), public_id, w, EDITS)
                for w in range(WORKERS)
            ],
            chunksize=1,
        )

    assert [result["errors"] for result in results] == [0] * WORKERS, results
    assert sum(result["done"] for result in results) == WORKERS * EDITS
    with app.app_context():
        contact = db.session.scalar(select(Contact).where(Contact.public_id == public_id))
        assert contact.version == 1 + WORKERS * EDITS
        updates = db.session.scalar(
            select(func.count()).select_from(Change).where(Change.action == "update")
        )
        assert updates == WORKERS * EDITS
        # every change recorded the version it produced, with no gap and no repeat
        versions = sorted(
            change.after["version"]
            for change in db.session.scalars(select(Change).where(Change.entity_id == public_id))
        )
        assert versions == list(range(1, 2 + WORKERS * EDITS))
        db.engine.dispose()
