"""Column types: aware UTC timestamps and float64 arrays stored as bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored in UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC instant is required")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: keep the UTC wall time, drop the offset.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class FloatArray(TypeDecorator[np.ndarray]):
    """A 1-d float64 array stored as little-endian bytes (exact, compact, fast to bulk-load)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return np.ascontiguousarray(value, dtype="<f8").tobytes()

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> np.ndarray | None:
        if value is None:
            return None
        return np.frombuffer(value, dtype="<f8").copy()
