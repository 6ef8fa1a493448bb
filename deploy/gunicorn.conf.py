"""Sample gunicorn settings for forecast behind a reverse proxy (copy and adjust).

Logging: the app's own configuration (FORECAST_LOG_FORMAT, FORECAST_LOG_LEVEL) also formats
gunicorn's error and access lines, so every line on stderr has one shape and a request id.
Metrics: every worker writes its counters to files under PROMETHEUS_MULTIPROC_DIR, and whichever
worker answers GET /metrics sums them. The folder is emptied when gunicorn starts and a dead
worker's files are marked as such; one folder per gunicorn instance.
"""

import glob
import multiprocessing
import os
import tempfile

from forecast.infra.logging_setup import ACCESS_FORMAT, from_environment

bind = os.environ.get("FORECAST_BIND", "127.0.0.1:8000")
# Web workers keep no state another worker needs: scale them freely, on any number of hosts.
workers = int(os.environ.get("FORECAST_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"  # keeps client connections alive between requests
threads = 4
timeout = 60
graceful_timeout = 30
max_requests = 5000
max_requests_jitter = 500
# The most gunicorn allows: the app refuses addresses past 4096 bytes itself, with a 414 in
# its own error shape (JSON under /api), instead of gunicorn's HTML page
# (forecast/http/url_limit.py).
limit_request_line = 8190
# The app trusts FORECAST_PROXY_COUNT proxies itself (werkzeug's ProxyFix); gunicorn's own
# handling of forwarded headers stays with the loopback proxy only.
forwarded_allow_ips = os.environ.get("FORECAST_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
logconfig_dict = from_environment()
# The text line; JSON lines take the same values as fields (forecast/infra/logging_setup.py).
access_log_format = ACCESS_FORMAT

# Set before any worker imports prometheus_client, which chooses its mode on import.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="forecast-metrics-")
metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
os.makedirs(metrics_dir, exist_ok=True)


def on_starting(server):
    """Start with no counts from an earlier run of this instance."""
    for path in glob.glob(os.path.join(metrics_dir, "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """Drop a dead worker's live gauges (its counters stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
