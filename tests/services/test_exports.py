"""The export log: every export is recorded; only admins read it, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Change, ExportRecord, User
from directory.services import exports
from directory.services.actors import Actor
from directory.services.errors import PermissionDenied
from directory.services.exports import KINDS, export_log, record_export
from directory.services.transaction import after_commit_hooks, on_commit

ADMIN = Actor.system("tests")


def test_an_export_is_recorded_with_who_what_and_how_many(users: dict[str, User]) -> None:
    viewer = Actor.of(users["viewer"])
    record_export(viewer, "vcard", "country:JM", 7)
    [record] = db.session.scalars(select(ExportRecord)).all()
    assert (record.actor_id, record.actor_label) == (users["viewer"].id, "viewer@example.org")
    assert (record.kind, record.scope, record.count) == ("vcard", "country:JM", 7)
    assert record.created_at.tzinfo is not None


def test_a_system_export_has_a_label_and_no_user(app: Flask) -> None:
    record_export(Actor.system("cli"), "ldif", "all", 250)
    record = db.session.scalar(select(ExportRecord))
    assert record is not None
    assert (record.actor_id, record.actor_label, record.kind) == (None, "cli", "ldif")


def test_an_unknown_kind_is_refused_and_nothing_is_written(app: Flask) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        record_export(ADMIN, "xlsx", "all", 1)
    assert db.session.scalar(select(func.count()).select_from(ExportRecord)) == 0


def test_a_long_search_scope_is_cut_to_fit(app: Flask) -> None:
    record_export(ADMIN, "csv", "search:" + "x" * 500, 3)
    record = db.session.scalar(select(ExportRecord))
    assert record is not None
    assert len(record.scope) == 300 and record.scope.startswith("search:xxx")


def test_an_export_is_not_a_change_and_runs_no_projection(app: Flask) -> None:
    ran: list[str] = []

    def hook() -> None:
        ran.append("hook")

    on_commit(app, hook)
    try:
        record_export(ADMIN, "pdf", "all", 12)
    finally:
        after_commit_hooks(app).remove(hook)
    assert ran == []
    assert db.session.scalar(select(func.count()).select_from(Change)) == 0


def test_only_admins_read_the_export_log(users: dict[str, User]) -> None:
    record_export(Actor.of(users["viewer"]), "csv", "all", 1)
    for role in ("editor", "viewer"):
        with pytest.raises(PermissionDenied):
            export_log(Actor.of(users[role]))
    assert export_log(Actor.of(users["admin"])).total == 1
    assert export_log(ADMIN).total == 1


def test_the_log_is_newest_first_and_paginated(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    # recorded out of time order; two at the same instant: the later row first
    for minutes, kind in ((10, "csv"), (0, "vcard"), (20, "html"), (20, "ldif")):
        monkeypatch.setattr(exports, "utcnow", lambda m=minutes: start + timedelta(minutes=m))
        record_export(ADMIN, kind, "all", minutes)
    first = export_log(ADMIN, page=1, per_page=3)
    assert [record.kind for record in first.items] == ["ldif", "html", "csv"]
    assert (first.total, first.pages) == (4, 2)
    assert [record.kind for record in export_log(ADMIN, page=2, per_page=3).items] == ["vcard"]


def test_every_kind_the_pages_offer_is_accepted(app: Flask) -> None:
    for kind in KINDS:
        record_export(ADMIN, kind, "all", 0)
    assert sorted(record.kind for record in export_log(ADMIN, per_page=50).items) == sorted(KINDS)
