"""The connection the forecast submit path writes through: the one way services reach it.

Statements are written in Core and compiled once per dialect; they run on the driver's own
connection. On SQLite that is the thread's kept connection queued on the single writer lock,
elsewhere a pooled connection (autocommit for lone reads). Which of the two is picked, and how,
is forecast.infra.sqlite's business: services see only these names.
"""

from __future__ import annotations

from forecast.infra.sqlite.driver_sql import (
    DriverConnection,
    DriverStatement,
    driver_read,
    driver_write,
)

__all__ = ["DriverConnection", "DriverStatement", "driver_read", "driver_write"]
