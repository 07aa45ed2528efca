"""What each cache of directory/caches.py saves, measured again at the directory's real size.

A fresh SQLite database is filled with 5,000 generated contacts (bench/pages.py's generator)
and its search index built (``flask search rebuild``). Then, in pairs of fresh child
processes, the pages are timed with every cache on and with one cache turned off
(``directory.caches.turn_off``, before the app is made): search as you type (the fragment
search.js fetches, for a fixed list of queries in turn), the search page, the home page, the
busiest state's page, Jamaica's page, an area page and a contact page. Each figure is CPU time
per request in the process (``time.process_time``, the request's body read), the median of
the runs; a pair's two runs follow each other, so that other load on the machine falls on
both alike. The table gives, per cache and page, the time with every cache on, what turning
the cache off adds, and whether that reaches the bar a cache must pass to stay (3% of what
the page costs; for a search as you type, 0.28 ms: 3% of the 9 ms of CPU a search costs
through gunicorn at the throughput target of bench/search.py).

Run by hand from the project folder:

    .venv/bin/python bench/caches.py
    .venv/bin/python bench/caches.py --pairs 5 --only links card_page --keep /tmp/bench-caches
    .venv/bin/python bench/caches.py --data /tmp/bench-caches/contacts-5000   # reuse a directory
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

# The script is run by path (bench/caches.py): make the project importable. The directory's own
# modules are imported late: a child turns its cache off before they are.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

SIZE = 5_000
SEARCH_BAR_MS = 0.28  # 3% of the CPU a search as you type costs through gunicorn
PAGE_BAR = 0.03  # 3% of a page
QUERIES = (
    {"q": "protection"},
    {"q": "emergency"},
    {"q": "proteccion civil"},
    {"q": "Protección"},
    {"q": "São João"},
    {"q": "prot"},
    {"q": "infra"},
    {"q": "protecion"},  # a typo
    {"q": "critcal infrastucture"},
    {"q": "jamiaca"},
    {"q": "brasil"},
    {"q": "defensa civil haiti"},
    {"q": "876 555"},
    {"q": "example.org"},
    {"q": "emergencia", "country": "MX"},
    {"q": "emergencia", "only_24_7": "1"},
    {"q": "emergencia", "reachable_now": "1"},
    {"q": "", "country": "BR"},
)
SEARCH_PARTIAL = "search as you type"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the child: one process, some caches off, every page timed ---------------------------------


def build_app(folder: Path) -> Flask:
    """The search benchmark's app on ``folder`` (imported late: see above)."""
    from bench.search import build_app as search_build_app

    return search_build_app(folder)


def measure(folder: Path, rounds: int) -> dict[str, float]:
    """CPU ms per request of each page (the median of ``rounds`` runs, after two warm-ups)."""
    from sqlalchemy import func, select

    from bench.pages import sign_in
    from directory.extensions import db
    from directory.models import Contact

    app = build_app(folder)
    with app.app_context():
        busiest = db.session.execute(
            select(Contact.country_code)
            .group_by(Contact.country_code)
            .order_by(func.count(Contact.id).desc(), Contact.country_code)
            .limit(1)
        ).scalar_one()
        contact = db.session.scalar(
            select(Contact.public_id)
            .where(Contact.country_code == busiest)
            .order_by(Contact.area_id, Contact.rank)
            .limit(1)
        )
        db.session.remove()
    client = app.test_client()
    sign_in(client)
    pages = {
        SEARCH_PARTIAL: [f"/search?{urlencode(query)}&partial=1" for query in QUERIES],
        "search page": [f"/search?{urlencode(query)}" for query in QUERIES],
        "home": ["/"],
        f"state {busiest} (the most)": [f"/countries/{busiest}"],
        "state JM": ["/countries/JM"],
        "area disaster-response": ["/areas/disaster-response"],
        "contact": [f"/contacts/{contact}"],
    }

    def run(paths: list[str]) -> float:
        started = time.process_time()
        for path in paths:
            response = client.get(path)
            response.get_data()
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
        return (time.process_time() - started) * 1000 / len(paths)

    found = {}
    for name, paths in pages.items():
        run(paths)
        run(paths)
        runs = rounds if len(paths) > 1 else rounds * 10
        found[name] = statistics.median(run(paths) for _ in range(runs))
    return found


# --- the parent: the directory, then pairs of children -----------------------------------------


def prepare(folder: Path) -> None:
    from bench.pages import prepare as fill

    app = build_app(folder)
    fill(app, SIZE)
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask search rebuild failed: {result.output}")
    log(result.output.strip())


def child(folder: Path, off: str, rounds: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(folder), "--rounds", str(rounds)]
    if off:
        command += ["--off", off]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the child with {off or 'every cache'} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def compare(folder: Path, names: list[str], pairs: int, rounds: int) -> list[list[str]]:
    rows = []
    for name in names:
        on: dict[str, list[float]] = {}
        added: dict[str, list[float]] = {}
        for pair in range(pairs):
            with_it, without = child(folder, "", rounds), child(folder, name, rounds)
            for page, ms in with_it.items():
                on.setdefault(page, []).append(ms)
                added.setdefault(page, []).append(without[page] - ms)
            log(f"  {name}: pair {pair + 1} of {pairs}")
        for page in on:
            base, extra = statistics.median(on[page]), statistics.median(added[page])
            bar = SEARCH_BAR_MS if page == SEARCH_PARTIAL else PAGE_BAR * base
            runs = " ".join(f"{value:+.2f}" for value in added[page])
            rows.append(
                [
                    name,
                    page,
                    f"{base:.2f}",
                    f"{extra:+.2f}",
                    f"{100 * extra / base:+.1f}%",
                    "yes" if extra >= bar else "no",
                    runs,
                ]
            )
    return rows


def render(rows: list[list[str]]) -> str:
    header = ["cache off", "page", "on ms", "off adds", "", "past bar", "each pair"]
    table = [header, *rows]
    from bench.pages import format_table  # late: the directory's modules are imported by it

    return "\n".join(format_table(table, left={0, 1, 6}))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the pages with each cache of directory/caches.py turned off in turn."
    )
    parser.add_argument("--pairs", type=int, default=3, help="pairs of runs per cache (3)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per page and run (3)")
    parser.add_argument("--only", nargs="+", metavar="CACHE", help="these caches only")
    parser.add_argument("--keep", metavar="DIR", help="build the directory under DIR and keep it")
    parser.add_argument("--data", metavar="DIR", help="a directory built before with --keep")
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--off", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.rounds < 1:
        parser.error("--pairs and --rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        from directory import caches  # before anything that keeps a cache is imported

        if args.off:
            caches.turn_off(args.off)
        print(json.dumps(measure(Path(args.child), args.rounds)))
        return 0

    from directory.caches import NAMES

    names = list(args.only or NAMES)
    unknown = set(names) - set(NAMES)
    if unknown:
        log(f"no such cache: {', '.join(sorted(unknown))}; the caches: {', '.join(NAMES)}")
        return 2
    if args.data:
        folder = Path(args.data).resolve()
    elif args.keep:
        folder = Path(args.keep).resolve() / f"contacts-{SIZE}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-caches-"))
    try:
        if not args.data:
            log(f"== {SIZE:,} contacts in {folder}")
            prepare(folder)
        rows = compare(folder, names, args.pairs, args.rounds)
    finally:
        if not (args.data or args.keep):
            shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{SIZE:,} contacts; CPU ms per request in process, median of {args.pairs} pairs; "
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average at the end {load}"
    )
    print(render(rows))
    print(
        f"bar: {SEARCH_BAR_MS:g} ms of a search as you type (3% of its CPU through gunicorn at "
        f"the throughput target), {PAGE_BAR:.0%} of any other page"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
