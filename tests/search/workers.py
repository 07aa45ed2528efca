"""Code run in child processes by the search integration test (importable by multiprocessing)."""

from __future__ import annotations

import logging
from pathlib import Path


class Recorder(logging.Handler):
    """Keeps the search module's warnings and errors, to send them back to the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = f": {record.exc_info[1]!r}" if record.exc_info else ""
        self.messages.append(record.getMessage() + error)


def edit_and_index(
    database: str, instance: str, index: str, public_ids: list[str], worker: int, edits: int
) -> dict:
    """Make ``edits`` edits through update_contact, cycling over ``public_ids``; each edit
    names its worker and number in the organisation ("w2e17"), so the index can be checked."""
    from directory.extensions import db
    from directory.projections import search
    from directory.services.actors import Actor
    from tests.conftest import make_app
    from tests.factories import contact_data
    from tests.workers import edit_once

    recorder = Recorder()
    logging.getLogger(search.__name__).addHandler(recorder)
    app = make_app(Path(database), Path(instance), SEARCH_INDEX_DIR=index)
    conflicts = done = 0
    errors: list[str] = []
    with app.app_context():
        while done < edits and len(errors) <= 5:
            public_id = public_ids[done % len(public_ids)]
            try:
                conflicts += edit_once(
                    public_id,
                    contact_data(organisation=f"Agency w{worker}e{done}", notes=f"w{worker}"),
                    Actor.system(f"worker-{worker}"),
                )
                done += 1
            except Exception as error:  # counted and reported to the parent
                errors.append(repr(error))
        db.session.remove()
        db.engine.dispose()
    return {"done": done, "conflicts": conflicts, "errors": errors, "log": recorder.messages}
