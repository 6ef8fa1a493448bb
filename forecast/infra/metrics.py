"""The application's Prometheus metrics, and the one place the rest of the code counts into.

Services, jobs and the request hooks call the small functions below; none of them knows about
Prometheus. Labels are bounded sets (a URL rule, a method, a status class, a job id, a channel),
never a question, a user or a raw path, so the number of series stays fixed.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set before the app is imported, see
deploy/gunicorn.conf.py) makes every worker write its values to files in that folder, and
`exposition()` sums them; without it, the process's default registry is exposed.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

# The `_created` series double every counter's lines and no dashboard reads them.
disable_created_metrics()

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)

REQUESTS = Counter(
    "forecast_http_requests",
    "HTTP requests answered, by URL rule, method and status class.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "forecast_http_request_duration_seconds",
    "Time from the app receiving a request to its response, by URL rule and method.",
    ["endpoint", "method"],
    buckets=LATENCY_BUCKETS,
)
FORECASTS = Counter("forecast_forecasts_submitted", "Forecasts stored through the submit path.")
JOB_RUNS = Counter("forecast_job_runs", "Scheduled job runs (while holding the lock).", ["job"])
JOB_FAILURES = Counter("forecast_job_failures", "Scheduled job runs that raised.", ["job"])
JOB_DURATION = Histogram(
    "forecast_job_duration_seconds", "Duration of scheduled job runs.", ["job"], buckets=JOB_BUCKETS
)
LOCK_HELD = Gauge(
    "forecast_scheduler_lock_held",
    "1 while this scheduler process holds the scheduler lock, else 0.",
    multiprocess_mode="livesum",
)
LOCK_CHECKED = Gauge(
    "forecast_scheduler_lock_checked_timestamp_seconds",
    "When this scheduler process last asked for the lock (Unix time).",
    multiprocess_mode="livemax",
)
DELIVERIES = Counter(
    "forecast_notification_deliveries", "Notifications delivered, by channel.", ["channel"]
)
DELIVERY_FAILURES = Counter(
    "forecast_notification_failures",
    "Notification deliveries that failed, by channel.",
    ["channel"],
)
CACHE_HITS = Counter(
    "forecast_aggregate_cache_hits", "Aggregate histories served from the cache as stored."
)
CACHE_REBUILDS = Counter(
    "forecast_aggregate_cache_rebuilds",
    "Aggregate histories computed (built or extended) because the cache was missing or stale.",
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(endpoint, method, f"{status // 100}xx").inc()
    LATENCY.labels(endpoint, method).observe(seconds)


def count_forecast_submitted() -> None:
    """Count one stored forecast."""
    FORECASTS.inc()


def observe_job(name: str, seconds: float, ok: bool) -> None:
    """Count one job run, its duration, and whether it failed."""
    JOB_RUNS.labels(name).inc()
    JOB_DURATION.labels(name).observe(seconds)
    if not ok:
        JOB_FAILURES.labels(name).inc()


def set_scheduler_lock(held: bool, checked_at: float) -> None:
    """Record whether this process holds the scheduler lock, as of checked_at (Unix time)."""
    LOCK_HELD.set(1 if held else 0)
    LOCK_CHECKED.set(checked_at)


def count_notification(channel: str, ok: bool) -> None:
    """Count one notification delivery attempt on channel (webhook, email, ...)."""
    (DELIVERIES if ok else DELIVERY_FAILURES).labels(channel).inc()


def count_aggregate_cache(hit: bool) -> None:
    """Count an aggregate history read from the cache (hit) or computed (rebuild)."""
    (CACHE_HITS if hit else CACHE_REBUILDS).inc()


def multiprocess_dir() -> str | None:
    """Return the multiprocess folder when this process runs in multiprocess mode."""
    return os.environ.get(MULTIPROC_ENV) or None


def exposition() -> tuple[bytes, str]:
    """Return the metrics page (Prometheus text format) and its content type."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_alone(port: int, address: str = "127.0.0.1") -> None:
    """Serve this process's metrics on their own port (the scheduler, outside gunicorn)."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=address)
