"""The seeded demo world offers pastcasts with a community history at their vantage dates:
yes/no questions and numeric and date ones (as 90% intervals)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from forecast.infra.db import session_scope
from forecast.services.pastcasting import answers as pastcasts
from tests.conftest import make_user
from tests.web.test_record_pages import demo


def test_a_newcomer_to_the_demo_world_has_pastcasts_with_a_community_then(app: Flask) -> None:
    demo(app)
    newcomer = make_user(app, "newcomer")
    with app.app_context(), session_scope() as session:
        first = pastcasts.next_pastcast(session=session, user=newcomer)
        assert first is not None and first["remaining"] >= 3
        seen = []
        item = first
        while item is not None:
            seen.append(item)
            pastcasts.answer(
                session=session, user=newcomer, question_id=item["question_id"], data=_guess(item)
            )
            item = pastcasts.next_pastcast(session=session, user=newcomer)
    assert len(seen) == first["remaining"]
    binary = [i for i in seen if i["kind"] == "binary"]
    with_community = [i for i in binary if i["community_then"] is not None]
    assert len(with_community) >= 3 and all(i["forecasters_then"] > 0 for i in with_community)
    intervals = [i for i in seen if i["kind"] == "interval"]
    shown = [i for i in intervals if i["community_interval_then"] is not None]
    assert len(shown) >= 2 and any(i["is_date"] for i in intervals)
    assert all(i["forecasters_then"] > 0 for i in shown)


def _guess(item: dict[str, Any]) -> dict[str, Any]:
    """Answer any item: even odds, or the question's whole range as the interval."""
    if item["kind"] == "binary":
        return {"probability": 0.5}
    return {"lower": item["range"]["min"], "upper": item["range"]["max"]}
