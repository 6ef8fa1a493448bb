"""API tokens: random 32-byte secrets, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select as sa_select
from sqlmodel import Session

from forecast.clock import utcnow
from forecast.db import begin_write
from forecast.models import ApiToken, User

TOKEN_PREFIX = "fc_"


def hash_token(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, user: User, label: str = "") -> str:
    """Create a token for user and return the secret, which is shown only once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    begin_write(session)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(secret), label=label[:100]))
    session.commit()
    return secret


def user_for_token(*, session: Session, token: str) -> User | None:
    """Return the owner of a live token, or None for an unknown or revoked one."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.execute(
        sa_select(User)
        .join(ApiToken, ApiToken.user_id == User.id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).first()
    return row[0] if row else None


def revoke_tokens(*, session: Session, user: User) -> int:
    """Revoke every live token of user; return how many."""
    begin_write(session)
    tokens = session.scalars(
        sa_select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    session.commit()
    return len(tokens)
