"""Tasks of the project itself (the content tasks live in images/tasks.py)."""

from celery import shared_task


@shared_task(name="hub.ping")
def ping(payload: str = "pong") -> str:
    """Echo: proves a task travelled the broker to a worker and its result came back."""
    return payload
