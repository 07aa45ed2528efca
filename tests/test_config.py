from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": env.pop("INSTANCE_PATH")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_production_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    result = run_python("import wsgi", DIRECTORY_CONFIG="production", INSTANCE_PATH=str(tmp_path))
    assert result.returncode != 0
    assert "refuses to start without: SECRET_KEY, DATABASE_URL" in result.stderr


def test_production_starts_with_them(tmp_path: Path) -> None:
    result = run_python(
        "import wsgi; print(wsgi.app.config['SESSION_COOKIE_SECURE'])",
        DIRECTORY_CONFIG="production",
        INSTANCE_PATH=str(tmp_path),
        SECRET_KEY="x" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_development_keeps_a_generated_secret_in_the_instance_folder(tmp_path: Path) -> None:
    code = "import wsgi; print(wsgi.app.config['SECRET_KEY'])"
    first = run_python(code, INSTANCE_PATH=str(tmp_path))
    second = run_python(code, INSTANCE_PATH=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip()) == 64
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = run_python("import wsgi", INSTANCE_PATH=str(tmp_path), STALE_AFTER_DAYS="soon")
    assert result.returncode != 0
    assert "STALE_AFTER_DAYS must be a whole number" in result.stderr


def test_behind_a_proxy_the_client_address_is_used(tmp_path: Path) -> None:
    code = (
        "import wsgi\n"
        "from flask import request\n"
        "app = wsgi.app\n"
        "@app.get('/whoami')\n"
        "def whoami(): return request.remote_addr\n"
        "app.before_request_funcs[None].clear()\n"
        "client = app.test_client()\n"
        "print(client.get('/whoami', headers={'X-Forwarded-For': '198.51.100.7'},"
        " environ_base={'REMOTE_ADDR': '127.0.0.1'}).get_data(as_text=True))\n"
    )
    behind = run_python(code, INSTANCE_PATH=str(tmp_path), PROXY_COUNT="1")
    direct = run_python(code, INSTANCE_PATH=str(tmp_path))
    assert behind.stdout.strip() == "198.51.100.7", behind.stderr
    assert direct.stdout.strip() == "127.0.0.1", direct.stderr
