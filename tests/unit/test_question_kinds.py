"""The kind registry's per-kind readers and writers: what used to be if-chains on the question
type in the resolve form, the CLI, the aggregate probe, the discussion and the follows' messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecast.errors import ValidationFailed
from forecast.infra.clock import parse_iso, to_epoch
from forecast.services.kinds import KINDS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
JUNE_1 = to_epoch(parse_iso("2031-06-01T00:00:00Z"))


def test_every_kind_names_five_partials_that_exist() -> None:
    for kind in KINDS.values():
        partials = kind.partials
        names = [
            partials.form,
            partials.aggregate,
            partials.answer,
            partials.facts,
            partials.standing,
        ]
        assert len(set(names)) == 5, kind.name
        for name in names:
            assert (TEMPLATES / name).is_file(), name


@pytest.mark.parametrize(
    ("kind", "answer", "expected"),
    [
        ("numeric", "1,250.5", {"value": 1250.5}),
        ("numeric", "lots", {"value": "lots"}),  # parse_resolution names the bad field
        ("binary", "maybe", {"value": "maybe"}),
        ("date", "2031-06-01", {"date": "2031-06-01T00:00:00Z"}),
        ("date", "2031-06-01T12:00:00Z", {"date": "2031-06-01T12:00:00Z"}),
        ("multiple_choice", "Anthropic", {"option": "Anthropic"}),
    ],
)
def test_typed_resolution(kind: str, answer: str, expected: dict[str, object]) -> None:
    assert KINDS[kind].typed_resolution(answer) == expected


def test_points_on_a_date_axis_are_dates() -> None:
    date = KINDS["date"]
    assert date.read_point("2031-06-01", "x") == JUNE_1
    assert date.render_point(JUNE_1) == "2031-06-01T00:00:00Z"
    assert date.point_words(JUNE_1) == "2031-06-01"
    with pytest.raises(ValidationFailed, match="x must be an ISO 8601 date"):
        date.read_point("soon", "x")


def test_points_on_a_numeric_axis_are_finite_numbers() -> None:
    numeric = KINDS["numeric"]
    assert numeric.read_point("12.5", "x") == 12.5
    assert numeric.render_point(12.5) == 12.5
    assert numeric.point_words(1204.0) == "1,204"
    for bad in ("nan", "inf", "1e400", "twelve"):
        with pytest.raises(ValidationFailed, match="x must be a finite number"):
            numeric.read_point(bad, "x")


def test_quantile_boxes_read_and_write_points_per_kind() -> None:
    numeric, date = KINDS["numeric"], KINDS["date"]
    assert numeric.typed_point("1,250") == 1250.0 and numeric.typed_point("ten") == "ten"
    assert numeric.unreadable("ten") == "“ten” is not a number." and numeric.unreadable("1") is None
    assert numeric.point_text(30.5) == "30.5"
    assert date.typed_point("2031-06-01") == "2031-06-01"
    assert date.unreadable("June") == "“June” is not a date (YYYY-MM-DD)."
    assert date.unreadable("2031-06-01") is None
    assert date.point_text(JUNE_1 + 3600) == "2031-06-01"
