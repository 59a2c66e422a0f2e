from django.core.management.base import BaseCommand

from images.models import Manifest
from images.services.indexing import manifest_index


class Command(BaseCommand):
    help = "Index manifests again in this process (all, or those of one repository `ns/name`, or failed ones)."

    def add_arguments(self, parser):
        parser.add_argument("repository", nargs="?", help="namespace/name")
        parser.add_argument("--failed", action="store_true", help="only manifests whose indexing failed")

    def handle(self, *args, repository, failed, **options):
        manifests = Manifest.objects.all()
        if repository:
            namespace, _, name = repository.partition("/")
            manifests = manifests.filter(repository__namespace__name=namespace, repository__name=name)
        if failed:
            manifests = manifests.filter(index_status="failed")
        for manifest_id, digest in manifests.values_list("pk", "digest"):
            status = manifest_index(manifest_id=manifest_id, force=True)
            self.stdout.write(f"{digest}: {status}")
