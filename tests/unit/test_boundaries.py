"""Decision-boundary rules: events, event probabilities, crossing, margins, verdicts, reports."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast.core.boundaries import rules
from forecast.core.distributions import Scale, cdf_at_u, cdf_from_quantiles


def ts(year: int, month: int = 1, day: int = 1, hour: int = 0) -> float:
    return datetime(year, month, day, hour, tzinfo=UTC).timestamp()


CLOSED_DATES = Scale(ts(2026), ts(2046), open_lower=False, open_upper=False)
OPEN_DATES = Scale(ts(2026), ts(2046), open_lower=True, open_upper=True)
UNIFORM = np.linspace(0.0, 1.0, 201)
TAILED = 0.05 + 0.9 * np.linspace(0.0, 1.0, 201)  # 5% below the range, 5% above it
NUMBERS = Scale(0.0, 100.0, open_lower=True, open_upper=True)
FLOPS = Scale(1e24, 1e30, open_lower=True, open_upper=True, zero_point=0.0)


def event(obj: dict[str, Any], qtype: str) -> rules.Event:
    return rules.parse_event(obj, qtype)


def prob(e: rules.Event, value: Any, scale: Scale | None, qtype: str, t: float = 0.0) -> float:
    return rules.event_probability(e, value, question_type=qtype, scale=scale, t=t)


# Events


@pytest.mark.parametrize(
    "qtype,obj",
    [
        ("binary", {"kind": "yes"}),
        ("date", {"kind": "before", "date": "2036-11-23T00:00:00Z"}),
        ("date", {"kind": "before", "date": "2036-11-23T08:30:00.250000Z"}),
        ("date", {"kind": "within", "years": 10}),
        ("date", {"kind": "within", "years": 2.5}),
        ("numeric", {"kind": "at_least", "value": 1e27}),
        ("numeric", {"kind": "at_most", "value": 3.0}),
    ],
)
def test_every_event_kind_parses_and_renders_back_unchanged(
    qtype: str, obj: dict[str, Any]
) -> None:
    assert rules.event_to_json(event(obj, qtype)) == obj


def test_a_date_without_an_offset_is_utc_and_offsets_are_honoured() -> None:
    plain = event({"kind": "before", "date": "2036-11-23"}, "date")
    shifted = event({"kind": "before", "date": "2036-11-23T02:00:00+02:00"}, "date")
    assert plain.date == ts(2036, 11, 23) == shifted.date
    assert rules.event_to_json(plain) == {"kind": "before", "date": "2036-11-23T00:00:00Z"}


@given(
    st.one_of(
        st.builds(lambda y: {"kind": "within", "years": y}, st.floats(1e-6, 100.0)),
        st.builds(lambda y: {"kind": "within", "years": y}, st.integers(1, 100)),
        st.builds(
            lambda k, v: {"kind": k, "value": v},
            st.sampled_from(["at_least", "at_most"]),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
    )
)
def test_the_canonical_form_parses_back_to_the_same_event(obj: dict[str, Any]) -> None:
    qtype = "date" if obj["kind"] == "within" else "numeric"
    parsed = event(obj, qtype)
    assert event(rules.event_to_json(parsed), qtype) == parsed


@pytest.mark.parametrize(
    "qtype,obj,field",
    [
        ("binary", ["yes"], "event"),
        ("binary", {"kind": "within", "years": 10}, "event.kind"),
        ("binary", {}, "event.kind"),
        ("date", {"kind": "yes"}, "event.kind"),
        ("numeric", {"kind": "before", "date": "2030-01-01"}, "event.kind"),
        ("binary", {"kind": "yes", "value": 1}, "event.value"),
        ("date", {"kind": "within", "years": 10, "date": "2030-01-01"}, "event.date"),
        ("date", {"kind": "within", "years": 0}, "event.years"),
        ("date", {"kind": "within", "years": -1}, "event.years"),
        ("date", {"kind": "within", "years": 100.5}, "event.years"),
        ("date", {"kind": "within", "years": "ten"}, "event.years"),
        ("date", {"kind": "within", "years": True}, "event.years"),
        ("date", {"kind": "within"}, "event.years"),
        ("date", {"kind": "before", "date": "soon"}, "event.date"),
        ("date", {"kind": "before", "date": 2036}, "event.date"),
        ("date", {"kind": "before"}, "event.date"),
        ("numeric", {"kind": "at_least"}, "event.value"),
        ("numeric", {"kind": "at_most", "value": float("nan")}, "event.value"),
        ("numeric", {"kind": "at_most", "value": float("inf")}, "event.value"),
        ("numeric", {"kind": "at_most", "value": "12"}, "event.value"),
        ("poll", {"kind": "yes"}, "question.type"),
    ],
)
def test_bad_events_name_their_field_with_a_readable_message(
    qtype: str, obj: Any, field: str
) -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.parse_event(obj, qtype)
    assert info.value.field == field
    assert info.value.message == str(info.value) and len(info.value.message) > 10


def test_a_wrong_kind_is_answered_with_the_kinds_that_fit() -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.parse_event({"kind": "yes"}, "date")
    assert '"before" or "within"' in info.value.message


def test_a_hundred_years_is_the_longest_rolling_horizon() -> None:
    assert event({"kind": "within", "years": 100}, "date").years == 100.0


@pytest.mark.parametrize(
    "obj,qtype,scale,text",
    [
        ({"kind": "yes"}, "binary", None, "the question resolves yes"),
        ({"kind": "before", "date": "2036-11-23"}, "date", None, "a date before 2036-11-23"),
        (
            {"kind": "before", "date": "2036-11-23T12:00:00Z"},
            "date",
            None,
            "a date before 2036-11-23T12:00:00Z",
        ),
        ({"kind": "within", "years": 10}, "date", None, "within 10 years of the evaluation date"),
        ({"kind": "within", "years": 1}, "date", None, "within 1 year of the evaluation date"),
        ({"kind": "within", "years": 2.5}, "date", None, "within 2.5 years of the evaluation date"),
        ({"kind": "at_least", "value": 1e27}, "numeric", None, "at least 1e27"),
        ({"kind": "at_most", "value": 12}, "numeric", NUMBERS, "at most 12"),
        (
            {"kind": "at_least", "value": 150}, "numeric", NUMBERS,
            "at least 150 (above the question's range 0 to 100: the tail mass counts)",
        ),
        (
            {"kind": "before", "date": "2025-06-01"}, "date", OPEN_DATES,
            "a date before 2025-06-01 (below the question's range 2026-01-01 to 2046-01-01: "
            "the tail mass counts)",
        ),
    ],
)  # fmt: skip
def test_events_are_described_in_words(
    obj: dict[str, Any], qtype: str, scale: Scale | None, text: str
) -> None:
    assert rules.describe_event(event(obj, qtype), scale, qtype) == text


def test_describing_an_event_against_the_wrong_question_type_is_refused() -> None:
    with pytest.raises(rules.BoundaryError):
        rules.describe_event(event({"kind": "yes"}, "binary"), None, "numeric")


@pytest.mark.parametrize("value", [">=", "<="])
def test_the_two_comparators_are_accepted(value: str) -> None:
    assert rules.parse_comparator(value) == value


@pytest.mark.parametrize("value", ["=>", ">", "=", "", None, [">="], 1])
def test_any_other_comparator_is_refused(value: Any) -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.parse_comparator(value)
    assert info.value.field == "comparator"


@pytest.mark.parametrize(
    "value", [0, 1, 0.0, 1.0, -0.1, 1.5, math.inf, math.nan, True, "0.1", None]
)
def test_thresholds_lie_strictly_between_zero_and_one(value: Any) -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.parse_threshold(value)
    assert info.value.field == "threshold"


@pytest.mark.parametrize("value", [1e-9, 0.5, 1 - 1e-9, np.float32(0.25)])
def test_thresholds_inside_the_interval_are_returned_as_floats(value: Any) -> None:
    assert rules.parse_threshold(value) == float(value)
    assert type(rules.parse_threshold(value)) is float


def test_hysteresis_is_a_width_from_zero_up_to_half() -> None:
    assert rules.parse_hysteresis(0) == 0.0 and rules.parse_hysteresis(0.02) == 0.02
    for bad in (-0.01, 0.5, math.nan, "0.1"):
        with pytest.raises(rules.BoundaryError):
            rules.parse_hysteresis(bad)


# Event probabilities


def test_a_yes_event_is_the_aggregate_probability_itself() -> None:
    assert prob(event({"kind": "yes"}, "binary"), 0.37, None, "binary") == 0.37


def test_half_the_mass_of_a_uniform_cdf_lies_before_the_ranges_midpoint() -> None:
    midpoint = (CLOSED_DATES.min + CLOSED_DATES.max) / 2
    stamp = datetime.fromtimestamp(midpoint, UTC).isoformat()
    before = event({"kind": "before", "date": stamp}, "date")
    assert prob(before, UNIFORM, CLOSED_DATES, "date") == 0.5


def test_a_fixed_deadline_is_linear_in_the_axis_position_and_ignores_the_clock() -> None:
    before = event({"kind": "before", "date": "2031-01-01"}, "date")
    u = (ts(2031) - ts(2026)) / (ts(2046) - ts(2026))
    early = prob(before, UNIFORM, CLOSED_DATES, "date", t=ts(2026))
    late = prob(before, UNIFORM, CLOSED_DATES, "date", t=ts(2030))
    assert early == late == pytest.approx(u, abs=1e-12)


@pytest.mark.parametrize(
    "date,expected",
    [("2020-01-01", 0.05), ("2026-01-01", 0.05), ("2046-01-01", 0.95), ("2090-01-01", 0.95)],
)
def test_deadlines_outside_the_range_read_the_tail_masses(date: str, expected: float) -> None:
    before = event({"kind": "before", "date": date}, "date")
    assert prob(before, TAILED, OPEN_DATES, "date") == pytest.approx(expected, abs=1e-15)


def test_a_rolling_horizon_reads_the_cdf_n_years_after_the_evaluation_time() -> None:
    within = event({"kind": "within", "years": 10}, "date")
    fixed = event({"kind": "before", "date": "2036-11-23"}, "date")
    at = ts(2026, 11, 23)
    assert prob(within, TAILED, OPEN_DATES, "date", t=at) == prob(fixed, TAILED, OPEN_DATES, "date")
    assert prob(within, TAILED, OPEN_DATES, "date", t=ts(2040)) == pytest.approx(0.95)


def test_at_least_and_at_most_are_complements_inside_the_range() -> None:
    least = event({"kind": "at_least", "value": 30}, "numeric")
    most = event({"kind": "at_most", "value": 30}, "numeric")
    p_least, p_most = (
        prob(least, TAILED, NUMBERS, "numeric"),
        prob(most, TAILED, NUMBERS, "numeric"),
    )
    assert p_most == pytest.approx(0.05 + 0.9 * 0.3, abs=1e-12)
    assert p_least + p_most == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(
    "kind,value,expected",
    [
        ("at_least", 150.0, 0.05),  # the mass above max
        ("at_most", 150.0, 0.95),
        ("at_least", -50.0, 0.95),  # everything but the mass below min
        ("at_most", -50.0, 0.05),
        ("at_least", 100.0, 0.05),
        ("at_most", 0.0, 0.05),
    ],
)
def test_values_outside_the_range_use_the_tail_masses(
    kind: str, value: float, expected: float
) -> None:
    e = event({"kind": kind, "value": value}, "numeric")
    assert prob(e, TAILED, NUMBERS, "numeric") == pytest.approx(expected, abs=1e-15)


def test_a_log_scale_puts_the_geometric_midpoint_at_half_of_a_uniform_cdf() -> None:
    most = event({"kind": "at_most", "value": 1e27}, "numeric")
    assert prob(most, UNIFORM, FLOPS, "numeric") == pytest.approx(0.5, abs=1e-12)
    beyond_zero = event({"kind": "at_most", "value": -5.0}, "numeric")
    assert prob(beyond_zero, TAILED, FLOPS, "numeric") == 0.05


def test_an_event_that_does_not_fit_the_question_or_lacks_a_scale_is_refused() -> None:
    with pytest.raises(rules.BoundaryError) as info:
        prob(event({"kind": "yes"}, "binary"), UNIFORM, NUMBERS, "numeric")
    assert info.value.field == "event.kind"
    with pytest.raises(rules.BoundaryError) as info:
        prob(event({"kind": "at_most", "value": 3}, "numeric"), UNIFORM, None, "numeric")
    assert info.value.field == "scale"
    with pytest.raises(rules.BoundaryError):
        prob(event({"kind": "at_most", "value": 3}, "numeric"), UNIFORM[:50], NUMBERS, "numeric")


def random_cdfs(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        mid = rng.uniform(2027, 2045)
        spread = rng.uniform(0.5, 5)
        q = [[0.1, mid - spread], [0.5, mid], [0.9, mid + spread]]
        rows.append(
            cdf_from_quantiles([[p, ts(2026) + (y - 2026) * 31_556_952] for p, y in q], OPEN_DATES)
        )
    return np.array(rows)


def test_the_batch_form_agrees_with_one_value_at_a_time_and_with_distributions() -> None:
    cdfs = random_cdfs(12, seed=3)
    cdfs[4] = np.nan  # an entry without forecasters
    times = np.linspace(ts(2026), ts(2040), 12)
    within = event({"kind": "within", "years": 5.5}, "date")
    batch = rules.event_probabilities(within, cdfs, question_type="date", scale=OPEN_DATES, t=times)
    assert np.isnan(batch[4])
    for k in (0, 1, 2, 3, 5, 11):
        assert batch[k] == prob(within, cdfs[k], OPEN_DATES, "date", t=float(times[k]))
        u = float(OPEN_DATES.to_u(rules.deadline(within, float(times[k]))))
        assert batch[k] == cdf_at_u(cdfs[k], u)
    most = event({"kind": "at_most", "value": ts(2035)}, "numeric")
    shared = rules.event_probabilities(most, cdfs, question_type="numeric", scale=OPEN_DATES, t=0)
    assert shared[0] == cdf_at_u(cdfs[0], float(OPEN_DATES.to_u(ts(2035))))


# Crossing and margins


@pytest.mark.parametrize(
    "p,comparator,points,crossed",
    [
        (0.15, ">=", 5.0, True),
        (0.05, ">=", -5.0, False),
        (0.10, ">=", 0.0, True),
        (0.05, "<=", 5.0, True),
        (0.15, "<=", -5.0, False),
        (0.10, "<=", 0.0, True),
    ],
)
def test_margins_are_positive_past_the_threshold_in_the_comparators_direction(
    p: float, comparator: str, points: float, crossed: bool
) -> None:
    assert rules.margin_points(p, comparator, 0.10) == pytest.approx(points, abs=1e-12)
    assert rules.is_crossed(p, comparator, 0.10) is crossed
    log_odds = rules.margin_log_odds(p, comparator, 0.10)
    assert (log_odds > 0) == (points > 0) and (log_odds < 0) == (points < 0)


def test_the_log_odds_margin_is_the_difference_of_logits_and_clips_certainty() -> None:
    assert rules.margin_log_odds(0.75, ">=", 0.5) == pytest.approx(math.log(3))
    assert rules.margin_log_odds(0.25, "<=", 0.5) == pytest.approx(math.log(3))
    clipped = math.log(1e-6 / (1 - 1e-6)) - math.log(0.1 / 0.9)
    assert rules.margin_log_odds(0.0, ">=", 0.1) == pytest.approx(clipped)
    beyond = math.log((1 - 1e-6) / 1e-6) - math.log(0.1 / 0.9)
    assert rules.margin_log_odds(1.0, "<=", 0.1) == pytest.approx(-beyond)


def test_no_probability_is_never_crossed() -> None:
    assert not rules.is_crossed(math.nan, ">=", 0.1) and not rules.is_crossed(math.nan, "<=", 0.1)
    assert math.isnan(rules.margin_points(math.nan, ">=", 0.1))


def test_an_unknown_comparator_is_refused_when_evaluating() -> None:
    with pytest.raises(rules.BoundaryError):
        rules.is_crossed(0.5, ">", 0.1)


probabilities = st.floats(0.0, 1.0)
thresholds = st.floats(1e-6, 1 - 1e-6)
inner_thresholds = st.floats(2e-6, 1 - 2e-6)


@given(probabilities, thresholds)
def test_exactly_one_comparator_is_crossed_except_at_the_threshold(p: float, t: float) -> None:
    up, down = rules.is_crossed(p, ">=", t), rules.is_crossed(p, "<=", t)
    assert (up and down) == (p == t)
    assert up or down


@given(probabilities, inner_thresholds, st.sampled_from([">=", "<="]))
def test_the_margin_sign_agrees_with_crossing(p: float, t: float, comparator: str) -> None:
    crossed = rules.is_crossed(p, comparator, t)
    assert crossed == (rules.margin_points(p, comparator, t) >= 0)
    # Inside the clip, and apart by more than rounding, the log-odds margin has the same sign.
    if abs(p - t) > 1e-9 and 1e-6 < t < 1 - 1e-6:
        assert crossed == (rules.margin_log_odds(p, comparator, t) > 0)


@given(st.lists(probabilities, min_size=1, max_size=20), thresholds)
def test_the_elementwise_forms_agree_with_the_scalar_ones(ps: list[float], t: float) -> None:
    comparators = [">=" if i % 2 else "<=" for i in range(len(ps))]
    mask = rules.crossed_mask(ps, comparators, t)
    points = rules.margins_points(ps, comparators, t)
    for i, (p, c) in enumerate(zip(ps, comparators, strict=True)):
        assert mask[i] == rules.is_crossed(p, c, t)
        assert points[i] == rules.margin_points(p, c, t)


# Verdicts


METHODS_UP = {"recency_weighted": 0.2, "unweighted": 0.25, "mean": 0.1}


@pytest.mark.parametrize(
    "by_method,interval,comparator,expected",
    [
        (METHODS_UP, (0.15, 0.3), ">=", "crossed"),
        (METHODS_UP, (0.10, 0.3), ">=", "crossed"),  # the lower end at t is past
        (METHODS_UP, (0.0999, 0.3), ">=", "contested"),
        ({"a": 0.2, "b": 0.0999}, (0.15, 0.3), ">=", "contested"),
        ({"a": 0.05, "b": 0.08}, (0.01, 0.0999), ">=", "not_crossed"),
        ({"a": 0.05, "b": 0.08}, (0.01, 0.10), ">=", "contested"),  # the upper end at t
        ({"a": 0.05, "b": 0.10}, (0.01, 0.09), ">=", "contested"),  # a method at t
        ({"a": 0.05, "b": 0.08}, (0.01, 0.10), "<=", "crossed"),  # the upper end at t is past
        ({"a": 0.05, "b": 0.08}, (0.01, 0.1001), "<=", "contested"),
        ({"a": 0.2, "b": 0.3}, (0.1001, 0.4), "<=", "not_crossed"),
        ({"a": 0.2, "b": 0.3}, (0.10, 0.4), "<=", "contested"),  # the lower end at t
        ({"a": 0.2, "b": None, "c": math.nan}, (0.15, 0.3), ">=", "crossed"),  # no value: left out
        ({}, (0.15, 0.3), ">=", "crossed"),
        ({}, (0.05, 0.3), ">=", "contested"),
    ],
)
def test_the_verdict_needs_every_method_and_the_whole_interval(
    by_method: dict[str, float | None],
    interval: tuple[float, float],
    comparator: str,
    expected: str,
) -> None:
    assert rules.verdict(by_method, interval, comparator, 0.10) == expected


def test_an_interval_must_run_upwards() -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.verdict({"a": 0.2}, (0.3, 0.1), ">=", 0.1)
    assert info.value.field == "interval"


@given(
    st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=8),
    st.floats(0, 1),
    st.floats(0, 0.5),
    thresholds,
)
def test_many_verdicts_at_once_match_one_at_a_time(
    rows: list[list[float]], lo: float, width: float, t: float
) -> None:
    comparators = [">=" if i % 2 else "<=" for i in range(len(rows))]
    lows = [lo] * len(rows)
    highs = [min(lo + width, 1.0)] * len(rows)
    found = rules.verdicts(rows, lows, highs, comparators, t)
    for i, row in enumerate(rows):
        single = rules.verdict(dict(enumerate(row)), (lows[i], highs[i]), comparators[i], t)  # type: ignore[arg-type]
        assert found[i] == single
        everything = [*row, lows[i], highs[i]]
        if single == "crossed":
            assert all(rules.is_crossed(p, comparators[i], t) for p in everything)
        if single == "not_crossed":
            assert not any(rules.is_crossed(p, comparators[i], t) for p in everything)


# Report helpers


def test_the_report_order_goes_by_verdict_then_the_closest_to_the_threshold() -> None:
    verdict = ["not_crossed", "crossed", "not_crossed", "crossed", "no_forecasts", "contested"]
    margin = np.array([-1.0, 9.0, -0.5, 2.0, math.nan, 0.1])
    assert rules.report_order(verdict, margin) == [3, 1, 5, 2, 0, 4]


def test_the_report_lists_a_crossed_row_before_a_closer_contested_one() -> None:
    assert rules.report_order(["contested", "crossed"], [0.5, 7.0]) == [1, 0]


def test_the_report_order_keeps_ties_in_their_given_order() -> None:
    assert rules.report_order(["crossed"] * 3, [1.0, -1.0, 1.0]) == [0, 1, 2]


def test_the_cost_loss_rule_suggests_c_over_l_and_says_why() -> None:
    suggestion = rules.threshold_from_costs(12, 100)
    assert suggestion.threshold == 0.12 and suggestion.cost == 12 and suggestion.loss == 100
    assert suggestion.reasoning == (
        "Acting costs 12 whatever happens; not acting loses 100 if the event happens. "
        "Acting is worth it when p \u00d7 100 > 12, i.e. p > 12 / 100 = 12%."
    )
    assert rules.threshold_from_costs(1, 3).reasoning.endswith("= 33.3%.")
    assert rules.threshold_from_costs(1, 1e6).reasoning.endswith("p > 1 / 1000000 = 0.0001%.")


@pytest.mark.parametrize(
    "cost,loss,field",
    [(0, 10, "cost"), (-1, 10, "cost"), (10, 10, "loss"), (20, 10, "loss"), (math.nan, 10, "cost")],
)
def test_the_cost_loss_rule_needs_a_positive_cost_below_the_loss(
    cost: float, loss: float, field: str
) -> None:
    with pytest.raises(rules.BoundaryError) as info:
        rules.threshold_from_costs(cost, loss)
    assert info.value.field == field


# Content hash


CONTENT: dict[str, Any] = {
    "question": "ai-science-2036",
    "action": "Fund an AI-safety team \u2014 \u00e9quipe",
    "event": {"years": 10, "kind": "within"},
    "comparator": ">=",
    "threshold": 0.1,
    "method": "recency_weighted",
    "rationale": "",
    "version": 1,
}


def test_the_canonical_json_is_sorted_compact_and_keeps_text_as_is() -> None:
    assert rules.canonical_json(CONTENT) == (
        '{"action":"Fund an AI-safety team \u2014 \u00e9quipe","comparator":">=",'
        '"event":{"kind":"within","years":10},"method":"recency_weighted",'
        '"question":"ai-science-2036","rationale":"","threshold":0.1,"version":1}'
    )


def test_the_content_hash_is_the_sha256_of_the_canonical_json() -> None:
    text = rules.canonical_json(CONTENT)
    assert rules.content_hash(CONTENT) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert set(CONTENT) == rules.HASH_FIELDS


def test_the_content_hash_ignores_key_order_at_every_level() -> None:
    shuffled = dict(reversed(list(CONTENT.items())))
    shuffled["event"] = {"kind": "within", "years": 10}
    assert rules.content_hash(shuffled) == rules.content_hash(CONTENT)
    assert json.dumps(shuffled) != json.dumps(CONTENT)


@pytest.mark.parametrize(
    "field,value",
    [
        ("question", "ai-science-2037"),
        ("action", "Fund an AI-safety team"),
        ("event", {"kind": "within", "years": 11}),
        ("comparator", "<="),
        ("threshold", 0.1 + 1e-12),
        ("method", "unweighted"),
        ("rationale", " "),
        ("version", 2),
    ],
)
def test_the_content_hash_changes_with_any_field(field: str, value: Any) -> None:
    assert rules.content_hash({**CONTENT, field: value}) != rules.content_hash(CONTENT)


def test_content_with_a_non_finite_number_has_no_hash() -> None:
    with pytest.raises(rules.BoundaryError):
        rules.content_hash({**CONTENT, "threshold": math.nan})
