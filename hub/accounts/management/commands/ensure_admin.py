import os

from django.core.management.base import BaseCommand

from hub.accounts.services import admin_ensure


class Command(BaseCommand):
    help = (
        "Create the first admin account when none exists, from DJANGO_SUPERUSER_USERNAME and "
        "DJANGO_SUPERUSER_PASSWORD, or with a generated password that is printed once."
    )

    def handle(self, *args, **options):
        generated = admin_ensure(
            username=os.environ.get("DJANGO_SUPERUSER_USERNAME"),
            password=os.environ.get("DJANGO_SUPERUSER_PASSWORD"),
        )
        if generated:
            username, password = generated
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin account '{username}' with password: {password}\n"
                    "This password is shown only once; change it after signing in."
                )
            )
