"""Load example decision boundaries (seeds/boundaries.json, format forecast-boundaries/1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from forecast.errors import DomainError, ValidationFailed
from forecast.models import Boundary, User
from forecast.services.boundaries import lifecycle as service

FORMAT = "forecast-boundaries/1"
COMMITTED_AT = datetime(2026, 11, 9, tzinfo=UTC)  # fixed, so loading twice is a no-op


def load_boundaries(session: Session, document: Mapping[str, Any]) -> tuple[int, int]:
    """Create and commit each boundary whose key is new; return (created, already present)."""
    if document.get("format") != FORMAT:
        raise ValidationFailed(f"boundaries file: expected format {FORMAT!r}")
    created = present = 0
    for i, record in enumerate(document.get("boundaries") or []):
        key = record.get("key")
        if session.exec(select(Boundary.id).where(col(Boundary.key) == key)).first() is not None:
            present += 1
            continue
        owner = session.exec(select(User).where(col(User.username) == record.get("owner"))).first()
        if owner is None:
            raise ValidationFailed(f"boundaries[{i}]: unknown owner {record.get('owner')!r}")
        data = {k: v for k, v in record.items() if k != "owner"}
        try:
            boundary = service.create_boundary(session=session, actor=owner, data=data)
            service.commit_boundary(
                session=session,
                actor=owner,
                boundary_id=boundary.id,  # type: ignore[arg-type]
                now=COMMITTED_AT,
            )
        except DomainError as exc:
            raise ValidationFailed(f"boundaries[{i}] ({key!r}): {exc.message}", exc.field) from None
        created += 1
    return created, present
