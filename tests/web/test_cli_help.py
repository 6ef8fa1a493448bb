"""`forecast --help` lists the project's commands, not Flask's own options or extensions'."""

from __future__ import annotations

import subprocess
import sys
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


def test_the_help_builds_no_app_and_imports_no_database_or_math() -> None:
    script = (
        "import sys\n"
        "from forecast.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('alembic', 'sqlalchemy', 'sqlmodel', 'numpy', 'flask_smorest', 'forecast.app',\n"
        "         'forecast.web', 'forecast.models')\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "                        or m.startswith(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "Commands:" in done.stdout
    assert done.stdout.strip().endswith("LOADED []"), done.stdout[-400:]
