"""A throwaway OpenLDAP server for the tests: slapd on loopback, all state in a temporary folder.

The server is driven with the real OpenLDAP tools (``slapadd``, ``ldapsearch``, ``ldapadd``), so
what the tests read back is what any LDAP client would see.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tests.integration.postgres import free_port

MISSING = "OpenLDAP is not installed: run `make system-deps` as root"
SUFFIX = "dc=example,dc=org"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
START_TIMEOUT = 10.0
PORT_ATTEMPTS = 3
ROOT_DSE = ("-b", "", "-s", "base")

# RFC 2849: a value that is not a SAFE-STRING is written base64-encoded ("attr:: ...").
_SAFE_STRING = re.compile(
    r"[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*"
)


def two_free_ports() -> tuple[int, int]:
    port, tls_port = free_port(), free_port()
    while tls_port == port:  # the kernel may hand the same free port out twice
        tls_port = free_port()
    return port, tls_port


def find_tool(name: str) -> str:
    """The full path of an OpenLDAP program (the server ones live in /usr/sbin)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in ("/usr/sbin", "/usr/bin"):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise RuntimeError(MISSING)


def ldif_line(attribute: str, value: str) -> str:
    """One ``attribute: value`` line of LDIF, base64-encoded when the value needs it."""
    if value == "" or (_SAFE_STRING.fullmatch(value) and not value.endswith(" ")):
        return f"{attribute}: {value}"
    return f"{attribute}:: {base64.b64encode(value.encode('utf-8')).decode('ascii')}"


def parse_ldif(text: str) -> list[dict[str, object]]:
    """Entries of an LDIF text as ``{"dn": str, attribute: [values...]}``, in order."""
    entries: list[dict[str, object]] = []
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith(" ") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    entry: dict[str, object] | None = None
    for line in lines:
        if not line.strip():
            entry = None
            continue
        if line.startswith("#") or (entry is None and line.startswith("version:")):
            continue
        name, _, rest = line.partition(":")
        if rest.startswith(":"):
            value = base64.b64decode(rest[1:].strip()).decode("utf-8")
        elif rest.startswith("<"):
            value = rest[1:].strip()
        else:
            value = rest.lstrip(" ")
        if entry is None:
            if name.lower() != "dn":
                raise ValueError(f"LDIF entry does not start with a dn: {line!r}")
            entry = {"dn": value}
            entries.append(entry)
            continue
        values = entry.setdefault(name, [])
        assert isinstance(values, list)
        values.append(value)
    return entries


def _unescape_rdn_value(value: str) -> str:
    """The value of an RDN with its ``\\,`` and ``\\C3\\A9`` escapes undone (RFC 4514)."""
    out = bytearray()
    for match in re.finditer(r"\\([0-9A-Fa-f]{2})|\\(.)|(.)", value, re.DOTALL):
        hex_pair, escaped, plain = match.groups()
        if hex_pair is not None:
            out.append(int(hex_pair, 16))
        else:
            out += (escaped or plain).encode("utf-8")
    return out.decode("utf-8")


class PortInUse(RuntimeError):
    """slapd could not bind one of its ports: another process took it in the meantime."""


@dataclass
class Slapd:
    """A slapd whose configuration, data, certificate and log are all under ``folder``."""

    folder: Path
    port: int
    tls_port: int
    password: str
    suffix: str = SUFFIX
    bind_dn: str = f"cn=admin,{SUFFIX}"
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> Path:
        """The server's self-signed certificate, which is also the CA to trust."""
        return self.folder / "tls" / "cert.pem"

    @property
    def log_file(self) -> Path:
        return self.folder / "slapd.log"

    @property
    def socket_path(self) -> Path:
        return self.folder / "run" / "ldapi"

    def log_tail(self, lines: int = 20, offset: int = 0) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                text = log.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Starts slapd on this server's ports and data; returns once it answers a search."""
        if self.is_running():
            return
        self._reap()
        listen = " ".join(
            [
                f"ldap://127.0.0.1:{self.port}/",
                f"ldaps://127.0.0.1:{self.tls_port}/",
                f"ldapi://{quote(str(self.socket_path), safe='')}",
            ]
        )
        self.socket_path.unlink(missing_ok=True)
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        with self.log_file.open("ab") as log:
            # -d keeps slapd in the foreground; "stats" logs every operation.
            self._process = subprocess.Popen(
                [
                    find_tool("slapd"),
                    "-F",
                    str(self.folder / "slapd.d"),
                    "-h",
                    listen,
                    "-d",
                    "stats",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                tail = self.log_tail(offset=offset)
                if "Address already in use" in tail or "bind(" in tail:
                    raise PortInUse(f"slapd could not bind its ports:\n{tail}")
                raise RuntimeError(f"slapd exited while starting:\n{tail}")
            if self._answers(offset):
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(
            f"slapd did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail(offset=offset)}"
        )

    def _answers(self, offset: int) -> bool:
        # slapd logs "slapd starting" once its listeners are bound: until then, whatever answers
        # on the port is not this server.
        if "slapd starting" not in self.log_tail(lines=1000, offset=offset):
            return False
        try:
            done = subprocess.run(
                [find_tool("ldapsearch"), "-x", "-o", "nettimeout=2", "-H", self.url, *ROOT_DSE],
                capture_output=True,
                timeout=5,
                check=False,
                env=self._env(),
            )
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0

    def stop(self) -> None:
        """Stops slapd (SIGTERM) and waits for it to exit; does nothing when it is not running."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        else:
            process.wait()

    def _reap(self) -> None:
        if self._process is not None:
            self._process.wait()
            self._process = None

    def _env(self) -> dict[str, str]:
        # No ~/.ldaprc or /etc/ldap/ldap.conf defaults: every option is on the command line.
        return {**os.environ, "LDAPNOINIT": "1"}

    def _bind(self) -> list[str]:
        return ["-x", "-H", self.url, "-D", self.bind_dn, "-w", self.password]

    def ldapsearch(
        self,
        base: str,
        filter: str = "(objectClass=*)",
        attrs: Sequence[str] = (),
        scope: str = "sub",
    ) -> list[dict[str, object]]:
        """Entries found by the real ``ldapsearch``, bound as the admin; [] when base is absent."""
        done = subprocess.run(
            [
                find_tool("ldapsearch"),
                *self._bind(),
                "-LLL",
                "-o",
                "ldif-wrap=no",
                "-b",
                base,
                "-s",
                scope,
                filter,
                *attrs,
            ],
            capture_output=True,
            timeout=60,
            check=False,
            env=self._env(),
        )
        if done.returncode == 32:  # noSuchObject
            return []
        if done.returncode != 0:
            raise RuntimeError(
                f"ldapsearch -b {base!r} {filter!r} failed ({done.returncode}): "
                f"{done.stderr.decode('utf-8', 'replace').strip()}"
            )
        return parse_ldif(done.stdout.decode("utf-8"))

    def ldapadd(
        self, ldif: str | os.PathLike[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Adds the entries of an LDIF file or text with the real ``ldapadd``, as the admin.

        A ``Path``, or a one-line string naming an existing file, is read as a file; any other
        string is the LDIF itself.
        """
        if isinstance(ldif, str) and ("\n" in ldif or not Path(ldif).is_file()):
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", suffix=".ldif", dir=self.folder, delete=False
            ) as handle:
                handle.write(ldif if ldif.endswith("\n") else ldif + "\n")
            try:
                return self._ldapadd(Path(handle.name), check)
            finally:
                Path(handle.name).unlink(missing_ok=True)
        return self._ldapadd(Path(ldif), check)

    def _ldapadd(self, path: Path, check: bool) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [find_tool("ldapadd"), *self._bind(), "-f", str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
            env=self._env(),
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"ldapadd failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def add_ou(self, dn: str) -> None:
        """Adds an empty organizationalUnit entry, ``ou=<name>,<parent>``."""
        rdn = re.split(r"(?<!\\),", dn, maxsplit=1)[0]
        attribute, _, value = rdn.partition("=")
        if attribute.strip().lower() != "ou":
            raise ValueError(f"not an organizational unit DN: {dn!r}")
        value = _unescape_rdn_value(value.strip())
        self.ldapadd(
            "\n".join(
                [ldif_line("dn", dn), "objectClass: organizationalUnit", ldif_line("ou", value)]
            )
        )


def _config_ldif(folder: Path, password_hash: str, suffix: str, bind_dn: str, nosync: bool) -> str:
    peer = f"gidNumber={os.getegid()}+uidNumber={os.geteuid()},cn=peercred,cn=external,cn=auth"
    schemas = "\n\n".join(
        f"include: file://{SCHEMA_DIR / name}.ldif" for name in ("core", "cosine", "inetorgperson")
    )
    return f"""\
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {folder}/run/slapd.pid
olcArgsFile: {folder}/run/slapd.args
olcSizeLimit: 500
olcTLSCertificateFile: {folder}/tls/cert.pem
olcTLSCertificateKeyFile: {folder}/tls/key.pem

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: {MODULE_DIR}
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

{schemas}

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by dn.exact={peer} manage by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {suffix}
olcRootDN: {bind_dn}
olcRootPW: {password_hash}
olcDbDirectory: {folder}/data
olcDbMaxSize: 1073741824
olcDbNoSync: {"TRUE" if nosync else "FALSE"}
olcDbIndex: objectClass eq
olcDbIndex: cn,sn,givenName,mail,displayName eq,sub
olcDbIndex: uid,employeeType eq
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to * by * read
"""


def _base_ldif(suffix: str) -> str:
    name = re.match(r"dc=([^,]+)", suffix)
    assert name is not None, suffix
    return f"""\
dn: {suffix}
objectClass: dcObject
objectClass: organization
dc: {name.group(1)}
o: {name.group(1)}
"""


def _run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {output}")


def prepare(folder: Path, nosync: bool = True) -> Slapd:
    """Writes the certificate, configuration and base entry of a new server into ``folder``."""
    for name in ("slapd", "slapadd", "slappasswd", "ldapsearch", "ldapadd"):
        find_tool(name)
    if shutil.which("openssl") is None:
        raise RuntimeError(MISSING)
    for sub in ("slapd.d", "data", "run", "tls"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    password = os.urandom(9).hex()
    port, tls_port = two_free_ports()
    server = Slapd(folder=folder, port=port, tls_port=tls_port, password=password)
    # An EC key: generated in milliseconds, where RSA takes a noticeable fraction of a second.
    _run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "7",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        str(folder / "tls" / "key.pem"),
        "-out",
        str(server.ca_file),
    )
    hashed = subprocess.run(
        [find_tool("slappasswd"), "-s", password],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()
    config = folder / "config.ldif"
    config.write_text(
        _config_ldif(folder, hashed, server.suffix, server.bind_dn, nosync), encoding="utf-8"
    )
    base = folder / "base.ldif"
    base.write_text(_base_ldif(server.suffix), encoding="utf-8")
    slapadd = find_tool("slapadd")
    _run(slapadd, "-q", "-n0", "-F", str(folder / "slapd.d"), "-l", str(config))
    _run(slapadd, "-q", "-n1", "-F", str(folder / "slapd.d"), "-l", str(base))
    return server


@contextmanager
def slapd_server(nosync: bool = True) -> Iterator[Slapd]:
    """Yields a running slapd with an empty suffix; stops it and removes its folder after.

    ``nosync`` skips the fsync after each write (the data survives a stop, not a power cut).
    """
    find_tool("slapd")
    find_tool("ldapsearch")
    folder = Path(tempfile.mkdtemp(prefix="directory-slapd-"))
    server: Slapd | None = None
    try:
        server = prepare(folder, nosync=nosync)
        for attempt in range(PORT_ATTEMPTS):
            try:
                server.start()
                break
            except PortInUse:
                if attempt == PORT_ATTEMPTS - 1:
                    raise
                server.port, server.tls_port = two_free_ports()
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
