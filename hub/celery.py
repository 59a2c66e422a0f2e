"""The Celery app: one for web (to enqueue), worker and beat.

The worker writes a heartbeat row every HUB_WORKER_HEARTBEAT_SECONDS from a bootstep timer, so
/healthz can tell whether a worker is alive without a broadcast (which the embedded filesystem
broker does not offer).
"""

import os
import time

from celery import Celery, bootsteps
from django.conf import settings
from django.core.cache import cache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

HEARTBEAT_KEY = "hub:worker-heartbeat"

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["hub", "images", "images.registry"])


def worker_heartbeat_write(hostname: str) -> None:
    cache.set(HEARTBEAT_KEY, {"hostname": hostname, "at": time.time()}, timeout=None)


def worker_heartbeat_read() -> dict | None:
    """The last heartbeat a worker wrote: {"hostname", "at"}, or None before any."""
    return cache.get(HEARTBEAT_KEY)


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        hostname = worker.hostname
        worker_heartbeat_write(hostname)
        self.tref = worker.timer.call_repeatedly(
            settings.HUB_WORKER_HEARTBEAT_SECONDS, worker_heartbeat_write, (hostname,), priority=10
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(HeartbeatStep)
