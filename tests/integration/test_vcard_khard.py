"""Downloaded vCards read by a real address book program: khard (Debian package ``khard``).

khard keeps an address book as a folder of ``.vcf`` files, one card each (a vdir), and reads
them with Debian's own vobject, not the one in the virtual environment. It has no import
command: a card is taken in by putting its file in the folder, as a CardDAV sync would. Each
test runs khard with a config file and a home of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from directory.exports.vcard import contact_uid
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.services.validation import ChannelData
from tests.factories import contact_data

pytestmark = pytest.mark.integration

SYSTEM = Actor.system("tests")


@dataclass
class Khard:
    book: Path
    config: Path
    home: Path

    def run(self, *args: str) -> str:
        program = shutil.which("khard")
        assert program, "khard is missing: apt-get install --no-install-recommends khard"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        }
        done = subprocess.run(
            [program, "-c", str(self.config), *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", done.stderr  # no card skipped or complained about
        return done.stdout

    def take(self, name: str, vcard: bytes) -> None:
        (self.book / name).write_bytes(vcard)


@pytest.fixture
def khard(tmp_path: Path) -> Khard:
    home = tmp_path / "home"
    book = home / "contacts" / "directory"
    book.mkdir(parents=True)
    config = home / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[directory]]\npath = {book}\n\n"
        "[general]\ndefault_action = list\n\n"
        "[contact table]\ndisplay = formatted_name\n\n"
        "[vcard]\npreferred_version = 4.0\n",
        encoding="utf-8",
    )
    return Khard(book, config, home)


def download(client: FlaskClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    body = response.get_data()
    assert b"\r\nVERSION:4.0\r\n" in body
    return body


def test_khard_reads_a_downloaded_contact(app: Flask, signed_in: FlaskClient, khard: Khard) -> None:
    contact = create_contact(
        SYSTEM,
        contact_data(
            holder_honorific="Dr",
            holder_given_name="Zoë",
            holder_family_name="Núñez",
            channels=[
                ChannelData("phone", "+1 876 906 9670", "Office"),
                ChannelData("mobile", "+1 876 906 9674", "Duty mobile", True),
                ChannelData("satellite", "+881 631 234 567"),
                ChannelData("fax", "+1 876 906 9675"),
                ChannelData("email", "duty@odpem.jm.example.org", "Duty desk"),
            ],
            postal_address="12 Camp Road",
            city="Kingston",
        ),
    )
    uid = contact_uid(contact.public_id)
    khard.take(
        f"{contact.public_id}.vcf", download(signed_in, f"/contacts/{contact.public_id}.vcf")
    )

    listed = khard.run("list", "--parsable")
    assert listed.splitlines() == [f"{uid}\tDr Zoë Núñez\tdirectory"]

    emails = khard.run("email", "--parsable")
    assert "duty@odpem.jm.example.org\tDr Zoë Núñez\tDuty desk, work, pref=1" in emails.splitlines()

    phones = khard.run("phone", "--parsable").splitlines()
    assert "+18769069674\tDr Zoë Núñez\tDuty mobile, cell, pref=1" in phones
    assert "+18769069670\tDr Zoë Núñez\tOffice, work, voice" in phones
    assert "+881631234567\tDr Zoë Núñez\tSatellite phone, voice" in phones
    assert "+18769069675\tDr Zoë Núñez\tfax" in phones

    shown = khard.run("show", f"uid:{uid}")
    assert "Title: 24/7 duty officer" in shown
    assert "Office of Disaster Preparedness, Jamaica" in shown
    assert "12 Camp Road" in shown
    assert "Hours: Mon-Fri 08:00-17:00 (America/Jamaica local time)" in shown
    assert "Last verified: never" in shown
    assert "Exported " in shown

    found = khard.run("phone", "--parsable", "Núñez").splitlines()
    assert len(found) == 4  # khard finds the card by its accented name


def test_khard_reads_every_card_of_a_state_download(
    app: Flask, signed_in: FlaskClient, khard: Khard
) -> None:
    named = create_contact(SYSTEM, contact_data(holder_family_name="Núñez"))
    desk = create_contact(
        SYSTEM,
        contact_data(
            holder_given_name="",
            holder_family_name="",
            position_title="Duty officer, São João liaison",
            channels=[ChannelData("email", "ops@odpem.jm.example.org")],
        ),
    )
    body = download(signed_in, "/countries/JM.vcf")
    cards = [card + b"END:VCARD\r\n" for card in body.split(b"END:VCARD\r\n") if card.strip()]
    assert len(cards) == 2
    for number, card in enumerate(cards):  # a vdir holds one card per file
        khard.take(f"card-{number}.vcf", card)

    listed = sorted(khard.run("list", "--parsable").splitlines())
    assert listed == sorted(
        [
            f"{contact_uid(named.public_id)}\tZoë Núñez\tdirectory",
            f"{contact_uid(desk.public_id)}\t"
            "Jamaica, Disaster response: Duty officer, São João liaison\tdirectory",
        ]
    )
    emails = khard.run("email", "--parsable").splitlines()
    assert (
        "ops@odpem.jm.example.org\tJamaica, Disaster response: Duty officer, São João liaison"
        "\twork, pref=1" in emails
    )
