"""Counts read as English: one of something is singular, on the pages and the command line."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from forecast.web.record_charts import calibration_chart
from tests.conftest import make_token, make_user


def test_a_calibration_bin_of_one_forecast_says_forecast() -> None:
    one = {"count": 1, "mean_forecast": 0.7, "mean_outcome": 1.0, "interval": (None, None)}
    chart = str(calibration_chart([one, {**one, "count": 3}]))
    assert "<title>1 forecast: said 70%" in chart and "<title>3 forecasts: said 70%" in chart


def test_revoking_a_lone_token_from_the_command_line_says_token(
    app: Flask, runner: FlaskCliRunner
) -> None:
    make_token(app, make_user(app, "alice"))
    result = runner.invoke(args=["tokens", "revoke", "alice", "--all"])
    assert result.exit_code == 0 and "revoked 1 token of alice" in result.output
