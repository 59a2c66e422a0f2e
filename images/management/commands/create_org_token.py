"""`manage.py create_org_token ORG`: an organization access token for CI, printed once (`docker login -u ORG`)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hub.accounts.models import TokenScope
from images.selectors.organizations import organization_get
from images.services.organizations import org_token_create


class Command(BaseCommand):
    help = "Create an organization access token (log in with the organization's name as username) and print it."

    def add_arguments(self, parser):
        parser.add_argument("organization")
        parser.add_argument("--name", default="cli", help="a description to tell tokens apart")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")

    def handle(self, *args, **options):
        organization = organization_get(name=options["organization"])
        if organization is None:
            raise CommandError(f"no organization {options['organization']!r}")
        days = options["expires_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        _, clear = org_token_create(
            organization=organization,
            created_by=None,
            name=options["name"],
            scope=options["scope"],
            expires_at=expires_at,
        )
        self.stdout.write(clear)
