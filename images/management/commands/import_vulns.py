from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from images.services.vulns import vulnerability_import


class Command(BaseCommand):
    help = (
        "Import OSV advisories from a directory, a zip (like osv.dev's per-ecosystem exports), JSON or YAML "
        "files, or a URL to one of those. Changed records (by `modified`) are updated, withdrawn ones removed, "
        "and the findings of affected images recomputed from their stored packages."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, sources, no_progress, **options):
        for source in sources:
            try:
                result = vulnerability_import(
                    source=source,
                    progress=lambda items, s=source: tqdm(items, desc=s, unit="rec", disable=no_progress),
                )
            except (OSError, ValueError) as exc:
                raise CommandError(f"{source}: {exc}") from None
            for failure in result.failed[:20]:
                self.stderr.write(f"skipped {failure}")
            self.stdout.write(f"{source}: {result}")
