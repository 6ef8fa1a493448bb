"""The submission body's shortcut loads exactly what ForecastIn would, and only that."""

from __future__ import annotations

import math
from typing import Any

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from forecast.api.forecasts import plain_probability
from forecast.api.schemas import ForecastIn
from forecast.services.forecasts import MAX_RATIONALE

SCHEMA = ForecastIn()
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["0.3", "x" * MAX_RATIONALE, "y" * (MAX_RATIONALE + 1), "NaN"]),
    st.lists(st.floats(allow_nan=False), max_size=3),
)
bodies = st.one_of(
    st.dictionaries(
        st.sampled_from(["probability", "rationale", "cdf", "quantiles", "extra"]),
        values,
        max_size=3,
    ),
    st.builds(lambda p: {"probability": p}, st.floats(0.0001, 0.9999)),
    st.builds(
        lambda p, r: {"probability": p, "rationale": r},
        st.floats(0.0001, 0.9999),
        st.one_of(st.none(), st.text(max_size=50)),
    ),
    values,
)


def _schema_load(body: Any) -> tuple[str, Any]:
    try:
        return "loaded", SCHEMA.load(body)
    except ValidationError as exc:
        return "refused", exc.messages


@settings(max_examples=600)
@given(bodies)
def test_the_shortcut_loads_what_the_schema_loads_or_steps_aside(body: Any) -> None:
    loaded = plain_probability(body)
    if loaded is not None:
        assert _schema_load(body) == ("loaded", loaded)
        assert isinstance(loaded["probability"], float)


@given(st.floats(0.0001, 0.9999), st.one_of(st.none(), st.text(max_size=MAX_RATIONALE)))
def test_the_usual_bodies_take_the_shortcut(probability: float, rationale: str | None) -> None:
    assert plain_probability({"probability": probability}) == {"probability": probability}
    both = {"probability": probability, "rationale": rationale}
    assert plain_probability(both) == both


def test_what_the_shortcut_steps_aside_from_still_meets_the_schema() -> None:
    for body in (
        {"probability": math.nan},
        {"probability": math.inf},
        {"probability": True},
        {"probability": "0.3"},
        {"probability": 0.3, "extra": 1},
        {"probability": 0.3, "rationale": "y" * (MAX_RATIONALE + 1)},
        [0.3],
    ):
        assert plain_probability(body) is None


def test_the_schema_takes_json_numbers_only() -> None:
    for body in (
        {"probability": "0.3"},
        {"probability": "1e-1"},
        {"cdf": [str(i / 200) for i in range(201)]},
    ):
        assert _schema_load(body)[0] == "refused", body
    assert _schema_load({"probability": 1}) == ("loaded", {"probability": 1.0})


def test_a_refused_body_is_still_a_422_in_the_api(app: Flask) -> None:
    client = app.test_client()
    for body in (
        '{"probability": NaN}',
        '{"probability": 0.3, "extra": 1}',
        "[0.3]",
        '{"probability": "0.3"}',
    ):
        response = client.post(
            "/api/v1/questions/1/forecasts",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": "Bearer fc_nobody"},
        )
        # The body is refused before the caller is looked up, as before the shortcut.
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["error"]["code"] == "invalid"
