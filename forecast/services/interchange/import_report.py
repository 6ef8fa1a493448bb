"""What an import tells its caller: the report of what it did, or the error naming the record
that stopped it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from forecast.errors import ValidationFailed

Progress = Callable[[int], None]
BATCH = 20_000


class ImportError_(ValidationFailed):
    """A record of the file breaks a rule; the message names the record."""


@dataclass
class ImportReport:
    """What an import created, what it found already present, and what it did not apply."""

    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Describe the import in one line, then each stored value kept over the file's."""
        parts = [
            f"{self.created.get(k, 0)} {k} created, {self.existing.get(k, 0)} already present"
            for k in ("users", "tournaments", "questions", "forecasts")
        ]
        return "\n".join(["; ".join(parts), *self.kept])


def bad(where: str, message: str) -> ImportError_:
    """Return the error for a bad record, its message led by where the record is."""
    return ImportError_(f"{where}: {message}")
