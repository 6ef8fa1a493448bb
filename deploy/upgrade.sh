#!/bin/sh
# Upgrade in place with no downtime: install the new release, migrate, then restart the web
# instances one at a time (each must answer /api/v1/ready before the next goes), then the
# scheduler. Run as root from /srv/forecast after fetching the new code (or with a wheel path).
#   deploy/upgrade.sh [WHEEL]
# Migrations are written so the release before them keeps working on the migrated schema
# (add, then use; drop a release later), which is what makes this order safe.
set -eu
cd /srv/forecast
ports="${FORECAST_WEB_PORTS:-8001 8002}"
as_forecast() { runuser -u forecast -- env $(grep -v '^#' /etc/forecast/env | xargs) "$@"; }

if [ $# -gt 0 ]; then as_forecast .venv/bin/pip install --upgrade "$1"; else as_forecast .venv/bin/pip install -e .; fi
as_forecast .venv/bin/forecast db upgrade

for port in $ports; do
  systemctl restart "forecast-web@$port"
  tries=0
  until curl -fsS "http://127.0.0.1:$port/api/v1/ready" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 60 ]; then
      echo "upgrade.sh: forecast-web@$port is not ready after 60 s; stopping here" >&2
      curl -sS "http://127.0.0.1:$port/api/v1/ready" >&2 || true
      exit 1
    fi
    sleep 1
  done
  echo "upgrade.sh: forecast-web@$port ready"
done
systemctl restart forecast-scheduler
echo "upgrade.sh: done"
