"""`@name` mentions in a comment's body: who is named, and who of them may be told."""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, col, select

from forecast.models import Question, User
from forecast.services.questions.lifecycle import can_view

# A username (see services/accounts/users.py) after an @ that does not continue a word or an
# e-mail address; code spans and blocks are left out, as they quote rather than address.
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9_.-]{0,38}[A-Za-z0-9])")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
MAX_MENTIONS = 20


def mentioned_names(body: str) -> list[str]:
    """Return the distinct names the body mentions, in order, at most MAX_MENTIONS."""
    names: list[str] = []
    for match in _MENTION.finditer(_CODE.sub(" ", body)):
        name = match.group(1).lower()
        if name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_users(session: Session, question: Question, body: str) -> list[User]:
    """Return the users the body mentions (any case) who exist and may see the question."""
    names = mentioned_names(body)
    if not names:
        return []
    users = session.exec(select(User).where(func.lower(col(User.username)).in_(names))).all()
    return [u for u in users if can_view(question, u)]
