"""A real browser against a real server: sign in, read the matrix, open contacts, sign out.

The module migrates a fresh SQLite database in a temporary instance folder, loads the demo
directory with ``flask seed demo``, starts ``flask run`` on a free port and drives Debian's
Chromium through Playwright. No browser is downloaded: Chromium must be at CHROMIUM.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
FLASK = str(VENV_BIN / "flask")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
# Settings from the caller's shell that would point the server elsewhere than the temp folder.
SCRUBBED = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DIRECTORY_CONFIG",
    "DEFAULT_LOCALE",
    "FLASK_DEBUG",
    "FLASK_RUN_HOST",
    "FLASK_RUN_PORT",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [FLASK, "--app", "wsgi", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
            return response.status < 500
    except urllib.error.HTTPError as error:
        error.close()
        return error.code < 500
    except OSError:
        return False


def _read_logins(path: Path) -> dict[str, tuple[str, str]]:
    """{role: (email, password)} from lines like ``admin@example.org  <password>  (admin)``."""
    logins: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*(\S+@\S+)\s+(\S+)\s+\((\w+)\)\s*", line)
        if match:
            logins[match.group(3)] = (match.group(1), match.group(2))
    return logins


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A migrated, demo-seeded instance served by ``flask run``: its URL and sign-ins."""
    tmp = tmp_path_factory.mktemp("browser")
    instance = tmp / "instance"
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi",
        PATH=os.pathsep.join([str(VENV_BIN), env.get("PATH", "")]),
        PYTHONUNBUFFERED="1",
    )
    _run(["db", "upgrade"], env)
    _run(["seed", "demo"], env)
    logins = _read_logins(instance / "demo-login.txt")
    assert {"admin", "viewer"} <= logins.keys(), logins

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [FLASK, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while not _answers(f"{base_url}/login"):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield {"url": base_url, "logins": logins}
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: run `make system-deps` as root"
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _new_page(browser: Browser, **options: object) -> Iterator[Page]:
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    # A Content-Security-Policy violation (an inline style or script) or a script error shows
    # up in the console: any such error fails the test that caused it.
    errors: list[str] = []

    def on_console(message) -> None:
        # A 400 answer to a wrong password is the page itself, not a fault of the page.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context (no cookies) per test, desktop-sized."""
    yield from _new_page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _new_page(
        browser,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


def _url(server: dict, path: str) -> re.Pattern[str]:
    return re.compile(re.escape(server["url"] + path))


def sign_in(page: Page, server: dict, role: str = "viewer") -> None:
    email, password = server["logins"][role]
    page.goto(server["url"] + "/")
    expect(page).to_have_url(_url(server, "/login"))
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server["url"] + "/")


def test_sign_in_shows_the_coverage_matrix(page: Page, server: dict) -> None:
    page.goto(server["url"] + "/")
    expect(page).to_have_url(_url(server, "/login?next=%2F"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(page, server, "viewer")

    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(35)
    expect(page.locator("table.matrix thead th")).to_have_count(5)  # the state + 4 areas
    expect(page.locator("table.matrix td.cell")).to_have_count(35 * 4)
    for row in rows.all():
        expect(row.locator("td.cell")).to_have_count(4)
    for state in ("Jamaica", "Haiti"):
        expect(page.locator("table.matrix tbody th", has_text=state)).to_be_visible()


def test_matrix_cell_leads_to_country_then_contact(page: Page, server: dict) -> None:
    sign_in(page, server, "viewer")
    jamaica = page.locator("table.matrix tbody tr", has_text="Jamaica")
    expect(jamaica).to_have_count(1)
    jamaica.locator("td.cell a").first.click()
    expect(page).to_have_url(server["url"] + "/countries/JM#disaster-response")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jamaica")

    cards = page.locator("#disaster-response article.contact-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 1
    # a card that shows both a telephone and an e-mail address
    reachable = cards.filter(has=page.locator('a[href^="tel:+"]')).filter(
        has=page.locator('a[href^="mailto:"]')
    )
    expect(reachable.first).to_be_visible()
    title_link = reachable.first.locator("h3 a")
    title = title_link.inner_text().strip()
    title_link.click()

    expect(page).to_have_url(re.compile(re.escape(server["url"]) + r"/contacts/[^/#?]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator('a[href^="tel:+"]').first).to_be_visible()
    expect(page.locator('a[href^="mailto:"]').first).to_be_visible()
    expect(page.get_by_role("heading", name="Local time and hours")).to_be_visible()


def test_wrong_password_is_refused_beside_the_field(page: Page, server: dict) -> None:
    email, password = server["logins"]["admin"]
    page.goto(server["url"] + "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password + "-wrong")
    page.get_by_role("button", name="Sign in").click()

    errors = page.locator("#password-errors")
    expect(errors).to_have_text("E-mail or password is not right.")
    # beside the password field: inside the same .field block
    field = page.locator(".field", has=page.locator("#password"))
    expect(field.locator(".errors")).to_have_text("E-mail or password is not right.")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#password")).to_have_value("")
    expect(page).to_have_url(_url(server, "/login"))
    expect(page.locator("table.matrix")).to_have_count(0)


def test_phone_viewport_does_not_scroll_sideways(phone: Page, server: dict, tmp_path: Path) -> None:
    sign_in(phone, server, "viewer")
    expect(phone.locator("table.matrix tbody tr")).to_have_count(35)
    viewport_width = phone.evaluate("window.innerWidth")
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert viewport_width == 375
    assert page_width <= viewport_width, f"page is {page_width}px wide on a 375px screen"
    # the matrix is wider than the screen, so it must scroll inside its own wrapper
    wrap = phone.locator(".matrix-wrap")
    overflow_x = wrap.evaluate("el => getComputedStyle(el).overflowX")
    assert overflow_x in {"auto", "scroll"}, overflow_x
    wrap_box = wrap.bounding_box()
    assert wrap_box is not None
    assert wrap_box["x"] >= 0
    assert wrap_box["x"] + wrap_box["width"] <= viewport_width + 0.5
    expect(phone.locator("#hero-search")).to_be_visible()
    shot = tmp_path / "home-phone.png"
    phone.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0


def test_sign_out(page: Page, server: dict) -> None:
    sign_in(page, server, "admin")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(_url(server, "/login"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto(server["url"] + "/")
    expect(page).to_have_url(_url(server, "/login?next=%2F"))
    expect(page.get_by_text("Please sign in to use the directory.")).to_be_visible()
    expect(page.locator("#email")).to_be_visible()
    expect(page.locator("table.matrix")).to_have_count(0)


def test_contact_pages_fit_a_phone(phone: Page, server: dict, tmp_path: Path) -> None:
    sign_in(phone, server, "viewer")
    phone.goto(server["url"] + "/countries/JM")
    links = phone.locator("article.contact-card h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 8))]
    assert len(hrefs) >= 4
    for href in hrefs:
        phone.goto(server["url"] + str(href))
        expect(phone.get_by_role("heading", name="Local time and hours")).to_be_visible()
        page_width = phone.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 375, f"{href} is {page_width}px wide on a 375px screen"
    phone.screenshot(path=str(tmp_path / "contact-phone.png"), full_page=True)


def test_editor_adds_edits_and_sees_the_history(page: Page, server: dict) -> None:
    """An editor adds a contact with two phone numbers (the second row added in place by the
    page's script), finds it on the state's page, edits it, and reads the change in its history."""
    sign_in(page, server, "editor")
    page.goto(server["url"] + "/countries/JM")
    page.get_by_role("link", name="New contact for Transportation security").click()
    expect(page).to_have_url(re.compile(r"/contacts/new"))
    page.locator("#organisation").fill("Port Authority of Jamaica, Security Division")
    page.locator("#position_title").fill("Browser-made port security desk")
    page.locator("#channels-0-kind").select_option("phone")
    page.locator("#channels-0-value").fill("876 922 0290")
    page.locator("#channels-0-label").fill("Control room")
    page.locator("#channels-0-is_24_7").check()
    rows_before = page.locator("fieldset.channel-row").count()
    page.get_by_role("button", name="Add a channel").click()
    expect(page.locator("fieldset.channel-row")).to_have_count(rows_before + 1)
    assert page.url.endswith("/contacts/new?country=JM&area=transportation-security")  # in place
    page.locator("#channels-1-kind").select_option("mobile")
    page.locator("#channels-1-value").fill("876 881 2345")
    page.locator("#channels-1-label").fill("Duty mobile")
    page.get_by_role("button", name="Create contact").click()

    expect(page.get_by_role("heading", name="Browser-made port security desk")).to_be_visible()
    expect(page.locator('a[href="tel:+18769220290"]')).to_be_visible()
    expect(page.locator('a[href="tel:+18768812345"]')).to_be_visible()
    contact_url = page.url

    page.goto(server["url"] + "/countries/JM")
    card = page.locator("article.contact-card", has_text="Browser-made port security desk")
    expect(card).to_be_visible()
    expect(card.locator('a[href="tel:+18769220290"]')).to_be_visible()

    page.goto(contact_url)
    page.get_by_role("link", name="Edit").first.click()
    page.locator("#city").fill("Port Royal")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(contact_url)
    history = page.locator(".history-list")
    expect(history).to_contain_text("edited")
    expect(history).to_contain_text("Port Royal")
