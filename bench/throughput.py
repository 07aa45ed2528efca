"""Searches per second through gunicorn (2 sync workers) with wrk's 16 connections.

Used by bench/search.py at one size (5,000 contacts by default): gunicorn serves the generated
directory the way production would (``gunicorn -w 2 -k sync wsgi:app``, configured by
environment variables), a viewer signs in, and wrk (Debian's package) sends the search page's
as-you-type requests (``/search?q=...&partial=1``: twenty results with their filter counts)
for the fixed list of queries in turn. A warm-up run comes first; then the timed run. Every
answer must be 200: wrk counts the others, and they are reported.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 16
THREADS = 2
USER_AGENT = "bench-throughput"  # sign-in and wrk send the same: the session is bound to it
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Throughput:
    path: str
    paths: int = 0  # how many different requests were sent in turn
    seconds: float = 0.0
    requests: int = 0
    per_second: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)  # "50%", "99%", ...
    not_ok: int = 0  # answers other than 2xx/3xx
    socket_errors: str = ""
    note: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own http:// server
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout_s:g} s") from None
            time.sleep(0.2)


def sign_in(base: str, email: str, password: str) -> str:
    """The Cookie header of a signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    form = {"email": email, "password": password}
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token:
        form["csrf_token"] = token.group(1)
    answer = opener.open(f"{base}/login", urllib.parse.urlencode(form).encode(), timeout=10)
    if urllib.parse.urlsplit(answer.url).path == "/login":
        raise RuntimeError("the viewer could not sign in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lua_script(paths: list[str], cookie: str) -> str:
    quoted = ", ".join(f'"{path}"' for path in paths)
    return f"""
local paths = {{{quoted}}}
local headers = {{["Cookie"] = "{cookie}", ["User-Agent"] = "{USER_AGENT}"}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end
"""


def parse_wrk(output: str, result: Throughput) -> None:
    for label, value, unit in re.findall(r"^\s+(\d+%)\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        result.latency_ms[label] = float(value) * UNITS[unit]
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if found:
        result.requests = int(found.group(1))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result.per_second = float(rate.group(1)) if rate else 0.0
    not_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result.not_ok = int(not_ok.group(1)) if not_ok else 0
    errors = re.search(r"Socket errors: (.*)", output)
    result.socket_errors = errors.group(1).strip() if errors else ""


def measure_throughput(
    folder: Path,
    paths: list[str],
    email: str,
    password: str,
    seconds: float,
    warm_up_s: float = 5.0,
) -> Throughput:
    """Serve the directory in ``folder`` (directory.sqlite3, search-index, instance) with
    gunicorn and load it with wrk, ``paths`` in turn; gunicorn is stopped before returning."""
    result = Throughput("/search?q=...&partial=1", len(paths), seconds)
    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if wrk is None:
        result.note = "wrk is not installed (apt-get install wrk): throughput not measured"
        return result
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite3'}",
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench-throughput-" + "x" * 32,
        "SESSION_COOKIE_SECURE": "0",
    }
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [str(gunicorn), "-w", str(WORKERS), "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"{base}/login")
        cookie = sign_in(base, email, password)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua_script(paths, cookie))
        command = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", "--latency", "-s", script.name]
        subprocess.run(  # noqa: S603
            [*command, f"-d{warm_up_s:g}s", base], capture_output=True, text=True, check=True
        )
        timed = subprocess.run(  # noqa: S603
            [*command, f"-d{seconds:g}s", base], capture_output=True, text=True, check=True
        )
        parse_wrk(timed.stdout, result)
        os.unlink(script.name)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return result
