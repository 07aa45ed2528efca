"""How the browsing pages hold up as the directory grows.

For each size, a fresh SQLite database is migrated, seeded with the reference data and filled
with generated contacts; the home page (coverage matrix), two country pages and an area page are
then requested through the Flask test client while signed in, and their latencies are reported
in one table.

Run by hand from the project folder:

    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --sizes 1000 20000 --requests 10 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

# The script is run by path (bench/pages.py): make the project importable.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import phonenumbers  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from config import TestingConfig  # noqa: E402
from directory import create_app  # noqa: E402
from directory.extensions import db  # noqa: E402
from directory.models import Area, Channel, Contact, Country, Role  # noqa: E402
from directory.models.base import utcnow  # noqa: E402
from directory.services.actors import Actor  # noqa: E402
from directory.services.seed import seed_reference  # noqa: E402
from directory.services.users import create_user  # noqa: E402

SEED = 42
BATCH_SIZE = 5_000
WARM_UP = 3
VIEWER_EMAIL = "bench.viewer@example.org"
VIEWER_PASSWORD = "bench-viewer-password"
AREA_SLUG = "disaster-response"
# Share of contacts per area, in area position order, before a per-state random factor.
AREA_WEIGHTS = (0.40, 0.25, 0.20, 0.15)

PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # the application's alphabet
PUBLIC_ID_LENGTH = 12
PUBLIC_ID_SPACE = len(PUBLIC_ID_ALPHABET) ** PUBLIC_ID_LENGTH
# About 0.618 of the id space and coprime with 31**12: distinct, well-spread ids for distinct
# row numbers.
PUBLIC_ID_STEP = 486_802_372_054_683_457

ORGANISATIONS = (
    "National Emergency Management Office",
    "Ministry of Environment",
    "Civil Aviation Authority",
    "Ministry of National Security",
    "Port Authority",
    "National Police",
    "Ministry of Foreign Affairs",
    "Energy Regulatory Commission",
)
UNITS = ("", "", "Operations Centre", "International Cooperation", "Situation Room")
TITLES = ("Director", "Duty Officer", "Liaison Officer", "Head of Unit", "Coordinator")
HONORIFICS = ("", "", "Dr.", "Ms.", "Mr.", "Eng.")
GIVEN_NAMES = ("Ana", "Carlos", "Marie", "João", "Sandra", "Devon", "Luis", "Keisha", "Pierre")
FAMILY_NAMES = ("Campbell", "García", "Silva", "Joseph", "Brown", "Pérez", "Thomas", "Rojas")
CITIES = ("", "Capital City", "Port City", "Northern District")
HOURS_CHOICES: tuple[list[dict[str, Any]], ...] = (
    [{"days": [0, 1, 2, 3, 4], "opens": "08:00", "closes": "17:00"}],
    [{"days": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "16:30"}],
    [
        {"days": [0, 1, 2, 3, 4], "opens": "08:30", "closes": "17:30"},
        {"days": [5], "opens": "09:00", "closes": "13:00"},
    ],
)


@dataclass(frozen=True)
class Page:
    key: str  # what is compared across sizes
    url: str
    label: str


@dataclass(frozen=True)
class Timing:
    size: int
    page: Page
    samples_ms: list[float]
    response_bytes: int

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.samples_ms)


@dataclass(frozen=True)
class StateInfo:
    code: str
    time_zone: str
    fixed_line: str  # E.164 prefix, four digits short of a number
    mobile: str


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data generation -----------------------------------------------------------------------


def public_id(number: int) -> str:
    """A valid, unique public id for a row number (a bijection onto the id space)."""
    value = (number * PUBLIC_ID_STEP + 12_345) % PUBLIC_ID_SPACE
    chars = []
    for _ in range(PUBLIC_ID_LENGTH):
        value, digit = divmod(value, len(PUBLIC_ID_ALPHABET))
        chars.append(PUBLIC_ID_ALPHABET[digit])
    return "".join(chars)


def phone_prefix(region: str, kind: phonenumbers.PhoneNumberType) -> str:
    """An E.164 prefix shaped like the region's numbers; 555 exchanges in the +1 plan."""
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return "+1876555"
    national = str(example.national_number)
    if example.country_code == 1 and len(national) == 10:
        national = national[:3] + "555" + national[6:]
    return f"+{example.country_code}{national[:-4]}"


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split total into whole parts proportional to weights (largest remainders)."""
    scale = total / sum(weights)
    exact = [weight * scale for weight in weights]
    parts = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def plan_cells(
    rng: random.Random, states: list[StateInfo], area_ids: list[int], total: int
) -> list[tuple[StateInfo, int, int]]:
    """(state, area id, number of contacts): a Zipf-like skew over states, uneven areas."""
    order = states[:]
    rng.shuffle(order)
    cells: list[tuple[StateInfo, int]] = []
    weights: list[float] = []
    for position, state in enumerate(order):
        state_weight = 1.0 / (position + 1)
        for area_id, area_weight in zip(area_ids, AREA_WEIGHTS, strict=False):
            cells.append((state, area_id))
            weights.append(state_weight * area_weight * rng.uniform(0.2, 1.8))
    counts = allocate(total, weights)
    return [(state, area_id, count) for (state, area_id), count in zip(cells, counts, strict=True)]


def contact_rows(
    rng: random.Random,
    number: int,
    state: StateInfo,
    area_id: int,
    rank: int,
    now: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One contacts row and its channel rows, with every NOT NULL column filled."""
    holder = rng.random()
    named = holder < 0.7
    vacant = holder >= 0.92
    round_the_clock = rng.random() < 0.3
    created = now - timedelta(days=rng.uniform(400, 1500))
    verified = None if rng.random() < 0.02 else now - timedelta(days=rng.uniform(0, 400))
    nominated = rng.random() < 0.6
    contact = {
        "id": number,
        "public_id": public_id(number),
        "country_code": state.code,
        "area_id": area_id,
        "rank": rank,
        "organisation": rng.choice(ORGANISATIONS),
        "unit": rng.choice(UNITS),
        "position_title": rng.choice(TITLES),
        "holder_honorific": rng.choice(HONORIFICS) if named else "",
        "holder_given_name": rng.choice(GIVEN_NAMES) if named else "",
        "holder_family_name": rng.choice(FAMILY_NAMES) if named else "",
        "is_vacant": vacant,
        "languages": [rng.choice(("en", "es"))],
        "time_zone": state.time_zone,
        "hours_24_7": round_the_clock,
        "hours": [] if round_the_clock else rng.choice(HOURS_CHOICES),
        "postal_address": "",
        "city": rng.choice(CITIES),
        "notes": "",
        "nomination_reference": f"NOTE/{created.year}/{number}" if nominated else "",
        "nominated_on": date.fromordinal(created.toordinal()) if nominated else None,
        "verified_at": verified,
        "verified_by_id": None,
        "status": "active",
        "version": 1,
        "created_at": created,
        "updated_at": max(created, verified) if verified else created,
    }
    suffix = f"{number % 10_000:04d}"
    channels = [
        {
            "contact_id": number,
            "position": 0,
            "kind": "phone",
            "value": state.fixed_line + suffix,
            "label": "Office",
            "is_24_7": round_the_clock or rng.random() < 0.1,
        }
    ]
    extra = rng.random()
    if extra >= 0.2:
        channels.append(
            {
                "contact_id": number,
                "position": 1,
                "kind": "email",
                "value": f"poc.{state.code.lower()}.{number}@example.org",
                "label": "",
                "is_24_7": False,
            }
        )
    if extra >= 0.7:
        channels.append(
            {
                "contact_id": number,
                "position": 2,
                "kind": "mobile",
                "value": state.mobile + suffix,
                "label": "Duty mobile",
                "is_24_7": rng.random() < 0.4,
            }
        )
    # The services keep this summary column; rows written directly must fill it too.
    contact["has_24_7"] = round_the_clock or any(channel["is_24_7"] for channel in channels)
    return contact, channels


def generate_rows(
    total: int, states: list[StateInfo], area_ids: list[int]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(SEED)
    now = utcnow()
    number = 0
    for state, area_id, count in plan_cells(rng, states, area_ids, total):
        for rank in range(1, count + 1):
            number += 1
            yield contact_rows(rng, number, state, area_id, rank, now)


def generate_contacts(total: int) -> float:
    """Fill the database with ``total`` contacts; returns the seconds it took."""
    states = [
        StateInfo(
            code=country.code,
            time_zone=country.time_zones[0],
            fixed_line=phone_prefix(country.phone_region, phonenumbers.PhoneNumberType.FIXED_LINE),
            mobile=phone_prefix(country.phone_region, phonenumbers.PhoneNumberType.MOBILE),
        )
        for country in db.session.scalars(select(Country).order_by(Country.code))
    ]
    area_ids = list(db.session.scalars(select(Area.id).order_by(Area.position)))
    db.session.commit()
    return write_rows(generate_rows(total, states, area_ids), total)


def write_rows(rows: Iterator[tuple[dict[str, Any], list[dict[str, Any]]]], total: int) -> float:
    """Bulk-insert (contact, channels) rows, a transaction per batch; returns the seconds.

    Benches write rows directly for speed; the application writes only through its services
    (validation, change log, version checks).
    """
    started = time.perf_counter()
    contacts: list[dict[str, Any]] = []
    channels: list[dict[str, Any]] = []
    written = 0

    def flush() -> None:
        nonlocal written
        if not contacts:
            return
        db.session.execute(insert(Contact.__table__), contacts)
        db.session.execute(insert(Channel.__table__), channels)
        db.session.commit()
        written += len(contacts)
        elapsed = time.perf_counter() - started
        log(f"  {written:>9,} / {total:,} contacts written ({elapsed:.1f} s)")
        contacts.clear()
        channels.clear()

    for contact, its_channels in rows:
        contacts.append(contact)
        channels.extend(its_channels)
        if len(contacts) >= BATCH_SIZE:
            flush()
    flush()
    return time.perf_counter() - started


# --- measuring -----------------------------------------------------------------------------


def format_table(rows: list[list[str]], left: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for position, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if position == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


def build_app(folder: Path) -> Flask:
    database = folder / "directory.sqlite3"
    return create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        INSTANCE_PATH=str(folder / "instance"),
    )


def prepare(app: Flask, size: int) -> str:
    """Schema, reference data, a viewer and ``size`` contacts; returns the busiest state."""
    with app.app_context():
        upgrade()
        seed_reference()
        create_user(
            Actor.system("bench"),
            VIEWER_EMAIL,
            VIEWER_PASSWORD,
            role=Role.VIEWER.value,
            name="Bench Viewer",
        )
        seconds = generate_contacts(size)
        log(f"generated {size:,} contacts in {seconds:.1f} s")
        busiest = db.session.execute(
            select(Contact.country_code, func.count(Contact.id))
            .group_by(Contact.country_code)
            .order_by(func.count(Contact.id).desc(), Contact.country_code)
            .limit(1)
        ).one()
        log(f"state with the most contacts: {busiest[0]} ({busiest[1]:,})")
        db.session.remove()
        return str(busiest[0])


def sign_in(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": VIEWER_EMAIL, "password": VIEWER_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed with status {response.status_code}")


def fetch(client: FlaskClient, url: str) -> tuple[float, int]:
    """Milliseconds for one GET (the body included) and the body's size."""
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, expected 200")
    return elapsed_ms, len(body)


def measure(client: FlaskClient, size: int, page: Page, requests: int, budget_s: float) -> Timing:
    """Warm-up requests, then up to ``requests`` timed ones (fewer if over the time budget)."""
    warm_started = time.perf_counter()
    for _ in range(WARM_UP):
        fetch(client, page.url)
        if time.perf_counter() - warm_started > budget_s / 4:
            break
    samples: list[float] = []
    size_bytes = 0
    started = time.perf_counter()
    for _ in range(requests):
        elapsed_ms, size_bytes = fetch(client, page.url)
        samples.append(elapsed_ms)
        if len(samples) >= 5 and time.perf_counter() - started > budget_s:
            log(f"  {page.url}: stopped after {len(samples)} requests (time budget)")
            break
    timing = Timing(size, page, samples, size_bytes)
    log(f"  {page.url}: p50 {timing.p50:.1f} ms over {len(samples)} requests")
    return timing


def run_size(size: int, args: argparse.Namespace) -> list[Timing]:
    if args.keep:
        folder = Path(args.keep).resolve() / f"contacts-{size}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-pages-{size}-"))
    log(f"== {size:,} contacts in {folder}")
    app = build_app(folder)
    try:
        busiest = prepare(app, size)
        pages = [
            Page("home", "/", "/ (coverage)"),
            Page("busiest", f"/countries/{busiest}", f"/countries/{busiest} (most)"),
            Page("jm", "/countries/JM", "/countries/JM"),
            Page("area", f"/areas/{AREA_SLUG}", f"/areas/{AREA_SLUG}"),
        ]
        # Requests run with no app context of ours open, as under a real server.
        client = app.test_client()
        sign_in(client)
        return [measure(client, size, page, args.requests, args.budget) for page in pages]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- report --------------------------------------------------------------------------------


def report(timings: list[Timing]) -> str:
    baseline_size = min(timing.size for timing in timings)
    baseline = {t.page.key: t.p50 for t in timings if t.size == baseline_size}
    header = ["contacts", "page", "n", "p50 ms", "p95 ms", "max ms", "KB", "p50 ratio"]
    rows = [header]
    for t in timings:
        base = baseline.get(t.page.key)
        ratio = "baseline" if t.size == baseline_size else f"{t.p50 / base:.1f}x" if base else "-"
        rows.append(
            [
                f"{t.size:,}",
                t.page.label,
                str(len(t.samples_ms)),
                f"{t.p50:.1f}",
                f"{t.p95:.1f}",
                f"{t.max:.1f}",
                f"{t.response_bytes / 1024:.1f}",
                ratio,
            ]
        )
    return "\n".join(format_table(rows, left={1}))  # the page column reads better left-aligned


def machine_line() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"({platform.python_implementation()}), SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.machine()}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the home, country and area pages on generated directories.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 100_000],
        metavar="N",
        help="numbers of contacts to generate, one fresh database each (default: 1000 100000)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=30,
        metavar="R",
        help=f"timed requests per page, after {WARM_UP} warm-up requests (default: 30)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="stop timing a page after this long, once 5 requests are in (default: 120)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the databases under DIR and keep them (default: temporary, removed)",
    )
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("--sizes must be positive")
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    timings: list[Timing] = []
    for size in sorted(set(args.sizes)):
        timings.extend(run_size(size, args))
    print(machine_line())
    print(report(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
