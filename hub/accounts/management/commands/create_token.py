"""`manage.py create_token USERNAME`: a personal access token for scripts and CI, printed once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hub.accounts.models import AccessToken
from hub.accounts.services import access_token_create


class Command(BaseCommand):
    help = "Create a personal access token (the password for docker/podman login) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="a description to tell tokens apart")
        parser.add_argument("--scope", choices=AccessToken.Scope.values, default=AccessToken.Scope.READ_WRITE)
        parser.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        days = options["expires_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        _, clear = access_token_create(user=user, name=options["name"], scope=options["scope"], expires_at=expires_at)
        self.stdout.write(clear)
