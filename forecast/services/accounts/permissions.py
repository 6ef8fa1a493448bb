"""Role checks shared by every entry point."""

from __future__ import annotations

from forecast.errors import Forbidden, NotAuthenticated
from forecast.models import Role, User


def require_user(user: User | None) -> User:
    """Return the user, or refuse an anonymous caller."""
    if user is None:
        raise NotAuthenticated("log in or send an API token")
    return user


def require_role(user: User | None, *roles: Role) -> User:
    """Return the user if they hold one of roles (admins hold all), else refuse."""
    user = require_user(user)
    if not user.has_role(*roles):
        names = " or ".join(r.value for r in roles)
        raise Forbidden(f"this action needs the {names} role")
    return user


def is_organizer(user: User | None) -> bool:
    """Tell whether the user may run tournaments and review questions."""
    return user is not None and user.has_role(Role.ORGANIZER)
