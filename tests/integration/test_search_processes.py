"""Several processes editing through the services, each catching the one index up after its
own commits: no update lost, no duplicate, every contact indexed at its final version."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, Contact
from directory.projections.follower import cursor_of
from directory.projections.search.engine import SearchQuery
from directory.projections.search.projection import check_index, forget_index, index_for_app
from directory.projections.search.storage import cursor_name
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from tests.conftest import make_app
from tests.factories import contact_data
from tests.search.workers import edit_and_index

pytestmark = pytest.mark.integration

WORKERS = 4
EDITS = 50


def test_processes_editing_at_once_leave_the_index_in_step(
    template_database: Path, tmp_path: Path
) -> None:
    database = tmp_path / "shared.sqlite3"
    shutil.copyfile(template_database, database)
    index = str(tmp_path / "index")
    app = make_app(database, tmp_path / "instance", SEARCH_INDEX_DIR=index)
    with app.app_context():
        system = Actor.system("tests")
        own = [
            create_contact(system, contact_data(organisation=f"Start {w}")).public_id
            for w in range(WORKERS)
        ]
        shared = create_contact(system, contact_data(organisation="Start shared")).public_id
        db.session.remove()

    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = pool.starmap(
            edit_and_index,
            [
                (str(database), str(tmp_path / "instance"), index, [own[w], shared], w, EDITS)
                for w in range(WORKERS)
            ],
            chunksize=1,
        )

    assert [result["errors"] for result in results] == [[]] * WORKERS, results
    assert [result["log"] for result in results] == [[]] * WORKERS, results  # none busy or broken
    assert sum(result["done"] for result in results) == WORKERS * EDITS

    with app.app_context():
        try:
            assert check_index() == []
            contacts = list(db.session.scalars(select(Contact)))
            assert sum(contact.version for contact in contacts) == len(contacts) + WORKERS * EDITS
            searcher = index_for_app().searcher()
            assert searcher.doc_count() == len(contacts)  # no old version left beside a new one
            stored = {fields["id"]: fields for fields in searcher.all_stored_fields()}
            now = datetime.now(UTC)
            for contact in contacts:
                assert stored[contact.public_id]["version"] == contact.version
                final = re.search(r"w\d+e\d+", contact.organisation)
                assert final, contact.organisation
                found = index_for_app().search(SearchQuery(text=final.group()), now)
                assert [c.public_id for c in found.contacts] == [contact.public_id]
            last = db.session.scalar(select(func.max(Change.seq)))
            # the last write's own catch-up read the log's end after its commit
            assert cursor_of(cursor_name(index_for_app().index_id)) == last
        finally:
            forget_index(app)
            db.session.remove()
            db.engine.dispose()
