"""Numeric and date pastcasts on both databases: a 90% interval graded like a training set's
interval item, the community's interval as of the vantage date, its hiding rules, the record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from forecast.core.calibration import grade_interval
from forecast.errors import Conflict, ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.infra.db import session_scope
from forecast.models import Question
from forecast.services import calibration as training
from forecast.services.forecasts import submit_forecast
from forecast.services.pastcasting import answers as pastcasts
from forecast.services.resolution.resolve import resolve
from tests.integration.factories import World
from tests.integration.test_pastcasts import call

DAY = timedelta(days=1)
# ann's early forecast stands alone at every vantage date; ben's comes after all of them.
EARLY = [[0.05, 20], [0.5, 30], [0.95, 40]]
LATE = [[0.05, 60], [0.5, 70], [0.95, 80]]
EARLY_DATES = [[0.05, "2029-01-01"], [0.5, "2030-01-01"], [0.95, "2031-01-01"]]
LATE_DATES = [[0.05, "2030-03-01"], [0.5, "2030-06-01"], [0.95, "2030-09-01"]]


@pytest.fixture
def world(any_app: Flask) -> World:
    return World(any_app)


def resolved_continuous(
    world: World,
    qtype: str = "numeric",
    resolution: dict[str, Any] | None = None,
    **extra: Any,
) -> Question:
    """A numeric (or date) question open from 40 to 10 days ago: ann forecast an hour after the
    open, ben 20 days after (past every vantage date); resolved to 72 (or 2030-06-15 noon)."""
    q = world.question(qtype, opens=-40 * DAY, closes=-10 * DAY, **extra)
    early, late = (EARLY, LATE) if qtype == "numeric" else (EARLY_DATES, LATE_DATES)
    if resolution is None:
        resolution = {"value": 72} if qtype == "numeric" else {"date": "2030-06-15T12:00:00Z"}
    ann, ben = world.user(f"ann{q.id}"), world.user(f"ben{q.id}")
    with world.app.app_context(), session_scope() as session:
        for who, quantiles, after in ((ann, early, timedelta(hours=1)), (ben, late, 20 * DAY)):
            submit_forecast(
                session=session,
                actor=who,
                question_id=q.id,  # type: ignore[arg-type]
                quantiles=quantiles,
                now=q.open_time + after,
            )
        resolve(
            session=session,
            actor=world.organizer,
            question_id=q.id,  # type: ignore[arg-type]
            data=resolution,
        )
        stored = session.get(Question, q.id)
        assert stored is not None
        return stored


def test_a_numeric_item_shows_the_range_and_the_community_interval_then(world: World) -> None:
    q = resolved_continuous(world)
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item["question_id"] == q.id and item["kind"] == "interval"
    assert item["is_date"] is False and item["score_unit"] is None
    assert item["range"] == {
        "min": 0.0,
        "max": 100.0,
        "open_lower": False,
        "open_upper": True,
        "log_scale": False,
    }
    then = item["community_interval_then"]
    # ann's percentiles alone, read back off the aggregate CDF: nothing of ben's or the outcome.
    assert then["lower"] == pytest.approx(20, abs=0.6)
    assert then["median"] == pytest.approx(30, abs=0.6)
    assert then["upper"] == pytest.approx(40, abs=0.6)
    assert item["forecasters_then"] == 1 and item["community_then"] is None
    assert item["answer"] is None and item["reveal"] is None
    assert not {"value", "outcome", "resolved_at"} & set(item)


def test_an_interval_is_graded_like_a_training_sets_interval_item(world: World) -> None:
    q = resolved_continuous(world)
    pat = world.user("pat")
    done = call(
        world, pastcasts.answer, user=pat, question_id=q.id, data={"lower": 50, "upper": 80}
    )
    r = done["reveal"]
    assert (r["correct"], r["score"]) == grade_interval(50, 80, 72) == (True, 30.0)
    assert r["value"] == 72 and r["outcome"] == "value"
    # The community's interval then (about 20 to 40) missed 72 by about 32: about 40 + 20 * 32.
    hit, community = grade_interval(
        *(done["community_interval_then"][k] for k in ("lower", "upper")), 72
    )
    assert not hit and r["community_then_score"] == pytest.approx(community)
    assert community == pytest.approx(20 + 20 * 32, abs=25)
    assert r["beat_community_by"] == pytest.approx(community - 30.0)
    close = r["community_interval_at_close"]
    # At close ann's and ben's forecasts mix: a median between theirs, a wider interval.
    assert close["lower"] < 30 < close["median"] < 70 < close["upper"]
    assert r["forecasters_at_close"] == 2
    assert done["answer"]["lower"] == 50 and done["answer"]["upper"] == 80
    # A miss: the width plus twenty times the distance outside.
    other = world.user("quinn")
    miss = call(
        world, pastcasts.answer, user=other, question_id=q.id, data={"lower": 10, "upper": 70}
    )
    assert miss["reveal"]["correct"] is False
    assert miss["reveal"]["score"] == pytest.approx(60 + 20 * 2)
    # The same reveal on every later visit; a second answer is refused.
    assert call(world, pastcasts.pastcast, user=pat, question_id=q.id) == done
    with pytest.raises(Conflict):
        call(world, pastcasts.answer, user=pat, question_id=q.id, data={"lower": 0, "upper": 99})


def test_a_date_item_takes_dates_and_scores_in_days(world: World) -> None:
    q = resolved_continuous(world, "date")
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item["is_date"] is True and item["score_unit"] == "days"
    assert item["range"]["min"] == "2026-01-01T00:00:00Z"
    then = item["community_interval_then"]
    assert then["median"].startswith("2029-12") or then["median"].startswith("2030-01")
    # A plain date as the upper end takes in that whole day: noon on the 15th is a hit.
    done = call(
        world,
        pastcasts.answer,
        user=pat,
        question_id=q.id,
        data={"lower": "2030-06-01", "upper": "2030-06-15"},
    )
    r = done["reveal"]
    assert r["correct"] is True and r["value"] == "2030-06-15T12:00:00Z"
    assert r["score"] == pytest.approx(15 - 1 / 86_400)  # 1 June 00:00 to 15 June 23:59:59
    assert done["answer"]["upper"] == "2030-06-15T23:59:59Z"
    # Ending the day before misses by twelve hours: twenty times half a day on top of the width.
    early = call(
        world,
        pastcasts.answer,
        user=world.user("quinn"),
        question_id=q.id,
        data={"lower": "2030-06-01", "upper": "2030-06-14"},
    )
    assert early["reveal"]["correct"] is False
    width = 14 - 1 / 86_400
    assert early["reveal"]["score"] == pytest.approx(width + 20 * (0.5 + 1 / 86_400))


def test_bad_intervals_are_refused_and_nothing_is_stored(world: World) -> None:
    numeric = resolved_continuous(world)
    date = resolved_continuous(world, "date")
    pat = world.user("pat")
    for bad, field in (
        ({"lower": 80, "upper": 50}, "lower"),
        ({"lower": "50", "upper": 80}, "lower"),
        ({"lower": 50}, "upper"),
        ({"lower": float("nan"), "upper": 80}, "lower"),
        ({"lower": True, "upper": 80}, "lower"),
        ({"probability": 0.5}, "lower"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            call(world, pastcasts.answer, user=pat, question_id=numeric.id, data=bad)
        assert refused.value.field == field
    for bad, field in (
        ({"lower": "2030-13-01", "upper": "2030-06-01"}, "lower"),
        ({"lower": 1.9e9, "upper": "2030-06-01"}, "lower"),
        ({"lower": "2030-07-01", "upper": "2030-06-01"}, "lower"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            call(world, pastcasts.answer, user=pat, question_id=date.id, data=bad)
        assert refused.value.field == field
    assert call(world, training.summary, user=pat)["answered"] == 0


def test_only_questions_resolved_to_a_value_are_offered(world: World) -> None:
    resolved_continuous(world, resolution={"outcome": "above_upper_bound"})
    resolved_continuous(world, resolution={"outcome": "annulled"})
    assert call(world, pastcasts.next_pastcast, user=world.user("pat")) is None


def test_a_hidden_community_interval_appears_only_after_the_answer(world: World) -> None:
    q = resolved_continuous(world, hide_aggregate_until_forecast=True)
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    assert item["community_interval_then"] is None
    assert "after your answer" in item["community_hidden"] and item["forecasters_then"] == 1
    page = call(world, pastcasts.pastcast, user=pat, question_id=q.id)
    assert page["community_interval_then"] is None
    done = call(
        world, pastcasts.answer, user=pat, question_id=q.id, data={"lower": 25, "upper": 75}
    )
    assert done["community_hidden"] is None
    assert done["community_interval_then"]["median"] == pytest.approx(30, abs=0.6)
    assert done["reveal"]["community_then_score"] is not None


def test_a_reveal_still_to_come_keeps_the_community_hidden_after_the_answer(
    world: World,
) -> None:
    q = resolved_continuous(world)
    with world.app.app_context(), session_scope() as session:
        stored = session.get(Question, q.id)
        assert stored is not None
        stored.aggregate_reveal_time = parse_iso("2099-01-01T00:00:00Z")
        session.add(stored)
        session.commit()
    pat = world.user("pat")
    done = call(
        world, pastcasts.answer, user=pat, question_id=q.id, data={"lower": 25, "upper": 75}
    )
    assert "revealed on 2099-01-01" in done["community_hidden"]
    assert done["community_interval_then"] is None
    r = done["reveal"]
    assert r["community_then_score"] is None and r["beat_community_by"] is None
    assert r["community_interval_at_close"] is None
    record = call(world, training.summary, user=pat)["pastcast"]["interval"]
    assert record["answered"] == 1 and record["compared"] == 0


def test_the_record_keeps_intervals_apart_from_yes_no_pastcasts(world: World) -> None:
    from tests.integration.test_pastcasts import resolved

    binary = resolved(world)
    hit, miss = resolved_continuous(world), resolved_continuous(world)
    pat = world.user("pat")
    call(world, pastcasts.answer, user=pat, question_id=binary.id, data={"probability": 0.8})
    call(world, pastcasts.answer, user=pat, question_id=hit.id, data={"lower": 60, "upper": 80})
    call(world, pastcasts.answer, user=pat, question_id=miss.id, data={"lower": 0, "upper": 10})
    record = call(world, training.summary, user=pat)
    p = record["pastcast"]
    assert p["answered"] == 3 and p["binary_answered"] == 1
    assert p["hit_rate"] == pytest.approx(1.0) and p["brier"] == pytest.approx(0.04)
    iv = p["interval"]
    assert iv["answered"] == 2 and iv["hit_rate"] == pytest.approx(0.5)
    assert iv["mean_interval_score"] == pytest.approx((20 + (10 + 20 * 62)) / 2)
    # Against the community's interval then (about 20 to 40, score about 660): the hit beat
    # it, the miss (score 1250) did not.
    assert iv["compared"] == 2 and iv["beat_community"] == 1
    # The sets' interval record and the badge are untouched; the history counts all three.
    assert record["interval"]["answered"] == 0 and record["answered"] == 3
    assert record["sessions"][0]["answered"] == 3
    assert record["sessions"][0]["overconfidence_points"] == pytest.approx(80 - 100)


def test_the_vantage_instant_is_the_same_as_a_binary_pastcasts(world: World) -> None:
    q = resolved_continuous(world)
    pat = world.user("pat")
    item = call(world, pastcasts.next_pastcast, user=pat)
    fraction = (to_epoch(parse_iso(item["vantage"])) - to_epoch(q.open_time)) / (
        to_epoch(q.close_time) - to_epoch(q.open_time)
    )
    assert 0.1 - 1e-6 <= fraction <= 0.5
