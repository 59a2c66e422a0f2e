from django.core.management.base import BaseCommand

from images.selectors.images import manifest_ids_to_reindex
from images.services.indexing import manifest_index
from images.services.lineage import lineage_rebuild
from images.services.posture import repositories_posture_refresh
from images.services.repository_contents import repository_contents_rebuild


class Command(BaseCommand):
    help = (
        "Index manifests again in this process (all, or those of one repository `ns/name`, or failed ones); "
        "--posture only recomputes every repository's security posture and what search finds in it (packages, "
        "findings) from the stored rows; --lineage only rebuilds every image's base-image rows from the stored "
        "manifests and configs."
    )

    def add_arguments(self, parser):
        parser.add_argument("repository", nargs="?", help="namespace/name")
        parser.add_argument("--failed", action="store_true", help="only manifests whose indexing failed")
        parser.add_argument(
            "--posture",
            action="store_true",
            help="only rebuild the posture columns and the search's package and finding rows of every repository",
        )

        parser.add_argument(
            "--lineage", action="store_true", help="only rebuild the base-image graph of every image (no pulls)"
        )

    def handle(self, *args, repository, failed, posture, lineage, **options):
        if lineage:
            count = lineage_rebuild()
            self.stdout.write(f"lineage rebuilt for {count} images")
            return
        if posture:
            count = repositories_posture_refresh()
            repository_contents_rebuild()
            self.stdout.write(f"posture refreshed for {count} repositories")
            return
        namespace, _, name = (repository or "").partition("/")
        for manifest_id, digest in manifest_ids_to_reindex(namespace=namespace, name=name, failed_only=failed):
            status = manifest_index(manifest_id=manifest_id, force=True)
            self.stdout.write(f"{digest}: {status}")
