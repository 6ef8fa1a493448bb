"""Sample gunicorn settings for forecast behind a reverse proxy (copy and adjust)."""

import multiprocessing
import os

bind = os.environ.get("FORECAST_BIND", "127.0.0.1:8000")
# Web workers keep no state another worker needs: scale them freely, on any number of hosts.
workers = int(os.environ.get("FORECAST_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"  # keeps client connections alive between requests
threads = 4
timeout = 60
graceful_timeout = 30
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# The most gunicorn allows: the app refuses addresses past 4096 bytes itself, with a 414 in
# its own error shape (JSON under /api), instead of gunicorn's HTML page
# (forecast/http/url_limit.py).
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORECAST_FORWARDED_ALLOW_IPS", "127.0.0.1")
