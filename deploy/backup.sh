#!/bin/sh
# Dump the PostgreSQL database named by FORECAST_DATABASE_URL into FORECAST_BACKUP_DIR
# (custom format, restorable with pg_restore), check that the dump reads back, and delete
# dumps older than FORECAST_BACKUP_KEEP_DAYS. Exits non-zero on any failure, so the systemd
# unit shows failed and nothing half-written is kept.
set -eu
: "${FORECAST_DATABASE_URL:?FORECAST_DATABASE_URL is not set}"
dir="${FORECAST_BACKUP_DIR:-/var/backups/forecast}"
keep="${FORECAST_BACKUP_KEEP_DAYS:-14}"
case "$FORECAST_DATABASE_URL" in
  postgresql+*://*) url="postgresql://${FORECAST_DATABASE_URL#*://}" ;;
  postgresql://*|postgres://*) url="$FORECAST_DATABASE_URL" ;;
  *) echo "backup.sh: not a PostgreSQL URL; use 'forecast db backup FILE' for SQLite" >&2; exit 2 ;;
esac
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$dir/forecast-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --file="$partial" "$url"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"
find "$dir" -maxdepth 1 -name 'forecast-*.dump' -mtime +"$keep" -delete
echo "backup.sh: wrote $final ($(wc -c <"$final") bytes)"
