"""gunicorn started as deploy/ runs it (deploy/gunicorn.conf.py), for the operations tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONF = ROOT / "deploy" / "gunicorn.conf.py"


@dataclass
class Deployed:
    """A running gunicorn: its base URL and the file its stderr goes to."""

    base: str
    log: Path
    pid: int

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def workers(self) -> list[int]:
        """Return the worker processes' ids (the master's children)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [int(child) for child in children]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def deployed(url: str, tmp_path: Path, workers: int = 2, **env: str) -> Iterator[Deployed]:
    """Run gunicorn -c deploy/gunicorn.conf.py on the database at url; stop it afterwards."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    environment = {
        **os.environ,
        "FORECAST_DATABASE_URL": url,
        "FORECAST_SECRET_KEY": "deployed-test",
        "FORECAST_BIND": f"127.0.0.1:{port}",
        "FORECAST_WORKERS": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(CONF), "forecast.wsgi:app"],
            cwd=tmp_path,
            env=environment,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError("gunicorn exited:\n" + log.read_text())
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Deployed(base, log, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET url; return the status, the headers and the body (errors included)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
