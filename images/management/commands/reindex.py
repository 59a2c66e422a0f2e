from django.core.management.base import BaseCommand

from images.selectors.images import manifest_ids_to_reindex
from images.services.indexing import manifest_index


class Command(BaseCommand):
    help = "Index manifests again in this process (all, or those of one repository `ns/name`, or failed ones)."

    def add_arguments(self, parser):
        parser.add_argument("repository", nargs="?", help="namespace/name")
        parser.add_argument("--failed", action="store_true", help="only manifests whose indexing failed")

    def handle(self, *args, repository, failed, **options):
        namespace, _, name = (repository or "").partition("/")
        for manifest_id, digest in manifest_ids_to_reindex(namespace=namespace, name=name, failed_only=failed):
            status = manifest_index(manifest_id=manifest_id, force=True)
            self.stdout.write(f"{digest}: {status}")
