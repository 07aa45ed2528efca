"""Code run in child processes by the integration tests (importable by multiprocessing)."""

from __future__ import annotations

from pathlib import Path

from directory.services.errors import VersionConflict


def edit_repeatedly(database: str, instance: str, public_id: str, worker: int, edits: int) -> dict:
    """Apply ``edits`` edits to one contact, re-reading and retrying on a version conflict.

    ``database`` is a SQLite file path or a database URL.
    """
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import Contact
    from directory.services.actors import Actor
    from directory.services.contacts import update_contact
    from tests.conftest import make_app
    from tests.factories import contact_data

    app = make_app(database if "://" in database else Path(database), Path(instance))
    conflicts = errors = done = 0
    with app.app_context():
        while done < edits:
            db.session.rollback()
            version = db.session.scalar(
                select(Contact.version).where(Contact.public_id == public_id)
            )
            try:
                update_contact(
                    Actor.system(f"worker-{worker}"),
                    public_id,
                    contact_data(notes=f"worker {worker} edit {done}"),
                    expected_version=version,
                )
                done += 1
            except VersionConflict:
                conflicts += 1
            except Exception as error:  # counted and reported to the parent
                errors += 1
                if errors > 5:
                    return {"done": done, "conflicts": conflicts, "errors": repr(error)}
        db.engine.dispose()
    return {"done": done, "conflicts": conflicts, "errors": errors}
