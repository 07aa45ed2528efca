"""Domain errors that views, the API and the CLI turn into messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


# Where a problem is: a field (``("organisation",)``) or a part of a list row
# (``("channels", 2, "label")``), named as the schema names them.
Path = tuple[str | int, ...]


class ValidationFailed(DomainError):
    """Input that cannot be saved: each problem carries the path of what it is about, so that
    a form, the API or a CSV report places it without reading its text."""

    def __init__(
        self,
        errors: dict[str, list] | None = None,
        problems: list[tuple[Path, object]] | None = None,
    ):
        self.problems: list[tuple[Path, object]] = [
            ((name,), message) for name, messages in (errors or {}).items() for message in messages
        ]
        self.problems += problems or []
        # Messages may be lazy translations: they become text in the reader's language.
        super().__init__(
            "; ".join(
                f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in self.errors.items()
            )
        )

    @property
    def errors(self) -> dict[str, list]:
        """Messages by field; a list row's by field and position (``channels-2``)."""
        grouped: dict[str, list] = {}
        for path, message in self.problems:
            grouped.setdefault(key_of(path), []).append(message)
        return grouped


def key_of(path: Path) -> str:
    """``("channels", 2, "label")`` -> ``channels-2``; ``("organisation",)`` -> ``organisation``."""
    if len(path) > 1 and isinstance(path[1], int):
        return f"{path[0]}-{path[1]}"
    return str(path[0])


class VersionConflict(DomainError):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, expected: int, current: int):
        super().__init__(f"expected version {expected}, the current version is {current}")
        self.expected = expected
        self.current = current
