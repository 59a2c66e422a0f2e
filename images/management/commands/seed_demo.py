from django.core.management.base import BaseCommand

from images.services.demo import DEMO_OS_ADVISORIES, demo_seed, demo_vulndb
from images.services.vulns import vulnerability_import


class Command(BaseCommand):
    help = (
        "Seed the demo catalogue once (nothing happens when any repository exists), "
        "with the advisories in ../shared/vulndb when present and the bundled Debian security tracker excerpt."
    )

    def handle(self, *args, **options):
        if not demo_seed(stdout=self.stdout):
            return
        source = demo_vulndb()
        if source is not None:
            result = vulnerability_import(source=str(source))
            self.stdout.write(f"demo: advisories from {source}: {result}")
        result = vulnerability_import(source=str(DEMO_OS_ADVISORIES))
        self.stdout.write(f"demo: Debian security tracker excerpt: {result}")
        self.stdout.write(self.style.SUCCESS("demo: catalogue seeded; the worker indexes it in the background"))
