"""How the exports and the CSV import hold up as the directory grows: time and peak memory.

For each size, a fresh SQLite database is migrated, seeded with the reference data and filled
with the generated multilingual contacts of bench/search.py; the Whoosh index is built beside
it (unless ``--no-search-index``), since an import's commit catches it up. Then, each step in a
fresh child process (``multiprocessing``, "spawn"), given the database's folder:

- vCard: ``write_vcards`` of the whole directory (``contacts_in(Scope())``) into a file;
- CSV: ``export_chunks`` of the whole directory into a file, as ``flask contacts export -o``;
- incident pack, printable HTML: the pack built (``build_pack`` over ``contacts_in``) and its
  page rendered, as ``/pack`` does; PDF: the same page rendered for print, then WeasyPrint's
  ``render_pdf``, as ``flask packs pdf`` does (the web makes PDFs of up to
  ``PACK_PDF_MAX_CONTACTS`` contacts only);
- CSV import (``import_contacts`` as ``Actor.system("bench")``, behind ``flask contacts
  import``): the file exported above, unchanged (every row unchanged); the same file with every
  row's city changed, as a dry run; then for real, each run into a fresh copy of the database
  and of the search index, since a real import changes them.

Why a child per measurement: ``ru_maxrss`` (the peak resident set size) cannot be reset, so a
process measures one step only. The child sets up first (app, a first query, WeasyPrint
imported), notes its ``ru_maxrss``, runs the step, and reports the time and both ``ru_maxrss``
values. The tracemalloc peak (Python allocations only; C libraries such as Pango, Cairo and
SQLite are not traced) comes from one more child that runs the step with tracing on: tracing
slows allocation-heavy code down, so the timed runs are never traced. The peak RSS is read
from ``VmHWM`` (see ``max_rss_kb``), ``ru_maxrss`` where there is no /proc.

Run by hand from the project folder:

    .venv/bin/python bench/exports.py --sizes 1000
    .venv/bin/python bench/exports.py --sizes 10000 --profile --keep /tmp/bench-exports
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import math
import multiprocessing
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The script is run by path (bench/exports.py): make the project importable.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask, current_app, url_for  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.pages import build_app, log, machine_line  # noqa: E402
from bench.search import Samples, format_table, generate_contacts, short_name  # noqa: E402
from directory.exports.csvfile import MAX_ROWS  # noqa: E402
from directory.exports.pack import render_pdf  # noqa: E402
from directory.exports.vcard import write_vcards  # noqa: E402
from directory.extensions import db  # noqa: E402
from directory.models import Contact  # noqa: E402
from directory.models.base import utcnow  # noqa: E402
from directory.packs import making as pack_making  # noqa: E402
from directory.projections.search.projection import index_for_app  # noqa: E402
from directory.services import contact_csv, imports  # noqa: E402
from directory.services import transaction as transactions  # noqa: E402
from directory.services.actors import Actor  # noqa: E402
from directory.services.seed import seed_reference  # noqa: E402
from directory.services.selection import Scope, contacts_in, count_in  # noqa: E402

DATABASE = "directory.sqlite3"
INDEX = "search-index"

# Target of the exports issue: a 10,000-row CSV import, dry run or real, under 30 s.
IMPORT_S = 30.0
IMPORT_ROWS = 10_000

VCARD, CSV, HTML, PDF = "vcard", "csv", "html", "pdf"
UNCHANGED, DRY_RUN, REAL = "import-unchanged", "import-dry-run", "import-real"
STEPS = (VCARD, CSV, HTML, PDF, UNCHANGED, DRY_RUN, REAL)
LABELS = {
    VCARD: "vCard export, whole directory",
    CSV: "CSV export, whole directory",
    HTML: "incident pack, printable HTML",
    PDF: "incident pack, PDF (flask packs pdf)",
    UNCHANGED: "CSV import, unchanged file",
    DRY_RUN: "CSV import, every row changed, dry run",
    REAL: "CSV import, every row changed, real",
}
CHANGED_SUFFIX = " Norte"  # appended to every row's city; an empty city becomes BLANK_CITY
BLANK_CITY = "Ciudad Bench"


# --- in the child -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    step: str
    folder: str  # holds the database, and the search index when there is one
    output: str  # the file an export writes
    source: str = ""  # the CSV file an import reads
    search_index: bool = True
    trace: bool = False  # tracemalloc on
    profile_top: int = 0  # > 0: cProfile the step, keep its top functions


@dataclass
class Outcome:
    seconds: float
    rss_before_kb: int
    rss_after_kb: int
    traced_peak: int | None = None
    output_bytes: int = 0
    count: int = 0
    parts: dict[str, float] = field(default_factory=dict)  # where the time went, in seconds
    notes: list[str] = field(default_factory=list)
    checks: list[tuple[bool, str]] = field(default_factory=list)
    profile: str = ""


class Clock:
    """Seconds spent in named parts of a step, added up across calls."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.parts[name] = self.parts.get(name, 0.0) + seconds

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - begun)

        return timed

    def iterate(self, name: str, items: Iterable[Any]) -> Iterator[Any]:
        """The items, with the time spent fetching each one (the queries) counted."""
        iterator = iter(items)
        while True:
            begun = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                self.add(name, time.perf_counter() - begun)
                return
            self.add(name, time.perf_counter() - begun)
            yield item


def max_rss_kb() -> int:
    """This process's peak resident set size, in KB.

    ``VmHWM`` where Linux gives it: ``ru_maxrss`` survives the exec that starts a spawned
    child, so it never reads below the parent's RSS at the fork (over 200 MB at 10,000
    contacts, after the generation and the index build); ``VmHWM`` belongs to the new image."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


def child_app(task: Task) -> Flask:
    folder = Path(task.folder)
    app = build_app(folder)
    app.config["SEARCH_INDEX_DIR"] = str(folder / INDEX) if task.search_index else ""
    return app


def run_vcard(task: Task, clock: Clock, outcome: Outcome) -> None:
    with Path(task.output).open("w", encoding="utf-8", newline="") as out:
        contacts = clock.iterate("queries", contacts_in(Scope()))
        stale_after_days = current_app.config["STALE_AFTER_DAYS"]
        outcome.count = write_vcards(out, contacts, utcnow(), stale_after_days, "en")


def run_csv(task: Task, clock: Clock, outcome: Outcome) -> None:
    # As `flask contacts export -o FILE` does, its progress bar aside.
    original = contact_csv.contacts_in
    contact_csv.contacts_in = lambda scope: clock.iterate("queries", original(scope))
    try:
        outcome.count = clock.wrap("count", contact_csv.count_contacts)(None, None)
        with Path(task.output).open("w", encoding="utf-8", newline="") as out:
            for chunk in contact_csv.export_chunks(None, None, utcnow()):
                out.write(chunk)
    finally:
        contact_csv.contacts_in = original


def run_pack(task: Task, clock: Clock, outcome: Outcome) -> None:
    # What the /pack view and `flask packs pdf` do, the export log aside (the /pack.pdf view
    # refuses more than PACK_PDF_MAX_CONTACTS contacts and sends people to the printable page).
    original = pack_making.contacts_in
    pack_making.contacts_in = lambda scope: clock.iterate("queries", original(scope))
    try:
        begun = time.perf_counter()
        pack = pack_making.pack_for("all", "")
        clock.add("pack", time.perf_counter() - begun - clock.parts.get("queries", 0.0))
    finally:
        pack_making.contacts_in = original
    outcome.count = pack.count
    if task.step == HTML:
        back, pdf = url_for("home.index"), url_for("packs.directory_pdf")
        page = clock.wrap("template", pack_making.render_pack)(pack, False, back, pdf)
        outcome.output_bytes = len(page.encode("utf-8"))
        Path(task.output).write_text(page, encoding="utf-8")
        return
    page = clock.wrap("template", pack_making.render_pack)(pack, True, "", "")
    del pack
    document = clock.wrap("weasyprint", render_pdf)(page)
    Path(task.output).write_bytes(document)


def run_import(task: Task, clock: Clock, outcome: Outcome, data: bytes) -> None:
    # The phases of import_contacts, timed where it calls them; the search index catch-up too.
    saved = {name: getattr(imports, name) for name in ("read_table", "_check", "_write")}
    for name, label in (("read_table", "read"), ("_check", "check"), ("_write", "write")):
        setattr(imports, name, clock.wrap(label, saved[name]))
    registered = transactions.after_commit_hooks(current_app)
    hooks = list(registered)
    registered[:] = [clock.wrap("index catch-up", hook) for hook in hooks]
    try:
        report = imports.import_contacts(Actor.system("bench"), data, dry_run=task.step == DRY_RUN)
    finally:
        for name, function in saved.items():
            setattr(imports, name, function)
        registered[:] = hooks
    outcome.count = report.rows
    outcome.output_bytes = len(data)
    counts = (
        f"{report.created:,} created, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged, {report.errors:,} with errors"
    )
    outcome.notes.append(counts)
    for problem in report.problems[:3]:
        outcome.notes.append(f"line {problem.line}: {problem.field}: {problem.reason}")
    expected = "unchanged" if task.step == UNCHANGED else "updated"
    outcome.checks.append(
        (
            not report.problems and getattr(report, expected) == report.rows,
            f"{LABELS[task.step]}: every one of the {report.rows:,} rows {expected} ({counts})",
        )
    )
    if task.step == REAL:
        db.session.rollback()
        bumped = db.session.scalar(select(func.count()).where(Contact.version == 2)) or 0
        outcome.checks.append(
            (
                report.written and bumped == report.rows,
                f"the real import wrote every row ({bumped:,} contacts at version 2)",
            )
        )


def measure(task: Task) -> Outcome:
    """One step in this (fresh) process: set up, then time it, traced or profiled if asked."""
    app = child_app(task)
    data = Path(task.source).read_bytes() if task.source else b""
    if task.step == PDF:
        import weasyprint  # noqa: F401 - loaded before the baseline, as a server has it loaded
    context = app.test_request_context("/pack") if task.step in (HTML, PDF) else app.app_context()
    with context:
        try:
            count_in(Scope())  # the connection opened, the schema read
            db.session.rollback()
            clock = Clock()
            profiler = cProfile.Profile() if task.profile_top else None
            if task.trace:
                tracemalloc.start()
                tracemalloc.reset_peak()
            outcome = Outcome(0.0, max_rss_kb(), 0)
            begun = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            if task.step == VCARD:
                run_vcard(task, clock, outcome)
            elif task.step == CSV:
                run_csv(task, clock, outcome)
            elif task.step in (HTML, PDF):
                run_pack(task, clock, outcome)
            else:
                run_import(task, clock, outcome, data)
            if profiler is not None:
                profiler.disable()
            outcome.seconds = time.perf_counter() - begun
            outcome.rss_after_kb = max_rss_kb()
            if task.trace:
                outcome.traced_peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            if profiler is not None:
                outcome.profile = top_functions(profiler, task.profile_top)
            if task.step in (VCARD, CSV, PDF):
                outcome.output_bytes = Path(task.output).stat().st_size
            outcome.parts = clock.parts
            return outcome
        finally:
            db.session.remove()
            db.engine.dispose()


def top_functions(profiler: cProfile.Profile, top: int) -> str:
    entries = pstats.Stats(profiler).stats
    rows = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    lines = [f"{'own s':>8} {'cum s':>8} {'calls':>10}  function"]
    for key, (_, calls, own, cumulative, _) in rows:
        lines.append(f"{own:8.3f} {cumulative:8.3f} {calls:10,}  {short_name(key)}")
    return "\n".join(lines)


# --- in the parent ------------------------------------------------------------------------------


def in_child(task: Task) -> Outcome:
    """Runs ``measure`` in a fresh process and returns what it measured."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(measure, (task,))


@dataclass
class Row:
    step: str
    size: int
    runs: list[Outcome] = field(default_factory=list)
    traced: Outcome | None = None
    target: str = "-"
    verdict: str = "-"
    skipped: str = ""

    @property
    def seconds(self) -> float:
        return Samples([run.seconds for run in self.runs]).p50

    @property
    def median_run(self) -> Outcome:
        ordered = sorted(self.runs, key=lambda run: run.seconds)
        return ordered[(len(ordered) - 1) // 2]


@dataclass
class SizeReport:
    size: int
    rows: list[Row] = field(default_factory=list)
    checks: list[tuple[bool, str]] = field(default_factory=list)
    generate_s: float = 0.0
    index_s: float = math.nan
    profiles: list[str] = field(default_factory=list)


def copy_database(source: Path, target: Path, search_index: bool) -> None:
    """A fresh copy of the database (and of the search index) for a run that writes. The
    index's cursor is in the database, under the id kept inside the index's folder."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        if (source / f"{DATABASE}{suffix}").exists():
            shutil.copy2(source / f"{DATABASE}{suffix}", target / f"{DATABASE}{suffix}")
    if search_index:
        shutil.copytree(source / INDEX, target / INDEX)


def changed_copy(source: Path, target: Path) -> int:
    """The exported file with every row's city changed, written as the export writes;
    returns the number of rows."""
    text = source.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    city = rows[0].index("city")
    for row in rows[1:]:
        row[city] = row[city] + CHANGED_SUFFIX if row[city] else BLANK_CITY
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return len(rows) - 1


def runs_for(step: str, size: int, args: argparse.Namespace) -> int:
    if step == PDF:
        return args.pdf_runs if args.pdf_runs else (args.runs if size <= 1_000 else 1)
    return args.runs


def measure_step(
    report: SizeReport,
    step: str,
    base: Path,
    work: Path,
    args: argparse.Namespace,
    source: Path | None = None,
) -> Row:
    size = report.size
    row = Row(step, size)
    report.rows.append(row)
    output = work / f"{step}.out"
    runs = runs_for(step, size, args)

    def task(number: int, **kwargs: Any) -> Task:
        folder = base
        if step == REAL:  # a real import changes the database: a fresh copy each time
            folder = work / f"copy-{number}"
            copy_database(base, folder, not args.no_search_index)
        return Task(
            step,
            str(folder),
            str(output),
            str(source or ""),
            search_index=not args.no_search_index,
            **kwargs,
        )

    for number in range(runs):
        outcome = in_child(task(number))
        row.runs.append(outcome)
        report.checks.extend(outcome.checks)
        log(
            f"  {LABELS[step]}: {outcome.seconds:.2f} s, RSS "
            f"{outcome.rss_after_kb / 1024:.0f} MB (run {number + 1}/{runs})"
        )
    if not args.no_tracemalloc:
        row.traced = in_child(task(runs, trace=True))
        assert row.traced.traced_peak is not None
        log(
            f"  {LABELS[step]}: tracemalloc peak {row.traced.traced_peak / 2**20:.1f} MB "
            f"({row.traced.seconds:.2f} s traced)"
        )
    if args.profile and size == max(args.sizes):
        profiled = in_child(task(runs + 1, profile_top=args.top))
        report.profiles.append(
            f"-- cProfile of {LABELS[step]} at {size:,} contacts: {profiled.seconds:.2f} s "
            f"under the profiler; top {args.top} by own time\n{profiled.profile}"
        )
    if step == REAL:
        for number in range(runs + 2):
            shutil.rmtree(work / f"copy-{number}", ignore_errors=True)
    if step in (UNCHANGED, DRY_RUN, REAL) and row.median_run.count >= IMPORT_ROWS:
        row.target = f"< {IMPORT_S:g} s"
        passed = row.seconds < IMPORT_S and all(ok for run in row.runs for ok, _ in run.checks)
        row.verdict = "PASS" if passed else "MISS"
    return row


@contextlib.contextmanager
def work_folder(args: argparse.Namespace, size: int) -> Iterator[Path]:
    if args.keep:
        folder = Path(args.keep).resolve() / f"exports-{size}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-exports-{size}-"))
    try:
        yield folder
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def prepare(report: SizeReport, base: Path, search_index: bool) -> None:
    """The database (and the search index) every child of this size starts from."""
    app = build_app(base)
    app.config["SEARCH_INDEX_DIR"] = str(base / INDEX) if search_index else ""
    try:
        with app.app_context():
            upgrade()
            seed_reference()
            report.generate_s = generate_contacts(report.size)
            log(f"generated {report.size:,} contacts in {report.generate_s:.1f} s")
            db.session.remove()
            if search_index:
                index = index_for_app()
                assert index is not None
                begun = time.perf_counter()
                index.rebuild()
                report.index_s = time.perf_counter() - begun
                log(f"search index built in {report.index_s:.1f} s")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def run_size(size: int, args: argparse.Namespace) -> SizeReport:
    report = SizeReport(size)
    with work_folder(args, size) as folder:
        log(f"== {size:,} contacts in {folder}")
        base = folder / "base"
        base.mkdir()
        prepare(report, base, not args.no_search_index)
        for step in (VCARD, CSV, HTML):
            log(f"{LABELS[step]} ...")
            measure_step(report, step, base, folder, args)
        if args.skip_pdf_above is not None and size > args.skip_pdf_above:
            report.rows.append(
                Row(PDF, size, skipped=f"skipped: above --skip-pdf-above {args.skip_pdf_above:,}")
            )
        else:
            log(f"{LABELS[PDF]} ...")
            measure_step(report, PDF, base, folder, args)
        exported = folder / f"{CSV}.out"
        if size > MAX_ROWS:
            for step in (UNCHANGED, DRY_RUN, REAL):
                report.rows.append(
                    Row(step, size, skipped=f"skipped: a file holds {MAX_ROWS:,} at most")
                )
            return report
        changed = folder / "changed.csv"
        rows = changed_copy(exported, changed)
        log(f"changed the city of {rows:,} rows")
        for step, source in ((UNCHANGED, exported), (DRY_RUN, changed), (REAL, changed)):
            log(f"{LABELS[step]} ...")
            measure_step(report, step, base, folder, args, source)
    return report


# --- report -------------------------------------------------------------------------------------


def megabytes(count: float) -> str:
    return f"{count / 2**20:.1f}"


def file_size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    return f"{count / 2**10:.0f} KB"


def detail_of(row: Row) -> str:
    run = row.median_run
    parts = sorted(run.parts.items(), key=lambda item: item[1], reverse=True)
    shown = [f"{name} {seconds:.2f}" for name, seconds in parts if seconds >= 0.005]
    rest = run.seconds - sum(run.parts.values())
    if row.step in (VCARD, CSV) and parts:
        shown.append(f"cards/rows {rest:.2f}" if row.step == VCARD else f"rows {rest:.2f}")
    things = {VCARD: "cards", CSV: "rows", HTML: "contacts", PDF: "contacts"}
    what = f"{run.count:,} {things[row.step]}" if row.step in things else ""
    items = [item for item in (what, *run.notes) if item]
    if shown:
        items.append("s: " + ", ".join(shown))
    if row.traced is not None:
        items.append(f"{row.traced.seconds:.2f} s traced")
    return "; ".join(items)


def render(report: SizeReport, args: argparse.Namespace) -> str:
    header = [
        "step", "contacts", "n", "seconds", "MB peak (tracemalloc)", "MB RSS", "+MB RSS",
        "output", "target", "verdict", "detail",
    ]  # fmt: skip
    rows = [header]
    for row in report.rows:
        if row.skipped:
            rows.append([LABELS[row.step], f"{row.size:,}", "0", *["-"] * 7, row.skipped])
            continue
        run = row.median_run
        rss_after = max(outcome.rss_after_kb for outcome in row.runs)
        rss_delta = max(outcome.rss_after_kb - outcome.rss_before_kb for outcome in row.runs)
        traced = row.traced.traced_peak if row.traced is not None else None
        rows.append(
            [
                LABELS[row.step],
                f"{row.size:,}",
                str(len(row.runs)),
                f"{row.seconds:.2f}",
                megabytes(traced) if traced is not None else "-",
                f"{rss_after / 1024:.0f}",
                f"{rss_delta / 1024:.0f}",
                file_size(run.output_bytes),
                row.target,
                row.verdict,
                detail_of(row),
            ]
        )
    index = "Whoosh index on" if not args.no_search_index else "no search index"
    lines = [
        f"=== {report.size:,} contacts ({index}; seconds: median of the runs, n; each run a "
        "fresh process)"
    ]
    lines += format_table(rows, {0, 8, 9, 10})
    lines.append(
        "  MB peak: tracemalloc's peak of Python allocations during the step (one more run, "
        "traced; C libraries such as Pango, Cairo and SQLite are not seen); MB RSS: the child's "
        "peak RSS after the step (VmHWM: ru_maxrss keeps the parent's RSS at the fork), "
        "imports and app included; +MB RSS: what the step added to it"
    )
    if any(row.step == PDF and len(row.runs) == 1 for row in report.rows):
        lines.append("  PDF: one run only at this size (--pdf-runs)")
    for passed, what in report.checks:
        lines.append(f"  check {'PASS' if passed else 'MISS'}: {what}")
    misses = sum(row.verdict == "MISS" for row in report.rows)
    misses += sum(not passed for passed, _ in report.checks)
    index_note = (
        f"; search index built in {report.index_s:.1f} s" if not math.isnan(report.index_s) else ""
    )
    lines.append(
        f"  generated in {report.generate_s:.1f} s{index_note}; {misses} MISS(es) at this size"
    )
    for profile in report.profiles:
        lines.append("")
        lines.append(profile)
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the exports (vCard, CSV, incident pack HTML and PDF) and the CSV "
        "import, with their peak memory, on generated directories, each step in a fresh "
        "process, against the targets of the exports issue.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000],
        metavar="N",
        help="numbers of contacts to generate, one fresh database each (default: 1000 10000)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        metavar="N",
        help="timed runs of each step, each in a fresh process; the median is shown (default: 3)",
    )
    parser.add_argument(
        "--pdf-runs",
        type=int,
        default=0,
        metavar="N",
        help="timed runs of the PDF (default: --runs up to 1,000 contacts, 1 above: it is slow)",
    )
    parser.add_argument(
        "--skip-pdf-above",
        type=int,
        default=None,
        metavar="N",
        help="do not make the PDF for sizes above N contacts",
    )
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="skip the traced run of each step (no tracemalloc peak)",
    )
    parser.add_argument(
        "--no-search-index",
        action="store_true",
        help="import without the Whoosh index (by default it is built, and a real import "
        "catches it up after its commit, as in production)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the databases and the files under DIR and keep them (default: temporary)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="at the largest size, cProfile each step in one more process and print its top "
        "functions by own time",
    )
    parser.add_argument(
        "--top", type=int, default=15, metavar="N", help="functions shown per profile"
    )
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("--sizes must be positive")
    if args.runs < 1 or args.pdf_runs < 0:
        parser.error("--runs must be at least 1, --pdf-runs at least 0")
    return args


def weasyprint_version() -> str:
    import weasyprint

    return str(weasyprint.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for size in sorted(set(args.sizes)):
        report = run_size(size, args)
        print(render(report, args), flush=True)  # each size as soon as it is done
        print(flush=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{machine_line()}; WeasyPrint {weasyprint_version()}; load average at the end {load}")
    print(
        f"target: a {IMPORT_ROWS:,}-row CSV import (dry run or real) under {IMPORT_S:g} s; "
        "the exports have no time target: they are measured"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
