"""What /healthz reports: can Hub reach its database, broker and blob storage, and is a worker alive?"""

import time

from django.conf import settings
from django.db import connection

from hub.celery import app, worker_heartbeat_read
from images.storage import blob_storage


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls
    return {"ok": True, "transport": str(transport)}


def check_storage() -> dict:
    blob_storage().probe()
    return {"ok": True, "backend": settings.STORAGES["blobs"]["BACKEND"].rsplit(".", 1)[-1]}


def check_worker() -> dict:
    beat = worker_heartbeat_read()
    if not beat:
        return {"ok": False, "error": "no worker has reported yet"}
    age = time.time() - beat["at"]
    ok = age <= settings.HUB_WORKER_STALE_SECONDS
    result = {"ok": ok, "hostname": beat["hostname"], "seconds_since_heartbeat": round(age, 1)}
    if not ok:
        result["error"] = f"last heartbeat {age:.0f}s ago"
    return result


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "worker": check_worker,
}


def health_report() -> tuple[bool, dict]:
    """Run every check; a check that raises is reported down with the exception's message."""
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "down"
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    healthy = all(item["ok"] for item in report.values())
    return healthy, report
