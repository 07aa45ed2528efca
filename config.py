"""Configuration classes; every setting can come from an environment variable (see README)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance")).resolve()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str | None:
    """PostgreSQL addresses as people write them, read with the installed psycopg 3 driver."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _local_secret_key(instance: Path) -> str:
    """A random key kept in instance/ so that a development server keeps its sessions."""
    key_file = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier start (or a concurrent one): use it
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class Config:
    """Development defaults: everything lives in instance/."""

    INSTANCE_PATH = str(_instance_path())
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL")) or (
        f"sqlite:///{_instance_path() / 'directory.sqlite3'}"
    )
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)
    # The search index (a projection, rebuildable); empty turns search by index off.
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(_instance_path() / "search-index"))
    STALE_AFTER_DAYS = _env_int("STALE_AFTER_DAYS", 180)
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "en")
    LANGUAGES = ("en", "es", "pt", "fr")
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_SECONDS", 12 * 3600)
    REMEMBER_COOKIE_DURATION = _env_int("REMEMBER_COOKIE_SECONDS", 14 * 24 * 3600)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    CONTACTS_PER_PAGE = _env_int("CONTACTS_PER_PAGE", 50)
    SEARCH_RESULTS_PER_PAGE = _env_int("SEARCH_RESULTS_PER_PAGE", 20)
    # Reverse proxies in front of the app (nginx: 1): their X-Forwarded-For and -Proto headers
    # are trusted, so that sign-in limits count the real client address.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)
    # Strict-Transport-Security on answers over HTTPS (seen through the proxy): 0 sends none.
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 0)
    SIGN_IN_WINDOW_MINUTES = _env_int("SIGN_IN_WINDOW_MINUTES", 15)
    SIGN_IN_LIMIT_PER_ACCOUNT = _env_int("SIGN_IN_LIMIT_PER_ACCOUNT", 5)
    SIGN_IN_LIMIT_PER_ADDRESS = _env_int("SIGN_IN_LIMIT_PER_ADDRESS", 20)
    INVITE_LINK_HOURS = _env_int("INVITE_LINK_HOURS", 7 * 24)
    RESET_LINK_HOURS = _env_int("RESET_LINK_HOURS", 24)
    # scrypt is memory-hard; werkzeug's default cost (N=2**15) takes about 0.1 s here.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
    API_RATE_LIMIT_PER_MINUTE = _env_int("API_RATE_LIMIT_PER_MINUTE", 120)  # per token
    # A PDF incident pack made on request takes about 2 s per 100 contacts: larger ones are
    # printed from the page, or made with `flask packs pdf`.
    PACK_PDF_MAX_CONTACTS = _env_int("PACK_PDF_MAX_CONTACTS", 600)

    # The LDAP projection (`flask ldap sync`): an OpenLDAP server that mail clients read.
    LDAP_URL = os.environ.get("LDAP_URL", "")  # ldap://host:389 or ldaps://host:636
    LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
    LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    LDAP_BIND_PASSWORD_FILE = os.environ.get("LDAP_BIND_PASSWORD_FILE", "")  # wins when set
    LDAP_BASE_DN = os.environ.get("LDAP_BASE_DN", "")  # ou=contacts,dc=example,dc=org
    LDAP_START_TLS = _env_bool("LDAP_START_TLS", False)
    LDAP_CA_FILE = os.environ.get("LDAP_CA_FILE", "")  # empty: the system's certificates
    LDAP_TLS_VERIFY = _env_bool("LDAP_TLS_VERIFY", True)
    LDAP_CONNECT_TIMEOUT = _env_int("LDAP_CONNECT_TIMEOUT", 5)  # seconds
    LDAP_TIMEOUT = _env_int("LDAP_TIMEOUT", 30)  # seconds to wait for any answer
    LDAP_FOLLOW_INTERVAL_MS = _env_int("LDAP_FOLLOW_INTERVAL_MS", 1000)
    LDAP_RETRY_MAX_SECONDS = _env_int("LDAP_RETRY_MAX_SECONDS", 60)

    @classmethod
    def finalize(cls, app_config: dict) -> None:
        """Fill in what needs the instance folder; called by create_app."""
        if not app_config.get("SECRET_KEY"):
            app_config["SECRET_KEY"] = _local_secret_key(Path(app_config["INSTANCE_PATH"]))


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret-key"  # noqa: S105 - never used outside the test suite
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # the suite gives each test its own file
    SEARCH_INDEX_DIR = ""  # tests of search give it a folder of their own
    WTF_CSRF_ENABLED = False
    # Same algorithm, a cost that keeps the suite fast.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name, not a password


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def finalize(cls, app_config: dict) -> None:
        missing = [
            name
            for name, value in (
                ("SECRET_KEY", os.environ.get("SECRET_KEY")),
                ("DATABASE_URL", os.environ.get("DATABASE_URL")),
            )
            if not value
        ]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )


CONFIGS = {"development": Config, "testing": TestingConfig, "production": ProductionConfig}


def config_from_environment() -> type[Config]:
    name = os.environ.get("DIRECTORY_CONFIG", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(
            f"DIRECTORY_CONFIG must be one of {', '.join(CONFIGS)}, got {name!r}"
        ) from exc
