"""How the LDAP projection holds up as the directory grows: export, sync and follow against slapd.

For each size, a fresh SQLite database is migrated, seeded with the reference data and filled
with the generated multilingual contacts of bench/search.py. Two throwaway slapds are started,
A and B, as the integration tests start them (``olcDbNoSync TRUE``, unless ``--fsync``), each
with ``ou=contacts,dc=example,dc=org`` created. Then:

- export: ``export_ldif`` (behind ``flask ldap export``) writes the LDIF file, without the base
  entry (the organizational unit is there already);
- the floor: the real ``ldapadd`` loads that file into B;
- the offline fast path: ``slapadd -q`` loads the same file into a third server, C, never
  started before (its folder laid out as the test fixture lays it out), started afterwards to
  count what it holds;
- first full sync: ``sync()`` into the empty A, as a ratio to ldapadd (target: under 2); A and B
  are then read back with ``ldapsearch`` and must hold the same entries;
- the same first sync into a fourth empty server, D, one write at a time on the sync's ``SYNC``
  connection instead of a window of requests in flight on an ``ASYNC`` one: what the window buys
  (skipped with ``--no-one-at-a-time``);
- where a sync's time goes: reading the server (``read_current``, beside the real ``ldapsearch``
  reading the same entries the same way), computing the entries from the database
  (``desired_entries``) and diffing the two, each timed alone;
- second sync with nothing to do (target: under 5 s at 10,000 contacts; it must plan nothing);
- one edit among N (``update_contact`` moving a contact to another city): a full sync, which
  must do exactly one modify; then the follow path, as ``flask ldap sync --follow`` runs it on
  its open connection (the follower's ``follow`` handing the change to ``apply_changes``, the
  cursor read from and moved in the database), timed from the commit to the modify done
  (target: one modify, under 1 s), ``--repeat`` edits for p50/p95.

What the server did is read from its log (slapd runs with ``-d stats``, one line per
operation): the ADD, MOD and DEL lines each step caused are counted beside the plan.

Run by hand from the project folder:

    .venv/bin/python bench/ldap_sync.py --sizes 1000
    .venv/bin/python bench/ldap_sync.py --sizes 10000 --profile --keep /tmp/bench-ldap
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import math
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

# The script is run by path (bench/ldap_sync.py): make the project importable.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.pages import SEED, build_app, log, machine_line  # noqa: E402
from bench.search import Samples, format_table, generate_contacts, short_name  # noqa: E402
from directory.extensions import db  # noqa: E402
from directory.models import Contact  # noqa: E402
from directory.projections.follower import LoggedChange, cursor_of, follow  # noqa: E402
from directory.projections.ldap import ldif  # noqa: E402
from directory.projections.ldap import sync as projection  # noqa: E402
from directory.projections.ldap.connection import PAGE_SIZE, LdapConnection  # noqa: E402
from directory.projections.ldap.desired import desired_entries  # noqa: E402
from directory.projections.ldap.diff import Add, Modify, diff  # noqa: E402
from directory.projections.ldap.export import export_ldif  # noqa: E402
from directory.projections.ldap.follow import apply_changes  # noqa: E402
from directory.projections.ldap.mapping import ATTRIBUTES  # noqa: E402
from directory.projections.ldap.records import read_current  # noqa: E402
from directory.projections.ldap.settings import LdapSettings, SyncError  # noqa: E402
from directory.services.actors import Actor  # noqa: E402
from directory.services.contacts import data_from_snapshot, snapshot, update_contact  # noqa: E402
from directory.services.records import active_contact_records  # noqa: E402
from directory.services.seed import seed_reference  # noqa: E402
from tests.integration.slapd import (  # noqa: E402
    PORT_ATTEMPTS,
    PortInUse,
    Slapd,
    find_tool,
    prepare,
    slapd_server,
    two_free_ports,
)

BASE_DN = "ou=contacts,dc=example,dc=org"
# The filter the sync sends (as BER), written as text for the ldapsearch program.
OWNED_FILTER_TEXT = "(&(objectClass=inetOrgPerson)(employeeType=point of contact))"
TOOL_TIMEOUT_S = 3_600

# Targets of the LDAP issue.
FIRST_SYNC_RATIO = 2.0  # first full sync / ldapadd of the same entries
NOTHING_TO_DO_S = 5.0  # second sync, at up to NOTHING_TO_DO_SIZE contacts
NOTHING_TO_DO_SIZE = 10_000
FOLLOW_S = 1.0  # from the commit of one edit to its modify done

# One line per operation in slapd's "stats" log: conn=1001 op=2 ADD dn="uid=...".
OPERATION = re.compile(r" op=\d+ (ADD|MOD|DEL|MODRDN) dn=")


# --- servers --------------------------------------------------------------------------------------


def slapd_version() -> str:
    done = subprocess.run(  # noqa: S603 - the installed slapd, by its full path
        [find_tool("slapd"), "-VV"], capture_output=True, text=True, timeout=30, check=False
    )
    lines = (done.stderr or done.stdout).strip().splitlines()
    first = lines[0] if lines else "unknown"
    return first.replace("@(#) $OpenLDAP:", "").strip(" $") or first


def start(server: Slapd) -> None:
    """Starts a server made by ``prepare``, on new ports if another process took its own."""
    for attempt in range(PORT_ATTEMPTS):
        try:
            server.start()
            return
        except PortInUse:
            if attempt == PORT_ATTEMPTS - 1:
                raise
            server.port, server.tls_port = two_free_ports()


def run_tool(*args: str) -> float:
    """Runs an OpenLDAP program; returns the seconds it took, raises when it fails."""
    begun = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - OpenLDAP's own tools, by their full paths
        args,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
        check=False,
        env={**os.environ, "LDAPNOINIT": "1"},  # no ~/.ldaprc: every option is given here
    )
    seconds = time.perf_counter() - begun
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()[-2_000:]
        raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {output}")
    return seconds


def log_offset(server: Slapd) -> int:
    return server.log_file.stat().st_size if server.log_file.exists() else 0


def operations(server: Slapd, offset: int) -> Counter[str]:
    """The write operations the server logged since ``offset``, by kind."""
    with server.log_file.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    return Counter(match.group(1) for match in OPERATION.finditer(text))


def described(counts: Counter[str]) -> str:
    if not counts:
        return "no write"
    return ", ".join(
        f"{counts[kind]:,} {kind}" for kind in ("ADD", "MOD", "DEL", "MODRDN") if counts[kind]
    )


def read_floor(server: Slapd) -> float:
    """Seconds for the real ldapsearch to read what ``read_current`` reads, the same way."""
    return run_tool(
        find_tool("ldapsearch"),
        "-x",
        "-H",
        server.url,
        "-D",
        server.bind_dn,
        "-w",
        server.password,
        "-LLL",
        "-o",
        "ldif-wrap=no",
        "-E",
        f"pr={PAGE_SIZE}/noprompt",
        "-b",
        BASE_DN,
        "-s",
        "one",
        OWNED_FILTER_TEXT,
        *ATTRIBUTES,
    )


def held(server: Slapd) -> dict[str, dict[str, object]]:
    """The entries directly below the base, by uid, as ldapsearch reads them back."""
    entries = server.ldapsearch(BASE_DN, "(uid=*)", scope="one")
    return {str(entry["uid"][0]): entry for entry in entries}


def uid_count(server: Slapd) -> int:
    return len(server.ldapsearch(BASE_DN, "(uid=*)", attrs=("1.1",), scope="one"))


def settings_for(app: Flask, server: Slapd) -> LdapSettings:
    return LdapSettings.from_config(
        {
            **app.config,
            "LDAP_URL": server.url,
            "LDAP_BIND_DN": server.bind_dn,
            "LDAP_BIND_PASSWORD": server.password,
            "LDAP_BIND_PASSWORD_FILE": "",
            "LDAP_BASE_DN": BASE_DN,
            "LDAP_START_TLS": False,
            "LDAP_CA_FILE": str(server.ca_file),
        }
    )


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Step:
    label: str
    samples: Samples = field(default_factory=Samples)
    entries: int | None = None  # how many entries the step handles, for entries/s
    use_p95: bool = False
    floor: bool = False  # show the ratio to ldapadd
    target: str = "-"
    verdict: str = "-"
    detail: str = ""

    @property
    def seconds(self) -> float:
        return self.samples.p95 if self.use_p95 else self.samples.p50


@dataclass
class SizeReport:
    size: int
    steps: list[Step] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)  # (verdict, what)
    ldapadd_s: float = math.nan
    generate_s: float = 0.0
    ldif_bytes: int = 0
    profiles: list[str] = field(default_factory=list)

    def step(self, label: str, **kwargs: Any) -> Step:
        made = Step(label, **kwargs)
        self.steps.append(made)
        return made

    def check(self, passed: bool, what: str) -> None:
        self.checks.append(("PASS" if passed else "MISS", what))


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    begun = time.perf_counter()
    result = call()
    return time.perf_counter() - begun, result


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def export(app: Flask, path: Path) -> tuple[int, Any]:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        return export_ldif(out, BASE_DN, app.config.get("DEFAULT_LOCALE") or "en", with_base=False)


def desired_now(settings: LdapSettings) -> Any:
    """What ``plan`` computes from the database, alone."""
    contacts = active_contact_records()
    desired = desired_entries(contacts, settings.language)
    db.session.rollback()
    return desired


def sync_logged(settings: LdapSettings, window: int | None = None) -> projection.SyncReport:
    """``sync``, logging its plan and its progress on stderr."""
    begun = time.perf_counter()

    def on_plan(report: projection.SyncReport) -> Callable[[int], None] | None:
        log(f"  planned {report.summary()} ({time.perf_counter() - begun:.1f} s)")
        if len(report.actions) < 5_000:
            return None
        done = [0]

        def progress(count: int) -> None:
            done[0] += count
            if done[0] % 5_000 == 0:
                log(f"  {done[0]:>9,} written ({time.perf_counter() - begun:.1f} s)")

        return progress

    if window is None:
        return projection.sync(settings, on_plan=on_plan)
    return projection.sync(settings, on_plan=on_plan, window=window)


def kinds(actions: Sequence[Any]) -> Counter[str]:
    return Counter(type(action).__name__ for action in actions)


def single_modify(actions: Sequence[Any]) -> bool:
    return len(actions) == 1 and isinstance(actions[0], Modify)


@contextlib.contextmanager
def work_folder(args: argparse.Namespace, size: int) -> Iterator[Path]:
    if args.keep:
        folder = Path(args.keep).resolve() / f"ldap-{size}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-ldap-{size}-"))
    try:
        yield folder
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def measure_floor(report: SizeReport, server: Slapd, path: Path, count: int) -> None:
    log("ldapadd into B ...")
    offset = log_offset(server)
    seconds = run_tool(
        find_tool("ldapadd"),
        "-x",
        "-H",
        server.url,
        "-D",
        server.bind_dn,
        "-w",
        server.password,
        "-f",
        str(path),
    )
    report.ldapadd_s = seconds
    logged = operations(server, offset)
    step = report.step("ldapadd into B (the floor)", entries=count, floor=True)
    step.samples.values.append(seconds)
    step.detail = f"server: {described(logged)}"
    log(f"  ldapadd: {seconds:.2f} s")


def measure_slapadd(report: SizeReport, folder: Path, path: Path, count: int, nosync: bool) -> None:
    """slapadd -q into a server that has never run, then start it to count its entries."""
    log("slapadd -q into a stopped server C ...")
    server = prepare(folder, nosync=nosync)  # config and dc=example,dc=org, as the fixture does
    try:
        base = folder / "ou.ldif"
        record = ldif.base_record(BASE_DN)
        assert record is not None, BASE_DN
        base.write_text(record, encoding="utf-8")  # a record alone: see the check below
        slapadd = find_tool("slapadd")
        config = str(folder / "slapd.d")
        run_tool(slapadd, "-q", "-F", config, "-n1", "-l", str(base))
        loaded, note = path, ""
        try:
            seconds = run_tool(slapadd, "-q", "-F", config, "-n1", "-l", str(path))
        except RuntimeError as error:
            if "(line=1)" not in str(error):
                raise
            # It stopped at the first line, before any entry: try the records alone.
            reason = str(error).splitlines()[0]
            log(f"  slapadd refused the file ({reason}); loading it without `version: 1`")
            loaded = folder / "contacts-without-version.ldif"
            text = path.read_text(encoding="utf-8")
            loaded.write_text(re.sub(r"\Aversion: 1\n\n?", "", text), encoding="utf-8")
            note = "; loaded without the `version: 1` line"
            seconds = run_tool(slapadd, "-q", "-F", config, "-n1", "-l", str(loaded))
        report.check(
            loaded == path,
            "slapadd -q loads the exported file as written"
            + (" (it stops at `version: 1`: the records alone were loaded)" if note else ""),
        )
        log(f"  slapadd: {seconds:.2f} s; starting C to count its entries")
        start(server)
        found = uid_count(server)
        step = report.step("slapadd -q into stopped C", entries=count, floor=True)
        step.samples.values.append(seconds)
        step.detail = f"C holds {found:,} entries{note}"
        report.check(
            found == count, f"C (slapadd) holds the {count:,} exported entries ({found:,})"
        )
    finally:
        server.stop()


def measure_one_at_a_time(report: SizeReport, app: Flask, count: int, nosync: bool) -> None:
    """The first full sync into one more empty server, each write waited for in turn."""
    log("first full sync into an empty D, one write at a time ...")
    with slapd_server(nosync=nosync) as server:
        server.add_ou(BASE_DN)
        offset = log_offset(server)
        seconds, first = timed(lambda: sync_logged(settings_for(app, server), window=1))
        logged = operations(server, offset)
    step = report.step("  the same, one write at a time (D)", entries=count, floor=True)
    step.samples.values.append(seconds)
    step.detail = f"SYNC strategy, no window; {first.summary()}; server: {described(logged)}"
    log(f"  one at a time: {seconds:.2f} s ({seconds / report.ldapadd_s:.2f}x ldapadd)")


def measure_syncs(
    report: SizeReport,
    app: Flask,
    servers: tuple[Slapd, Slapd],
    count: int,
    args: argparse.Namespace,
) -> None:
    first_server, floor_server = servers
    settings = settings_for(app, first_server)
    size = report.size

    log("first full sync into the empty A ...")
    offset = log_offset(first_server)
    seconds, first = timed(lambda: sync_logged(settings))
    logged = operations(first_server, offset)
    ratio = seconds / report.ldapadd_s
    step = report.step(
        "first full sync into empty A",
        entries=count,
        floor=True,
        target=f"< {FIRST_SYNC_RATIO:g}x ldapadd",
        verdict=verdict(ratio < FIRST_SYNC_RATIO),
    )
    step.samples.values.append(seconds)
    step.detail = f"{first.summary()}; server: {described(logged)}"
    log(f"  first sync: {seconds:.2f} s ({ratio:.2f}x ldapadd)")
    report.check(
        first.count(Add) == count and logged["ADD"] == count and len(logged) == 1,
        f"the first sync added the {count:,} exported entries, nothing else",
    )

    log("reading A and B back with ldapsearch ...")
    synced, loaded = held(first_server), held(floor_server)
    differing = sum(
        1 for uid in synced.keys() | loaded.keys() if synced.get(uid) != loaded.get(uid)
    )
    report.check(
        differing == 0 and len(synced) == count,
        f"A (sync) and B (ldapadd) hold the same {len(synced):,} entries"
        + (f" ({differing:,} differ)" if differing else ""),
    )

    if args.one_at_a_time:
        measure_one_at_a_time(report, app, count, not args.fsync)

    log("where a sync's time goes ...")
    reading = report.step("  read the server (read_current)", entries=count)
    searching = report.step("  ldapsearch, same filter and attributes", entries=count)
    desiring = report.step("  entries from the database (desired_entries)", entries=count)
    diffing = report.step("  diff", entries=count)
    with LdapConnection(settings) as connection:
        for _ in range(args.runs):
            seconds, current = timed(lambda: read_current(connection))
            reading.samples.values.append(seconds)
            searching.samples.values.append(read_floor(first_server))
            seconds, desired = timed(lambda: desired_now(settings))
            desiring.samples.values.append(seconds)
            seconds, actions = timed(
                lambda current=current, desired=desired: diff(
                    current, desired.entries, keep=desired.refused
                )
            )
            diffing.samples.values.append(seconds)
    reading.detail = f"{len(current):,} entries read"
    searching.detail = f"the C client, pages of {PAGE_SIZE}, output discarded"
    desiring.detail = f"{len(desired.entries):,} entries, {len(desired.refused)} refused"
    diffing.detail = f"{len(actions)} actions"
    log(
        f"  read {reading.samples.p50:.2f} s, desired {desiring.samples.p50:.2f} s, "
        f"diff {diffing.samples.p50:.3f} s"
    )

    log("second sync, nothing to do ...")
    target = NOTHING_TO_DO_S if size <= NOTHING_TO_DO_SIZE else None
    again = report.step(
        "second sync, nothing to do",
        entries=count,
        floor=True,
        target=f"< {NOTHING_TO_DO_S:g} s, 0 actions" if target else "0 actions",
    )
    planned, writes = [], Counter[str]()
    for _ in range(args.runs):
        offset = log_offset(first_server)
        seconds, result = timed(lambda: projection.sync(settings))
        writes += operations(first_server, offset)
        again.samples.values.append(seconds)
        planned.append(len(result.actions))
    nothing = not any(planned) and not writes
    again.verdict = verdict(nothing and (target is None or again.seconds < target))
    again.detail = f"planned {max(planned)} actions (worst run); server: {described(writes)}"
    log(f"  second sync: {again.samples.p50:.2f} s")

    rng = random.Random(SEED + size)
    actor = Actor.system("bench")
    edits = [0]

    def edit() -> str:
        """Moves a contact to another city; returns its public id."""
        edits[0] += 1
        contact = db.session.get(Contact, rng.randint(1, size))
        assert contact is not None
        data = replace(
            data_from_snapshot(snapshot(contact)),
            city=f"Bench City {edits[0]}",
            rank=None,  # keep it: generated ranks go past the editors' limit of 99
        )
        target_id, version = contact.public_id, contact.version
        update_contact(actor, target_id, data, version)
        return target_id

    log("one edit, then a full sync ...")
    edited = edit()
    offset = log_offset(first_server)
    seconds, after_edit = timed(lambda: projection.sync(settings))
    logged = operations(first_server, offset)
    one = single_modify(after_edit.actions) and after_edit.actions[0].uid == edited
    full = report.step(
        "full sync after one edit",
        entries=count,
        floor=True,
        target="1 modify",
        verdict=verdict(one and logged == Counter(MOD=1)),
    )
    full.samples.values.append(seconds)
    changed = ", ".join(sorted(after_edit.actions[0].changes)) if one else ""
    full.detail = (
        f"{after_edit.summary()}"
        + (f" ({changed})" if changed else "")
        + f"; server: {described(logged)}"
    )
    log(f"  full sync after one edit: {seconds:.2f} s, {after_edit.summary()}")

    log(f"follow path, {args.repeat} edits ...")
    follow_step = report.step(
        "follow: commit -> modify done (p95)",
        use_p95=True,
        target=f"< {FOLLOW_S:g} s, 1 modify",
    )
    editing = report.step("  update_contact (the edit itself)")
    singles, writes = 0, Counter[str]()
    name = projection.cursor_name(BASE_DN)
    with LdapConnection(settings) as connection:  # --follow keeps its connection open
        for _ in range(args.repeat):
            offset = log_offset(first_server)
            seen: list[LoggedChange] = []
            actions: list[Any] = []
            begun = time.perf_counter()
            edited = edit()
            committed = time.perf_counter()
            follow(name, recording(connection, seen, actions))  # one look at the log
            done = time.perf_counter()
            logged = operations(first_server, offset)
            writes += logged
            editing.samples.values.append(committed - begun)
            follow_step.samples.values.append(done - committed)
            ids = [change.entity_id for change in seen]
            if ids == [edited] and single_modify(actions) and logged == Counter(MOD=1):
                singles += 1
            else:
                log(
                    f"  edit of {edited}: read {ids}, did {dict(kinds(actions))}, "
                    f"server: {described(logged)}"
                )
    report.check(
        bool(seen) and cursor_of(name) == seen[-1].seq,
        "the follower's cursor, in the database, stands at the last change applied",
    )
    follow_step.verdict = verdict(singles == args.repeat and follow_step.seconds < FOLLOW_S)
    follow_step.detail = (
        f"p50 {follow_step.samples.p50:.4f} s; {singles}/{args.repeat} edits were one modify; "
        f"server: {described(writes)}"
    )
    editing.detail = f"p50 {editing.samples.p50:.4f} s, p95 {editing.samples.p95:.4f} s"
    editing.use_p95 = True
    log(f"  follow: p50 {follow_step.samples.p50:.4f} s, p95 {follow_step.samples.p95:.4f} s")


def recording(
    connection: LdapConnection, seen: list[LoggedChange], actions: list[Any]
) -> Callable[[Sequence[LoggedChange]], None]:
    """``apply_changes`` as the follow loop hands it a batch, noting the batch and its actions."""

    def apply(changes: Sequence[LoggedChange]) -> None:
        seen.extend(changes)
        actions.extend(apply_changes(connection, changes))

    return apply


def profiled_sync(settings: LdapSettings, what: str, top: int) -> str:
    """cProfile one ``sync``; its top functions by cumulative time."""
    profiler = cProfile.Profile()
    begun = time.perf_counter()
    profiler.enable()
    try:
        report = projection.sync(settings)
    finally:
        profiler.disable()
    seconds = time.perf_counter() - begun
    entries = pstats.Stats(profiler).stats
    rows = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)[:top]
    lines = [
        f"-- cProfile of {what} ({report.summary()}): {seconds:.2f} s under the profiler; "
        f"top {top} by cumulative time"
    ]
    lines.append(f"{'cum s':>8} {'own s':>8} {'calls':>9}  function")
    for key, (_, calls, own, cumulative, _) in rows:
        lines.append(f"{cumulative:8.3f} {own:8.3f} {calls:9,}  {short_name(key)}")
    return "\n".join(lines)


def profile_first_sync(app: Flask, nosync: bool, top: int) -> str:
    """cProfile a first full sync into one more empty server."""
    log("profiling a first full sync into an empty server D ...")
    with slapd_server(nosync=nosync) as server:
        server.add_ou(BASE_DN)
        return profiled_sync(settings_for(app, server), "a first full sync into empty D", top)


def run_size(size: int, args: argparse.Namespace, profile_this: bool) -> SizeReport:
    report = SizeReport(size)
    nosync = not args.fsync
    with work_folder(args, size) as folder:
        log(f"== {size:,} contacts in {folder}")
        app = build_app(folder)
        try:
            with app.app_context():
                upgrade()
                seed_reference()
                report.generate_s = generate_contacts(size)
                log(f"generated {size:,} contacts in {report.generate_s:.1f} s")
                db.session.remove()

                path = folder / "contacts.ldif"
                log("export ...")
                exporting = report.step("export LDIF (export_ldif)", entries=size)
                for _ in range(args.runs):
                    seconds, (count, desired) = timed(lambda: export(app, path))
                    exporting.samples.values.append(seconds)
                report.ldif_bytes = path.stat().st_size
                exporting.entries = count
                exporting.detail = f"{count:,} records, {report.ldif_bytes / 1e6:.1f} MB" + (
                    f", {len(desired.refused)} refused" if desired.refused else ""
                )
                report.check(count == size, f"the LDIF holds every contact ({count:,})")
                log(f"  export: {exporting.samples.p50:.2f} s, {count:,} records")

                with contextlib.ExitStack() as stack:
                    first_server = stack.enter_context(slapd_server(nosync=nosync))
                    floor_server = stack.enter_context(slapd_server(nosync=nosync))
                    for server in (first_server, floor_server):
                        server.add_ou(BASE_DN)
                    log(f"servers: A {first_server.url}, B {floor_server.url}")
                    measure_floor(report, floor_server, path, count)
                    measure_slapadd(report, folder / "slapd-c", path, count, nosync)
                    measure_syncs(report, app, (first_server, floor_server), count, args)
                    if profile_this:
                        log("profiling a sync with nothing to do on A ...")
                        report.profiles.append(
                            profiled_sync(
                                settings_for(app, first_server),
                                "a sync with nothing to do",
                                args.top,
                            )
                        )
                if profile_this:
                    report.profiles.insert(0, profile_first_sync(app, nosync, args.top))
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return report


# --- report ---------------------------------------------------------------------------------------


def render(report: SizeReport, args: argparse.Namespace) -> str:
    header = ["step", "n", "seconds", "entries/s", "/ldapadd", "target", "verdict", "detail"]
    rows = [header]
    for step in report.steps:
        seconds = step.seconds
        rate = f"{step.entries / seconds:,.0f}" if step.entries and seconds > 0 else "-"
        ratio = f"{seconds / report.ldapadd_s:.2f}" if step.floor else "-"
        rows.append(
            [
                step.label,
                str(len(step.samples.values)),
                f"{seconds:.4f}" if seconds < 1 else f"{seconds:.2f}",
                rate,
                ratio,
                step.target,
                step.verdict,
                step.detail,
            ]
        )
    sync_mode = "fsync on" if args.fsync else "olcDbNoSync TRUE"
    lines = [
        f"=== {report.size:,} contacts ({sync_mode}; seconds: median of --runs {args.runs}, "
        f"p95 of --repeat {args.repeat} where marked)"
    ]
    lines += format_table(rows, {0, 5, 6, 7})
    for outcome, what in report.checks:
        lines.append(f"  check {outcome}: {what}")
    misses = sum(step.verdict == "MISS" for step in report.steps)
    misses += sum(outcome == "MISS" for outcome, _ in report.checks)
    lines.append(f"  generated in {report.generate_s:.1f} s; {misses} MISS(es) at this size")
    for profile in report.profiles:
        lines.append("")
        lines.append(profile)
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the LDAP projection (export, ldapadd, slapadd, full and incremental "
        "sync) against throwaway slapds, on generated directories, against the targets of the "
        "LDAP issue.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000],
        metavar="N",
        help="numbers of contacts to generate, one fresh database and fresh servers each "
        "(default: 1000 10000)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=10,
        metavar="N",
        help="edits timed along the follow path, for p50/p95 (default: 10)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        metavar="N",
        help="runs of the steps that change nothing (export, reads, the second sync); "
        "their median is shown (default: 3)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the databases, the LDIF and server C under DIR and keep them "
        "(default: temporary, removed)",
    )
    parser.add_argument(
        "--no-one-at-a-time",
        dest="one_at_a_time",
        action="store_false",
        help="skip the first sync into one more server with one write at a time (what the "
        "window of requests in flight buys)",
    )
    parser.add_argument(
        "--fsync",
        action="store_true",
        help="run the servers with olcDbNoSync FALSE (an fsync per write) instead of TRUE",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="at the largest size, cProfile a first full sync into one more empty server, and "
        "a sync with nothing to do, and print their top functions by cumulative time",
    )
    parser.add_argument(
        "--top",
        type=int,
        default=25,
        metavar="N",
        help="functions shown by --profile (default: 25)",
    )
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("--sizes must be positive")
    if args.repeat < 1 or args.runs < 1:
        parser.error("--repeat and --runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sorted(set(args.sizes))
    try:
        version = slapd_version()
        for size in sizes:
            report = run_size(size, args, profile_this=args.profile and size == sizes[-1])
            print(render(report, args), flush=True)  # each size as soon as it is done
            print(flush=True)
    except (RuntimeError, SyncError, subprocess.TimeoutExpired) as error:
        log(f"error: {error}")
        return 1
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{machine_line()}; {version}; ldap3 {metadata.version('ldap3')}; "
        f"load average at the end {load} (slapd and the sync share the CPUs)"
    )
    print(
        f"targets: first full sync < {FIRST_SYNC_RATIO:g}x ldapadd of the same LDIF; second "
        f"sync with nothing to do < {NOTHING_TO_DO_S:g} s up to {NOTHING_TO_DO_SIZE:,} contacts "
        f"and no action; after one edit, a full sync does exactly one modify, and the follow "
        f"path does one modify within {FOLLOW_S:g} s of the commit (p95)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
