from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from images.indexing.distro import FORMATS
from images.services.vulns import vulnerability_import


class Command(BaseCommand):
    help = (
        "Import OSV advisories from a directory, a zip (like osv.dev's per-ecosystem exports), JSON or YAML "
        "files, or a URL to one of those; or a distribution feed: the Debian security tracker's JSON or an "
        "Alpine secdb file (told apart by content, or by --format). Changed records (by `modified`) are "
        "updated, withdrawn ones (and those a feed no longer lists) removed, and the findings of affected "
        "images recomputed from their stored packages."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--format", choices=FORMATS, default="", dest="feed_format", help="the sources' format (default: guess)"
        )

    def handle(self, *args, sources, no_progress, feed_format, **options):
        for source in sources:
            try:
                result = vulnerability_import(
                    source=source,
                    feed_format=feed_format,
                    progress=lambda items, s=source: tqdm(items, desc=s, unit="rec", disable=no_progress),
                )
            except (OSError, ValueError) as exc:
                raise CommandError(f"{source}: {exc}") from None
            for failure in result.failed[:20]:
                self.stderr.write(f"skipped {failure}")
            self.stdout.write(f"{source}: {result}")
