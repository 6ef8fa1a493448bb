"""Process commands: serve, scheduler, bench."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import os
import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from forecast.infra.resources import resource

BENCH_DIR = resource("bench")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True, help="Request threads.")
@click.option("--no-scheduler", is_flag=True, help="Serve pages only; run jobs elsewhere.")
@with_appcontext
def serve_command(host: str, port: int, threads: int, no_scheduler: bool) -> None:
    """Serve the web app with its scheduler in this process (one machine)."""
    from forecast import jobs
    from forecast.http.serving import SingleProcessServer

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with_jobs = not no_scheduler and bool(app.config["SCHEDULER_ENABLED"])

    def start_jobs() -> None:
        if with_jobs:
            jobs.start_background(app)
            click.echo("scheduler started")

    click.echo(f"serving on http://{host}:{port}")
    gc.freeze()  # as in forecast/wsgi.py: full collections then skip the long-lived app
    SingleProcessServer(app, bind=f"{host}:{port}", threads=threads, on_start=start_jobs).run()


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs alone (deployments where gunicorn serves the pages)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from forecast import jobs

    scheduler = BlockingScheduler(timezone="UTC")
    jobs.configure(scheduler, current_app._get_current_object())  # type: ignore[attr-defined]
    port = current_app.config.get("SCHEDULER_METRICS_PORT")
    if port:  # its job and lock metrics, for Prometheus (deploy/README.md)
        from forecast.infra.metrics import serve_alone

        serve_alone(int(port))
        click.echo(f"metrics on http://127.0.0.1:{int(port)}/metrics")
    # systemd stops a service with SIGTERM: leave as on Ctrl-C, finishing the running job and
    # giving the lock up, so that a restarted scheduler need not wait for the lease to expire.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo("scheduler running; Ctrl-C stops it")
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        jobs.release_lock()
        click.echo("scheduler stopped; lock released")


def available_benchmarks() -> list[str]:
    """List the benchmark names found in bench/."""
    if not os.path.isdir(BENCH_DIR):
        return []
    return sorted(
        name[:-3]
        for name in os.listdir(BENCH_DIR)
        if name.endswith(".py") and not name.startswith("_")
    )


@click.command("bench", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench_command(name: str, args: tuple[str, ...]) -> None:
    """Run the benchmark NAME from bench/ and print its figures."""
    if name not in available_benchmarks():
        click.echo(
            f"error: no benchmark {name!r}; have: {', '.join(available_benchmarks())}", err=True
        )
        sys.exit(1)
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", os.path.join(BENCH_DIR, f"{name}.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.exit(module.main(list(args)) or 0)


COMMANDS = (serve_command, scheduler_command, bench_command)
