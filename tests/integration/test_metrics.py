"""GET /metrics: Prometheus text with bounded labels, counted where things happen."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from flask import Flask
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from forecast import jobs
from forecast.infra import metrics
from forecast.models import Role
from tests.conftest import Api, build_app, make_token
from tests.integration.deployed import deployed, get
from tests.integration.factories import World

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def value(name: str, **labels: str) -> float:
    """Return a sample's value in this process's registry (0 when not yet created)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse a metrics page into {(sample name, sorted labels): value}."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_requests_are_counted_by_url_rule_never_by_id(app: Flask) -> None:
    world = World(app)
    q1, q2 = world.question(), world.question()
    rule = "/api/v1/questions/<int:question_id>"
    before = value("forecast_http_requests_total", endpoint=rule, method="GET", status="2xx")
    missing = value("forecast_http_requests_total", endpoint=rule, method="GET", status="4xx")
    unmatched = value(
        "forecast_http_requests_total", endpoint="(unmatched)", method="GET", status="4xx"
    )
    latency = value("forecast_http_request_duration_seconds_count", endpoint=rule, method="GET")
    client = app.test_client()
    for qid in (q1.id, q2.id, q1.id):
        assert client.get(f"/api/v1/questions/{qid}").status_code == 200
    assert client.get("/api/v1/questions/999999").status_code == 404
    assert client.get("/no/such/page/123").status_code == 404
    assert (
        value("forecast_http_requests_total", endpoint=rule, method="GET", status="2xx")
        == before + 3
    )
    assert (
        value("forecast_http_requests_total", endpoint=rule, method="GET", status="4xx")
        == missing + 1
    )
    assert (
        value("forecast_http_requests_total", endpoint="(unmatched)", method="GET", status="4xx")
        == unmatched + 1
    )
    assert (
        value("forecast_http_request_duration_seconds_count", endpoint=rule, method="GET")
        == latency + 4
    )
    page = client.get("/metrics").get_data(as_text=True)
    assert f'/api/v1/questions/{q1.id}"' not in page and "/no/such" not in page
    assert f'endpoint="{rule}"' in page


def test_forecasts_submitted_count_only_stored_forecasts(app: Flask) -> None:
    world = World(app)
    question = world.question()
    api = Api(app.test_client(), make_token(app, world.user("fran")))
    before = value("forecast_forecasts_submitted_total")
    assert (
        api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.3}).status_code
        == 201
    )
    assert (
        api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.4}).status_code
        == 201
    )
    assert (
        api.post(f"/questions/{question.id}/forecasts", json={"probability": 7}).status_code == 422
    )
    assert value("forecast_forecasts_submitted_total") == before + 2


def test_aggregate_cache_rebuilds_after_a_forecast_then_hits(app: Flask) -> None:
    world = World(app)
    question = world.question()
    api = Api(app.test_client(), make_token(app, world.user("gus")))
    assert (
        api.post(f"/questions/{question.id}/forecasts", json={"probability": 0.3}).status_code
        == 201
    )
    hits, rebuilds = (
        value("forecast_aggregate_cache_hits_total"),
        value("forecast_aggregate_cache_rebuilds_total"),
    )
    assert api.get(f"/questions/{question.id}/aggregate").status_code == 200
    assert value("forecast_aggregate_cache_rebuilds_total") == rebuilds + 1
    assert value("forecast_aggregate_cache_hits_total") == hits
    assert api.get(f"/questions/{question.id}/aggregate").status_code == 200
    assert value("forecast_aggregate_cache_rebuilds_total") == rebuilds + 1
    assert value("forecast_aggregate_cache_hits_total") == hits + 1


def test_job_runs_failures_and_durations_are_counted() -> None:
    runs = value("forecast_job_runs_total", job="probe")
    failures = value("forecast_job_failures_total", job="probe")
    durations = value("forecast_job_duration_seconds_count", job="probe")
    assert jobs.timed("probe", lambda: 3) == 3

    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        jobs.timed("probe", broken)
    assert value("forecast_job_runs_total", job="probe") == runs + 2
    assert value("forecast_job_failures_total", job="probe") == failures + 1
    assert value("forecast_job_duration_seconds_count", job="probe") == durations + 2


def test_notification_deliveries_and_failures_are_counted_by_channel() -> None:
    sent = value("forecast_notification_deliveries_total", channel="webhook")
    failed = value("forecast_notification_failures_total", channel="webhook")
    metrics.count_notification("webhook", True)
    metrics.count_notification("webhook", False)
    metrics.count_notification("webhook", False)
    assert value("forecast_notification_deliveries_total", channel="webhook") == sent + 1
    assert value("forecast_notification_failures_total", channel="webhook") == failed + 2


def test_the_scheduler_lock_is_a_gauge() -> None:
    metrics.set_scheduler_lock(True, 1_700_000_000.0)
    assert value("forecast_scheduler_lock_held") == 1
    assert value("forecast_scheduler_lock_checked_timestamp_seconds") == 1_700_000_000.0
    metrics.set_scheduler_lock(False, 1_700_000_030.0)
    assert value("forecast_scheduler_lock_held") == 0


def test_metrics_are_for_allowed_addresses_or_the_token(
    sqlite_template: Path, tmp_path: Path
) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    url = f"sqlite:///{tmp_path / 'forecast.db'}"
    app = build_app(url, tmp_path)
    client = app.test_client()
    local = client.get("/metrics")
    assert local.status_code == 200
    assert local.content_type.startswith("text/plain; version=")
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    # An API token of any role is no key to the metrics.
    admin = make_token(app, World(app).user("ada", Role.ADMIN))
    headers = {"Authorization": f"Bearer {admin}"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=headers).status_code == 403

    scraped = build_app(url, tmp_path, METRICS_TOKEN="s3cret-scrape", METRICS_ALLOW="")
    other = scraped.test_client()
    assert other.get("/metrics").status_code == 403  # the loopback is no longer allowed
    assert other.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    good = {"Authorization": "Bearer s3cret-scrape"}
    assert other.get("/metrics", environ_base=OUTSIDE, headers=good).status_code == 200

    networks = build_app(url, tmp_path, METRICS_ALLOW="10.0.0.0/8, 203.0.113.0/24")
    assert networks.test_client().get("/metrics", environ_base=OUTSIDE).status_code == 200


def test_gunicorn_workers_share_one_metrics_page(sqlite_template: Path, tmp_path: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "forecast.db")
    key = (
        "forecast_http_requests_total",
        (("endpoint", "/api/v1/ready"), ("method", "GET"), ("status", "2xx")),
    )
    with deployed(f"sqlite:///{tmp_path / 'forecast.db'}", tmp_path, workers=2) as server:
        for _ in range(40):
            assert get(f"{server.base}/api/v1/ready")[0] == 200
        status, _, body = get(f"{server.base}/metrics")
        assert status == 200
        assert samples(body.decode())[key] == 40
        # Workers that answered are replaced by ones that answered nothing: the page, served
        # by a new worker, still sums the counts the old ones left in the shared folder.
        old = server.workers()
        for pid in old:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not set(server.workers()).isdisjoint(old) or len(server.workers()) < 2:
            assert time.monotonic() < deadline, "gunicorn did not replace its workers"
            time.sleep(0.05)
        status, _, body = get(f"{server.base}/metrics")
        assert status == 200
        assert samples(body.decode())[key] == 40


def test_the_outbox_job_counts_its_deliveries(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def drain(**kwargs: object) -> object:
        seen.update(kwargs)
        return type("Run", (), {"sent": 0, "failed": 0, "dead": 0})()

    monkeypatch.setattr("forecast.services.notifications.outbox.drain", drain)
    monkeypatch.setattr(jobs, "_app", app)
    jobs.deliver_notifications()
    assert seen["observe"] is metrics.count_notification
