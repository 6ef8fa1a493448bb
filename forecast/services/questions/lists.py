"""Question listings: who sees what, filters (tournament, status, text, your forecasts), order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from forecast.errors import NotAuthenticated, NotFound, ValidationFailed
from forecast.infra.clock import utcnow
from forecast.models import (
    HIDDEN_STATUSES,
    SCHEDULED_STATUSES,
    Forecast,
    Question,
    QuestionStatus,
    Tournament,
    User,
)
from forecast.services.accounts.permissions import is_organizer
from forecast.services.paging import Page, check_page, page_of
from forecast.services.teams.visibility import team_condition

MAX_PER_PAGE = 1000
MAX_SEARCH = 200
# close: open and upcoming first, closing soonest (the default); newest: latest opened first;
# forecasters: most standing forecasts first; title: alphabetical.
SORTS = ("close", "newest", "forecasters", "title")
# with: questions you hold a standing forecast on; without: the ones you have not forecast.
MINE = ("with", "without")


def status_condition(status: QuestionStatus, now: datetime) -> Any:
    """Return the SQL condition of a question having `status` now (the schedule applied)."""
    scheduled = col(Question.status).in_([s.value for s in SCHEDULED_STATUSES])
    if status is QuestionStatus.UPCOMING:
        return and_(scheduled, col(Question.open_time) > now)
    if status is QuestionStatus.OPEN:
        return and_(scheduled, col(Question.open_time) <= now, col(Question.close_time) > now)
    if status is QuestionStatus.CLOSED:
        return and_(scheduled, col(Question.close_time) <= now)
    return col(Question.status) == status.value


def _open_first(now: datetime) -> Any:
    """Order open and upcoming questions first, then closed, then finished ones."""
    finished = [
        QuestionStatus.RESOLVED.value,
        QuestionStatus.ANNULLED.value,
        QuestionStatus.REJECTED.value,
    ]
    return case(
        (col(Question.status).in_(finished), 2),
        (col(Question.close_time) <= now, 1),
        else_=0,
    )


def visibility_condition(viewer: User | None) -> Any:
    """Return the SQL form of lifecycle.can_view: the questions viewer may see."""
    return and_(_status_condition(viewer), team_condition(Question.team_id, viewer))


def _status_condition(viewer: User | None) -> Any:
    public = ~col(Question.status).in_([s.value for s in HIDDEN_STATUSES])
    if viewer is None:
        return public
    if is_organizer(viewer):
        return True
    return or_(public, col(Question.proposer_id) == viewer.id)


def _standing_of(user_id: Any) -> Any:
    """Return the condition that user_id holds a standing forecast on the listed question."""
    return exists().where(
        col(Forecast.question_id) == col(Question.id),
        col(Forecast.user_id) == user_id,
        col(Forecast.end_time).is_(None),
    )


def _order(sort: str, now: datetime) -> list[Any]:
    if sort == "newest":
        return [col(Question.open_time).desc(), col(Question.id).desc()]
    if sort == "title":
        return [func.lower(col(Question.title)), col(Question.id)]
    if sort == "forecasters":
        standing = (
            sa_select(func.count())
            .where(col(Forecast.question_id) == col(Question.id), col(Forecast.end_time).is_(None))
            .scalar_subquery()
        )
        return [standing.desc(), _open_first(now), col(Question.close_time), col(Question.id)]
    return [_open_first(now), col(Question.close_time), col(Question.id)]


def search_words(search: str | None) -> list[str]:
    """Split a search into its distinct words, in the order typed."""
    return list(dict.fromkeys((search or "").split()))


def _word_condition(word: str) -> Any:
    """Return the condition that word appears in the title, key or description, in any case."""
    # The database lowers both sides, so a word typed as stored always matches, whatever
    # lower() knows of the alphabet ("/" escapes the wildcards: lower() leaves it alone).
    escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
    pattern = func.lower(literal(f"%{escaped}%"))
    return or_(
        *(
            func.lower(field).like(pattern, escape="/")
            for field in (col(Question.title), col(Question.key), col(Question.description))
        )
    )


def _choice(value: str | None, allowed: tuple[str, ...], field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ValidationFailed(f"{field} must be one of {', '.join(allowed)}", field)
    return value


def list_questions(
    *,
    session: Session,
    viewer: User | None,
    tournament: str | None = None,
    status: str | None = None,
    search: str | None = None,
    mine: str | None = None,
    sort: str | None = None,
    page: int = 1,
    per_page: int = 50,
    now: datetime | None = None,
) -> Page[Question]:
    """Return one page of the questions viewer may see, filtered and ordered as asked.

    search keeps the questions where every word of it appears in the title, key or description,
    in any order and any case, its wildcards taken literally; mine ("with" or "without") keeps
    the questions the viewer does or does not hold a standing forecast on.
    """
    now = now or utcnow()
    check_page(page, per_page, MAX_PER_PAGE)
    order = _choice(sort, SORTS, "sort") or SORTS[0]
    mine = _choice(mine, MINE, "mine")
    conditions = [visibility_condition(viewer)]
    if tournament:
        tournament_id = session.exec(
            select(col(Tournament.id)).where(
                col(Tournament.slug) == tournament, team_condition(Tournament.team_id, viewer)
            )
        ).first()
        if tournament_id is None:
            raise NotFound(f"no tournament {tournament!r}", "tournament")
        conditions.append(col(Question.tournament_id) == tournament_id)
    if status:
        try:
            wanted = QuestionStatus(status)
        except ValueError:
            names = ", ".join(s.value for s in QuestionStatus)
            raise ValidationFailed(f"status must be one of {names}", "status") from None
        conditions.append(status_condition(wanted, now))
    if len((search or "").strip()) > MAX_SEARCH:
        raise ValidationFailed(f"search is longer than {MAX_SEARCH} characters", "search")
    conditions.extend(_word_condition(word) for word in search_words(search))
    if mine:
        if viewer is None:
            raise NotAuthenticated("log in to list questions by your own forecasts")
        standing = _standing_of(viewer.id)
        conditions.append(standing if mine == "with" else ~standing)
    where = and_(*conditions)
    return page_of(session, Question, where, _order(order, now), page, per_page)
