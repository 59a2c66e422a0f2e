from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError

from hub.tasks import ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout, **options):
        result = ping.delay("pong")
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeout:
            raise CommandError(f"no worker answered within {timeout:g}s") from None
        self.stdout.write(f"worker answered: {answer} (task {result.id})")
