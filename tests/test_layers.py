"""The house reads top to bottom: no import climbs back up a layer.

blueprints -> web helpers -> read layer (queries) and services -> projections' readers, formats,
schemas -> models. Projections follow the change log: they import no blueprint and no service
that writes. File formats (exports) import no service. No module of the package is over 450
lines, the reference data aside.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "directory"
BLUEPRINTS = {
    "admin",
    "api",
    "areas",
    "auth",
    "contacts",
    "countries",
    "home",
    "packs",
    "search",
    "transfers",
    "vcards",
}
# What each layer may import from the package (besides itself). ``caches`` is below everything:
# it declares the process's caches and imports nothing of the package at run time.
PLUMBING = {"caches", "extensions", "text", "reference", "formats", "schemas", "models"}
ALLOWED: dict[str, set[str]] = {
    "models": {"models", "caches"},
    "formats": {"formats", "models", "caches"},
    "schemas": {"schemas", "models", "formats", "caches"},
    "reference": {"reference", "models", "text", "caches"},
    "exports": PLUMBING | {"exports"},
    "services": PLUMBING | {"services", "exports"},
    "projections": PLUMBING | {"projections", "services"},  # readers only: see below
    "queries": PLUMBING | {"queries", "services", "projections"},
    "web": PLUMBING | {"web", "services", "queries", "errors"},
}
# The services a projection may use: they read and never write.
READ_SERVICES = {"records", "paging", "selection", "errors"}


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module inside the package) for each import of the package's modules."""
    module = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(module.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = parts[: len(parts) - node.level + (1 if path.name == "__init__.py" else 0)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            names = [alias.name for alias in node.names]
            if node.module is None:
                found += [(node.lineno, ".".join([*target, name])) for name in names]
            else:
                found.append((node.lineno, ".".join(target)))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("directory."):
            found.append((node.lineno, node.module or ""))
    return found


def layer_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_climbs_back_up() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = layer_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        for line, target in imports_of(path):
            layer = layer_of(target)
            if layer == source or layer in {"", "__init__"}:
                continue
            if source in BLUEPRINTS:
                if layer in BLUEPRINTS or layer in {"cli"}:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
                continue
            allowed = ALLOWED.get(source)
            if allowed is None:
                continue  # the app factory, the CLI and the error pages assemble the rest
            if layer not in allowed:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
            elif source == "projections" and layer == "services":
                service = target.split(".")[2] if target.count(".") >= 2 else ""
                if service not in READ_SERVICES:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert wrong == [], "\n".join(wrong)


def test_no_module_is_over_450_lines() -> None:
    long = [
        f"{path.relative_to(PACKAGE)}: {count} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "reference" not in path.parts
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert long == [], "\n".join(long)
