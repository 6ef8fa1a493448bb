"""`?method=trend` on a question's aggregate: the reference CDF with no forecasters and its
trend block; 422 without a series, and for best at your threshold (a boundary's method)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.factories import World
from tests.integration.test_trend_method import straight_line


def test_the_aggregate_api_answers_the_trend_with_no_forecasters(app: Flask, api_as: Any) -> None:
    world = World(app)
    question = world.question("numeric")
    bare = world.question("numeric")
    straight_line(world, question)
    reader = api_as("fran")
    body = reader.get(f"/questions/{question.id}/aggregate?method=trend&x=30").get_json()
    assert body["method"] == "trend" and body["forecaster_count"] == 0
    assert body["interval"] is None and len(body["cdf"]) == 201
    # 41.1 at the resolution date (forty days past the last point, 10 a year)
    assert body["trend"]["extrapolated"]["value"] == pytest.approx(40 + 10 * 40 / 365.2425)
    assert body["trend"]["doubling_years"] is None and body["trend"]["fit"] == "linear"
    assert body["p_above"] > 0.99  # the line is well past 30 by then
    missing = reader.get(f"/questions/{bare.id}/aggregate?method=trend")
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "method"
    refused = reader.get(f"/questions/{question.id}/aggregate?method=best_at_threshold")
    assert refused.status_code == 422
