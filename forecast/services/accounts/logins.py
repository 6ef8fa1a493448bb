"""Web logins: the user a session or remember cookie names, and ending all of a user's logins.

A login id (User.get_id) is "<user id>:<session generation>". Cookies are signed, not stored,
so a copy of one keeps working until the user's generation moves past it: logging out,
a new password, a new role and an admin's revocation each move it, ending every web login of
that user at once (every browser, remember cookies included). API tokens are separate.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from forecast.infra.db import write
from forecast.models import User
from forecast.models.users import split_login_id


def user_of_login(*, session: Session, login_id: str) -> User | None:
    """Return the user a login id names, or None if malformed, unknown or ended."""
    parts = split_login_id(login_id)
    if parts is None:
        return None
    user_id, generation = parts
    # The same one-row read the login always cost: the generation comes with the user.
    user = session.get(User, user_id)
    if user is None or user.session_generation != generation:
        return None
    return user


def move_generation(session: Session, user_id: int) -> None:
    """Raise a user's session generation inside the caller's write transaction."""
    session.execute(
        update(User)
        .where(col(User.id) == user_id)
        .values(session_generation=col(User.session_generation) + 1)
    )


def end_logins(*, session: Session, user: User) -> None:
    """End every web login of user: each session and remember cookie stops working."""
    assert user.id is not None
    with write(session):
        move_generation(session, user.id)
