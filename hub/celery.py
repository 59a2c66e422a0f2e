"""The Celery app: one for web (to enqueue), worker and beat.

The worker writes a heartbeat row every HUB_WORKER_HEARTBEAT_SECONDS from a bootstep timer, so
/healthz can tell whether a worker is alive without a broadcast (which the embedded filesystem
broker does not offer).
"""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["hub", "images", "images.registry"])


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from hub.health import worker_heartbeat_write

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
