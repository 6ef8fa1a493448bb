"""The files in deploy/ parse with the tools that read them, and the backup script works.

Each check runs the real tool (nginx -t, systemd-analyze verify, logrotate -d, gunicorn
--check-config, pg_dump) and is skipped where the tool is missing; CI installs them. Only what
names this machine (paths under /srv/forecast, the forecast user, the certificate) is swapped
for local stand-ins.
"""

from __future__ import annotations

import getpass
import grp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (p for d in ("/usr/sbin", "/sbin") if os.path.exists(p := f"{d}/{name}")), None
    )
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload,no-any-return]


def _localised(text: str, tmp_path: Path) -> str:
    return (
        text.replace("/srv/forecast/deploy/backup.sh", str(DEPLOY / "backup.sh"))
        .replace("/srv/forecast", str(ROOT))
        .replace("/etc/forecast/env", str(tmp_path / "env"))
        .replace("User=forecast", f"User={getpass.getuser()}")
        .replace("Group=forecast", f"Group={grp.getgrgid(os.getgid()).gr_name}")
    )


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    nginx = _tool("nginx")
    openssl = _tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = _run(
        openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=forecast.test", "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    snippet = tmp_path / "forecast-proxy.conf"
    shutil.copy(DEPLOY / "nginx-forecast-proxy.conf", snippet)
    site = (
        (DEPLOY / "nginx-forecast.conf")
        .read_text()
        .replace("/etc/nginx/snippets/forecast-proxy.conf", str(snippet))
        .replace("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(cert))
        .replace("/etc/ssl/private/ssl-cert-snakeoil.key", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = _run(nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                   "-c", str(tmp_path / "nginx.conf"))  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
    # What the app relies on: one trusted hop and a request id per request.
    proxy = snippet.read_text()
    assert "X-Forwarded-For $remote_addr" in proxy and "X-Request-ID $request_id" in proxy


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    (tmp_path / "env").write_text("FORECAST_ENV=production\n")
    names = {
        "forecast-web@.service": "forecast-web@8001.service",
        "forecast-scheduler.service": "forecast-scheduler.service",
        "forecast-backup.service": "forecast-backup.service",
        "forecast-backup.timer": "forecast-backup.timer",
    }
    for source, target in names.items():
        (tmp_path / target).write_text(_localised((DEPLOY / source).read_text(), tmp_path))
    verified = _run(analyze, "verify", "--man=no", *(f"./{n}" for n in names.values()),
                    cwd=tmp_path)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == "", verified.stderr


def test_the_logrotate_config_parses(tmp_path: Path) -> None:
    logrotate = _tool("logrotate")
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "web-8001.log").write_text('{"level": "INFO"}\n')
    config = (
        (DEPLOY / "logrotate-forecast")
        .read_text()
        .replace("/var/log/forecast", str(logs))
        .replace(
            "su forecast forecast", f"su {getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name}"
        )
    )
    (tmp_path / "forecast").write_text(config)
    checked = _run(logrotate, "-d", "-s", str(tmp_path / "state"), str(tmp_path / "forecast"))
    assert checked.returncode == 0, checked.stderr
    assert "error" not in checked.stderr.lower(), checked.stderr
    assert "web-8001.log" in checked.stderr  # the pattern reaches the log files


def test_the_gunicorn_config_loads(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "m"),
           "FORECAST_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}  # fmt: skip
    checked = _run(str(BIN / "gunicorn"), "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py"),
                   "forecast.wsgi:app", env=env, cwd=tmp_path)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_shell_scripts_parse() -> None:
    for script in ("backup.sh", "upgrade.sh"):
        checked = _run("sh", "-n", str(DEPLOY / script))
        assert checked.returncode == 0, checked.stderr


@pytest.mark.postgres
def test_the_backup_script_writes_a_dump_pg_restore_reads(
    postgres_url: str, tmp_path: Path
) -> None:
    _tool("pg_dump")
    env = {**os.environ, "FORECAST_DATABASE_URL": postgres_url,
           "FORECAST_BACKUP_DIR": str(tmp_path / "backups")}  # fmt: skip
    old = tmp_path / "backups" / "forecast-20000101T000000Z.dump"
    old.parent.mkdir()
    old.write_bytes(b"old")
    os.utime(old, (946_684_800, 946_684_800))  # 2000: past any retention
    ran = _run(str(DEPLOY / "backup.sh"), env=env)
    assert ran.returncode == 0, ran.stderr
    dumps = sorted((tmp_path / "backups").glob("forecast-*.dump"))
    assert len(dumps) == 1 and dumps[0] != old  # the old one went, no .partial is left
    listed = _run("pg_restore", "--list", str(dumps[0]))
    assert "alembic_version" in listed.stdout and "scheduler_leases" in listed.stdout


def test_the_backup_script_refuses_a_sqlite_url(tmp_path: Path) -> None:
    env = {**os.environ, "FORECAST_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    ran = _run(str(DEPLOY / "backup.sh"), env=env)
    assert ran.returncode == 2 and "forecast db backup" in ran.stderr
