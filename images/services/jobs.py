"""Work for the workers: the names of Hub's Celery tasks, and the one way a service sends one.

Services enqueue by name rather than by importing images/tasks.py: tasks are an edge that calls
services, so a service importing them would close a circle. Each name is registered by the task of
that name in images/tasks.py (`<service>_task`, thin, ids in), and tests/test_tasks.py checks that
every name here is one. A job is sent only once the surrounding transaction commits, so a worker
never looks for rows that are not there yet (Celery's "Database transactions" guide).
"""

from celery import current_app
from django.db import transaction

MANIFEST_INDEX = "images.manifest_index_task"
MIRROR_SYNC = "images.mirror_sync_task"
WEBHOOK_DELIVERY_ATTEMPT = "images.webhook_delivery_attempt_task"
VERIFICATION_CHECK = "images.verification_check_task"
ALERTS_COMPUTE = "images.alerts_compute_task"
ALERT_WEBHOOK_ATTEMPT = "images.alert_webhook_attempt_task"


def job_enqueue(name: str, *args) -> None:
    """Send the task `name` with `args` (ids and plain values) when the current transaction commits.

    Through the app's signature, so a registered task honours task_always_eager (the console tests).
    """
    transaction.on_commit(lambda: current_app.signature(name, args=args).apply_async())


def job_send(name: str, *args) -> None:
    """Send now, outside any transaction's care (the recovery loop re-sends work that already committed)."""
    current_app.signature(name, args=args).apply_async()
