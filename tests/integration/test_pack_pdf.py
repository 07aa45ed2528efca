"""The incident pack PDF as a reader sees it: the real ``pdftotext -layout`` (poppler-utils)."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import contact_data

pytestmark = pytest.mark.integration

SYSTEM = Actor.system("tests")
NOW = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
AREAS = ["disaster-response", "environmental-security", "transportation-security"]
GIVEN_NAMES = ["Andrea", "Brandon", "Camille", "Dwayne", "Esther", "Fabian", "Gloria", "Horace"]


@pytest.fixture
def jamaica(app: Flask) -> dict[str, str]:
    """Enough Jamaican contacts for several pages; one of them stale, the rest verified."""
    app.config["FROZEN_NOW"] = NOW
    for number in range(36):
        create_contact(
            SYSTEM,
            contact_data(
                area=AREAS[number % 3],
                position_title=f"Liaison officer {number:02d}",
                holder_given_name=GIVEN_NAMES[number % len(GIVEN_NAMES)],
                holder_family_name=f"Brown{number:02d}",
                channels=[
                    ChannelData("phone", f"+1 876 928 {5100 + number}", "Office"),
                    ChannelData("email", f"liaison{number}@odpem.jm.example.org"),
                ],
            ),
            verified_at=NOW - timedelta(days=20),
        )
    create_contact(
        SYSTEM,
        contact_data(
            position_title="Emergency coordinator",
            holder_given_name="Winston",
            holder_family_name="Stalewood",
            channels=[
                ChannelData("phone", "+1 876 922 0001", "Office"),
                ChannelData("mobile", "+1 876 555 0142", "Duty mobile", True),
            ],
        ),
        verified_at=NOW - timedelta(days=400),
    )
    return {"stale_since": (NOW - timedelta(days=400)).date().isoformat()}


def pdf_text(signed_in: FlaskClient, url: str, tmp_path: Path) -> list[str]:
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    document = tmp_path / "pack.pdf"
    document.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(document), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one included, with a form feed
    return pages


def test_the_state_pack_reads_right_on_every_page(
    signed_in: FlaskClient, jamaica: dict[str, str], tmp_path: Path
) -> None:
    pages = pdf_text(signed_in, "/countries/JM/pack.pdf", tmp_path)
    text = "\n".join(pages)
    assert len(pages) >= 3
    assert "Incident pack: Jamaica" in pages[0]
    assert "Generated 27 Nov 2026, 04:30 UTC" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert "Valid as of 27 Nov 2026, 04:30 UTC" in page, f"page {number}"
        assert re.search(rf"Page {number} of {len(pages)}\b", page), f"page {number}"
    for number in range(36):
        assert f"Brown{number:02d}" in text
        assert f"Liaison officer {number:02d}" in text
    assert "Winston Stalewood" in text


def test_the_contents_give_the_page_of_each_area(
    signed_in: FlaskClient, jamaica: dict[str, str], tmp_path: Path
) -> None:
    pages = pdf_text(signed_in, "/countries/JM/pack.pdf", tmp_path)
    contents = pages[0][pages[0].index("Contents") :]
    listed = dict(
        (title, int(page))
        for title, page in re.findall(r"^\s*\d+\.\s+(.+?)\s+\(\d+\)\s+(\d+)\s*$", contents, re.M)
    )
    assert list(listed) == [
        "Disaster response",
        "Environmental security",
        "Transportation security",
        "Critical infrastructure",
    ]
    for title, page in listed.items():
        body = pages[page - 1]
        # the heading is on that page, below the running header
        assert re.search(rf"^\s*{re.escape(title)}\s*$", body, re.M), (title, page)
    assert listed["Transportation security"] > listed["Disaster response"]


def test_the_24_7_line_comes_first_and_the_stale_entry_is_marked(
    signed_in: FlaskClient, jamaica: dict[str, str], tmp_path: Path
) -> None:
    text = "\n".join(pdf_text(signed_in, "/countries/JM/pack.pdf", tmp_path))
    disaster = text[text.index("Disaster response\n", text.index("Contents") + 100) :]
    # the only entry with a 24/7 line opens its area, ahead of the first in the calling order
    assert disaster.index("Emergency coordinator") < disaster.index("Liaison officer 00")
    row = disaster[disaster.index("Emergency coordinator") : disaster.index("Liaison officer 00")]
    assert row.index("+1 876-555-0142") < row.index("+1 876-922-0001")
    assert f"STALE — not verified since {jamaica['stale_since']}" in row
    assert text.count("STALE —") == 1
    assert "1 not confirmed recently" in text


def test_the_whole_directory_pack_has_every_state_in_its_contents(
    signed_in: FlaskClient, jamaica: dict[str, str], tmp_path: Path
) -> None:
    pages = pdf_text(signed_in, "/pack.pdf", tmp_path)
    # 35 lines of contents may run onto a second page
    toc = "\n".join(pages[:2])
    contents = re.findall(r"^\s*\d+\.\s+(.+?)\s+\(\d+\)\s+(\d+)\s*$", toc, re.M)
    states = {title: int(page) for title, page in contents}
    assert len(states) == 35
    assert "Jamaica" in pages[states["Jamaica"] - 1]
    assert "Winston Stalewood" in pages[states["Jamaica"] - 1]
    for number, page in enumerate(pages, start=1):
        assert "Valid as of 27 Nov 2026, 04:30 UTC" in page
        assert f"Page {number} of {len(pages)}" in page
