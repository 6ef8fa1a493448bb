"""`forecast --help` lists the project's commands, not Flask's own options or extensions'."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from forecast.cli import main


def test_the_help_hides_flasks_options_and_the_limiter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORECAST_DATABASE_URL", f"sqlite:///{tmp_path / 'forecast.db'}")
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for hidden in ("--env-file", "--app", "--debug", "limiter"):
        assert hidden not in result.output
    for shown in ("db ", "users ", "seed ", "serve ", "tokens "):
        assert shown in result.output
    still = CliRunner().invoke(main, ["limiter", "--help"])
    assert still.exit_code == 0 and "Flask-Limiter" in still.output
