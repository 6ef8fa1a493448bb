"""Decision-boundary rules: events, deadlines, crossings, margins, verdicts, hysteresis."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast import boundaries as rules
from forecast.distributions import Scale

JAN_2026 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
JAN_2046 = datetime(2046, 1, 1, tzinfo=UTC).timestamp()
DATES = Scale(JAN_2026, JAN_2046, open_lower=False, open_upper=True)
UNIFORM = np.concatenate([np.linspace(0.0, 0.9, 201)])  # 10% mass beyond 2046


def ts(year: int, month: int = 1, day: int = 1) -> float:
    return datetime(year, month, day, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    "qtype,event",
    [
        ("binary", {"kind": "yes"}),
        ("date", {"kind": "before", "date": "2036-01-01T00:00:00Z"}),
        ("date", {"kind": "within", "years": 10}),
        ("numeric", {"kind": "at_least", "value": 1e27}),
        ("numeric", {"kind": "at_most", "value": 3}),
    ],
)
def test_every_event_kind_parses_and_renders_back(qtype: str, event: dict) -> None:  # type: ignore[type-arg]
    assert rules.event_to_json(rules.parse_event(event, qtype)) == event


@pytest.mark.parametrize(
    "qtype,event,field",
    [
        ("binary", {"kind": "within", "years": 10}, "event.kind"),
        ("date", {"kind": "yes"}, "event.kind"),
        ("date", {"kind": "within", "years": 0}, "event.years"),
        ("date", {"kind": "within", "years": "ten"}, "event.years"),
        ("date", {"kind": "before", "date": "soon"}, "event.date"),
        ("numeric", {"kind": "at_least"}, "event.value"),
        ("numeric", {"kind": "at_most", "value": float("nan")}, "event.value"),
    ],
)
def test_bad_events_name_their_field(qtype: str, event: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(rules.BoundaryError) as info:
        rules.parse_event(event, qtype)
    assert info.value.field == field


@pytest.mark.parametrize("value", [0, 1, -0.1, 1.5, float("inf"), True, "0.1"])
def test_thresholds_lie_strictly_between_zero_and_one(value: object) -> None:
    with pytest.raises(rules.BoundaryError):
        rules.parse_threshold(value)


def test_a_fixed_deadline_reads_the_cdf_at_that_date() -> None:
    event = rules.parse_event({"kind": "before", "date": "2036-01-01T00:00:00Z"}, "date")
    p = rules.event_probability(event, UNIFORM, question_type="date", scale=DATES, t=ts(2027))
    u = (ts(2036) - JAN_2026) / (JAN_2046 - JAN_2026)
    assert p == pytest.approx(0.9 * u, abs=1e-12)


def test_a_rolling_horizon_moves_with_the_clock() -> None:
    event = rules.parse_event({"kind": "within", "years": 10}, "date")
    assert rules.deadline(event, ts(2026, 11, 23)) == ts(2036, 11, 23)
    early = rules.event_probability(event, UNIFORM, question_type="date", scale=DATES, t=ts(2026))
    later = rules.event_probability(event, UNIFORM, question_type="date", scale=DATES, t=ts(2030))
    assert later > early
    beyond = rules.event_probability(event, UNIFORM, question_type="date", scale=DATES, t=ts(2040))
    assert beyond == pytest.approx(0.9)  # deadline past the range: the mass below max


def test_the_29th_of_february_rolls_to_the_28th() -> None:
    assert rules.add_years(ts(2028, 2, 29), 1) == ts(2029, 2, 28)
    assert rules.add_years(ts(2028, 2, 29), 4) == ts(2032, 2, 29)


def test_at_least_and_at_most_are_complements() -> None:
    scale = Scale(0.0, 100.0, open_lower=False, open_upper=False)
    cdf = np.linspace(0.0, 1.0, 201)
    least = rules.parse_event({"kind": "at_least", "value": 30}, "numeric")
    most = rules.parse_event({"kind": "at_most", "value": 30}, "numeric")
    p_least = rules.event_probability(least, cdf, question_type="numeric", scale=scale, t=0)
    p_most = rules.event_probability(most, cdf, question_type="numeric", scale=scale, t=0)
    assert p_most == pytest.approx(0.3) and p_least + p_most == pytest.approx(1.0)


def test_margins_are_positive_when_past_in_the_comparators_direction() -> None:
    assert rules.margin_points(0.15, ">=", 0.10) == pytest.approx(5.0)
    assert rules.margin_points(0.05, ">=", 0.10) == pytest.approx(-5.0)
    assert rules.margin_points(0.05, "<=", 0.10) == pytest.approx(5.0)
    assert rules.margin_log_odds(0.5, ">=", 0.5) == 0.0
    assert rules.margin_log_odds(0.75, ">=", 0.5) == pytest.approx(np.log(3))


@given(st.floats(0.0, 1.0), st.floats(0.001, 0.999), st.sampled_from([">=", "<="]))
def test_the_margin_sign_agrees_with_crossing(p: float, t: float, comparator: str) -> None:
    crossed = rules.is_crossed(p, comparator, t)
    margin = rules.margin_points(p, comparator, t)
    assert crossed == (margin >= 0)


def test_the_verdict_needs_every_method_and_the_whole_interval() -> None:
    methods = {"recency_weighted": 0.2, "unweighted": 0.25}
    assert rules.verdict(methods, (0.15, 0.3), ">=", 0.1) == "crossed"
    assert rules.verdict(methods, (0.05, 0.3), ">=", 0.1) == "contested"
    assert rules.verdict({"a": 0.05, "b": 0.08}, (0.01, 0.09), ">=", 0.1) == "not_crossed"
    assert rules.verdict({"a": 0.05}, (0.01, 0.10), ">=", 0.1) == "contested"  # an end at t
    assert rules.verdict({"a": 0.05}, (0.01, 0.09), "<=", 0.1) == "crossed"


def path(values: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start = np.arange(len(values), dtype=np.float64) * 10
    end = np.append(start[1:], np.inf)
    return start, end, np.array(values)


def test_crossings_are_recorded_once_per_change_of_state() -> None:
    start, end, p = path([0.05, 0.12, 0.15, 0.08, 0.2])
    events = rules.crossing_events(
        start, end, p, comparator=">=", threshold=0.1, hysteresis=0.0, commit_time=0.0
    )
    assert [(t, s) for t, s, _ in events] == [
        (0.0, "not_crossed"),
        (10.0, "crossed"),
        (30.0, "not_crossed"),
        (40.0, "crossed"),
    ]


def test_hysteresis_keeps_a_hovering_aggregate_from_flapping() -> None:
    start, end, p = path([0.05, 0.11, 0.095, 0.105, 0.09, 0.07])
    flapping = rules.crossing_events(
        start, end, p, comparator=">=", threshold=0.1, hysteresis=0.0, commit_time=0.0
    )
    calm = rules.crossing_events(
        start, end, p, comparator=">=", threshold=0.1, hysteresis=0.02, commit_time=0.0
    )
    assert len(flapping) == 5
    assert [s for _, s, _ in calm] == ["not_crossed", "crossed", "not_crossed"]
    assert calm[-1][0] == 50.0  # only 0.07 is more than 2 points below 10%


def test_only_changes_after_the_commit_count() -> None:
    start, end, p = path([0.5, 0.05, 0.5])
    events = rules.crossing_events(
        start, end, p, comparator=">=", threshold=0.1, hysteresis=0.0, commit_time=15.0
    )
    assert events[0] == (15.0, "not_crossed", 0.05) and events[1][:2] == (20.0, "crossed")


def test_the_report_order_puts_crossed_first_then_the_closest() -> None:
    crossed = np.array([False, True, False, True])
    distance = np.array([1.0, 9.0, 0.5, 2.0])
    assert rules.report_order(crossed, distance) == [3, 1, 2, 0]


def test_the_cost_loss_helper_suggests_c_over_l() -> None:
    suggestion = rules.threshold_from_costs(2.0, 20.0)
    assert suggestion.threshold == pytest.approx(0.1) and "10%" in suggestion.reasoning
    with pytest.raises(rules.BoundaryError):
        rules.threshold_from_costs(30.0, 20.0)


def test_the_content_hash_is_canonical_and_sensitive() -> None:
    a = {"question": "q", "threshold": 0.1, "event": {"kind": "yes"}, "action": "act"}
    b = dict(reversed(list(a.items())))
    assert rules.content_hash(a) == rules.content_hash(b)
    assert rules.content_hash({**a, "threshold": 0.11}) != rules.content_hash(a)
    import hashlib
    import json

    canonical = json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert rules.content_hash(a) == hashlib.sha256(canonical.encode()).hexdigest()
