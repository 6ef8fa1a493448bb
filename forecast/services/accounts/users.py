"""Accounts: registration, passwords, roles."""

from __future__ import annotations

import re

from sqlalchemy import and_, func, true
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from forecast.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from forecast.infra.db import write
from forecast.models import Role, User
from forecast.services.accounts.logins import move_generation
from forecast.services.accounts.permissions import require_role
from forecast.services.paging import Page, check_page, page_of

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,38}[A-Za-z0-9]$")
MIN_PASSWORD = 8
# werkzeug's scrypt at its default cost (N = 2**15, r = 8, p = 1): about 0.1 s and 32 MiB per
# hash, which is what makes a stolen hash slow to guess. The test suite lowers it for the accounts
# it makes by the thousand (tests/conftest.py); a stored hash names its own cost, so checking
# works whatever the setting was when it was made.
PASSWORD_METHOD = "scrypt"
# Hash checked against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def validate_username(username: str) -> str:
    """Return the username if it is 3-40 letters, digits, dots, dashes or underscores."""
    username = (username or "").strip()
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed(
            "username must be 3-40 characters: letters, digits, '.', '-' or '_'", "username"
        )
    return username


def validate_password(password: str) -> str:
    """Return the password if it is long enough."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"password must have at least {MIN_PASSWORD} characters", "password")
    if len(password) > 1024:
        raise ValidationFailed("password is too long", "password")
    return password


def parse_role(role: str) -> Role:
    """Return the Role named, or refuse an unknown name."""
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationFailed(f"role must be one of {names}", "role") from None


def find_user(session: Session, username: str) -> User | None:
    """Return the user with that username (case-sensitive), if any."""
    return session.exec(select(User).where(col(User.username) == username)).first()


def get_user(session: Session, username: str) -> User:
    """Return the user with that username or raise NotFound."""
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}", "username")
    return user


def create_user(
    *,
    session: Session,
    username: str,
    password: str | None,
    role: Role = Role.FORECASTER,
    is_demo: bool = False,
) -> User:
    """Create an account; a None password makes an account that cannot log in yet."""
    username = validate_username(username)
    password_hash = None
    if password is not None:
        password_hash = generate_password_hash(validate_password(password), method=PASSWORD_METHOD)
    with write(session):
        taken = select(col(User.id)).where(col(User.username) == username)
        if session.exec(taken).first() is not None:
            raise Conflict(f"the username {username!r} is taken", "username")
        user = User(
            username=username, password_hash=password_hash, role=role.value, is_demo=is_demo
        )
        session.add(user)
    return user


def register(*, session: Session, username: str, password: str) -> User:
    """Register a new forecaster."""
    return create_user(session=session, username=username, password=password)


def authenticate(*, session: Session, username: str, password: str) -> User:
    """Return the user whose password matches, or raise NotAuthenticated."""
    user = find_user(session, (username or "").strip())
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password or "")
    if user is None or user.password_hash is None or not matches:
        raise NotAuthenticated("wrong username or password")
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace a user's password and end their web logins (API tokens stay live)."""
    password_hash = generate_password_hash(validate_password(password), method=PASSWORD_METHOD)
    with write(session):
        user = session.merge(user)
        user.password_hash = password_hash
        assert user.id is not None
        move_generation(session, user.id)


def change_role(*, session: Session, username: str, role: str) -> User:
    """Give a user another role and end their web logins (the same role changes nothing)."""
    new_role = parse_role(role)
    with write(session):
        user = get_user(session, username)
        if user.role != new_role.value:
            user.role = new_role.value
            assert user.id is not None
            move_generation(session, user.id)
    return user


def set_role(*, session: Session, actor: User | None, username: str, role: str) -> User:
    """Let an admin change a user's role."""
    require_role(actor, Role.ADMIN)
    return change_role(session=session, username=username, role=role)


MAX_USERS_PER_PAGE = 200


def search_users(
    *,
    session: Session,
    actor: User | None,
    text: str = "",
    role: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[User]:
    """Return a page of users, by username, whose name contains text (any case) and of role."""
    require_role(actor, Role.ADMIN)
    check_page(page, per_page, MAX_USERS_PER_PAGE)
    conditions = []
    if text.strip():
        wanted = text.strip().lower()
        conditions.append(func.lower(col(User.username)).contains(wanted, autoescape=True))
    if role:
        conditions.append(col(User.role) == parse_role(role).value)
    where = and_(true(), *conditions)
    return page_of(session, User, where, [col(User.username)], page, per_page)
