"""`manage.py registry_gc`: free unreferenced blobs and expire stale uploads (also run by beat)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from images.services.gc import BLOB_GRACE, UPLOAD_TTL, gc_run


class Command(BaseCommand):
    help = "Delete blobs no manifest references (after a grace period) and expire abandoned uploads."

    def add_arguments(self, parser):
        parser.add_argument("--grace-hours", type=float, default=BLOB_GRACE.total_seconds() / 3600)
        parser.add_argument("--upload-ttl-hours", type=float, default=UPLOAD_TTL.total_seconds() / 3600)
        parser.add_argument("--dry-run", action="store_true", help="report what would be deleted")

    def handle(self, *args, **options):
        report = gc_run(
            grace=timedelta(hours=options["grace_hours"]),
            upload_ttl=timedelta(hours=options["upload_ttl_hours"]),
            dry_run=options["dry_run"],
        )
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {report.blobs_deleted} blobs ({report.bytes_freed} bytes); "
            f"expired {report.uploads_expired} uploads"
        )
