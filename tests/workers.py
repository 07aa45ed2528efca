"""Code run in child processes by the integration tests (importable by multiprocessing)."""

from __future__ import annotations

from pathlib import Path

from directory.services.errors import VersionConflict


def edit_once(public_id: str, data, actor) -> int:
    """Save ``data`` over the contact's current version, re-reading after each conflict with
    another writer; returns how many conflicts it met."""
    from sqlalchemy import select

    from directory.extensions import db
    from directory.models import Contact
    from directory.services.contacts import update_contact

    conflicts = 0
    while True:
        db.session.rollback()
        version = db.session.scalar(select(Contact.version).where(Contact.public_id == public_id))
        try:
            update_contact(actor, public_id, data, expected_version=version)
            return conflicts
        except VersionConflict:
            conflicts += 1


def edit_repeatedly(database: str, instance: str, public_id: str, worker: int, edits: int) -> dict:
    """Apply ``edits`` edits to one contact, re-reading and retrying on a version conflict.

    ``database`` is a SQLite file path or a database URL.
    """
    from directory.extensions import db
    from directory.services.actors import Actor
    from tests.conftest import make_app
    from tests.factories import contact_data

    app = make_app(database if "://" in database else Path(database), Path(instance))
    conflicts = errors = done = 0
    with app.app_context():
        while done < edits:
            try:
                conflicts += edit_once(
                    public_id,
                    contact_data(notes=f"worker {worker} edit {done}"),
                    Actor.system(f"worker-{worker}"),
                )
                done += 1
            except Exception as error:  # counted and reported to the parent
                errors += 1
                if errors > 5:
                    return {"done": done, "conflicts": conflicts, "errors": repr(error)}
        db.engine.dispose()
    return {"done": done, "conflicts": conflicts, "errors": errors}
