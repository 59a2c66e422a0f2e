from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hub.accounts.selectors import admin_first, user_by_name
from images.indexing.fetch import UpstreamError
from images.models import Mirror
from images.services.mirrors import mirror_create, mirror_sync


class Command(BaseCommand):
    help = (
        "Mirror an image repository from another registry into Hub and sync it now, with a progress bar: "
        "`manage.py mirror registry.example.org/ns/name --to ns/name [--tags 'glob']`."
    )

    def add_arguments(self, parser):
        parser.add_argument("upstream", metavar="REF", help="registry.example.org/ns/name[:tag]")
        parser.add_argument("--to", dest="target", help="Hub repository namespace/name (default: the upstream path)")
        parser.add_argument("--tags", default="", help="only tags matching this glob")
        parser.add_argument("--regex", default="", help="only tags fully matching this regular expression")
        parser.add_argument("--user", default="", help="Hub user the mirror acts as (default: the first admin)")
        parser.add_argument("--username", default="", help="upstream user name")
        parser.add_argument("--password", default="", help="upstream password or token")
        parser.add_argument("--interval", type=int, default=60, help="re-sync every N minutes")

    def handle(self, *args, upstream, target, tags, regex, user, username, password, interval, **options):
        actor = user_by_name(username=user) if user else admin_first()
        if actor is None:
            raise CommandError("no such user (create an admin first: manage.py ensure_admin)")
        kind = Mirror.TagFilter.REGEX if regex else Mirror.TagFilter.GLOB if tags else Mirror.TagFilter.ALL
        if target is None:
            path = upstream.split("/", 1)[1] if "/" in upstream else upstream
            target = path.split("@")[0].split(":")[0]
        try:
            mirror = mirror_create(
                user=actor,
                repository=target,
                upstream=upstream,
                tag_filter_kind=kind,
                tag_filter=regex or tags,
                username=username,
                password=password,
                sync_interval_minutes=interval,
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(total=0, unit="tag", desc=str(mirror))

        def progress(done: int, total: int, tag: str) -> None:
            bar.total = total
            bar.set_postfix_str(tag)
            bar.update(done - bar.n)

        try:
            mirror = mirror_sync(mirror_id=mirror.pk, progress=progress)
        except UpstreamError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(f"{mirror}: {mirror.status_detail}; images are being indexed by the worker")
