"""Periodic upkeep of the registry (settings.CELERY_BEAT_SCHEDULE): pull-count flush and GC."""

from celery import shared_task


@shared_task(name="images.registry.pull_flush")
def pull_flush() -> int:
    from images.services.pulls import pull_flush

    return pull_flush()


@shared_task(name="images.registry.gc")
def gc() -> dict:
    from dataclasses import asdict

    from images.services.gc import gc_run

    return asdict(gc_run())
