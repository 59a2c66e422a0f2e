"""Reads of repositories and namespaces for pages, the API and the registry. Visibility is the
authorization module's filter, applied here once.

Every selector returns plain objects or evaluated lists with everything the template needs already
fetched (select_related / prefetch_related), so rendering a page runs no query."""

from dataclasses import dataclass

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from images.models import (
    Category,
    Namespace,
    Repository,
    Star,
)
from images.models.catalogue import TrustedContent
from images.services.authorization import PUSH, may, readable_filter
from images.services.tags import byte_order

OFFICIAL_NAMESPACE = "library"


def repository_visibility_q(*, user) -> Q:
    """Who sees what: images.services.authorization decides, for every list, page and search."""
    return readable_filter(user)


def repository_list_visible(*, user) -> QuerySet[Repository]:
    """Repositories `user` may see, most recently pushed first."""
    return (
        Repository.objects.filter(repository_visibility_q(user=user))
        .select_related("namespace")
        .order_by(F("last_pushed_at").desc(nulls_last=True), "namespace__name", "name")
    )


def repository_get(*, user, namespace: str, name: str) -> Repository | None:
    return (
        Repository.objects.filter(repository_visibility_q(user=user), namespace__name=namespace, name=name)
        .select_related("namespace")
        .prefetch_related("categories", "platforms")
        .first()
    )


def repository_is_starred(*, user, repository: Repository) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Star.objects.filter(user=user, repository=repository).exists()


@dataclass
class HomeSections:
    official: list[Repository]
    verified: list[Repository]
    sponsored: list[Repository]
    recent: list[Repository]
    popular: list[Repository]
    categories: list[tuple[Category, int]]

    @property
    def empty(self) -> bool:
        return not self.popular  # every visible repository is a candidate for "most pulled"


def home_sections(*, user, size: int = 6) -> HomeSections:
    visible = Repository.objects.filter(repository_visibility_q(user=user)).select_related("namespace")

    def trusted(kind: str) -> list[Repository]:
        return list(visible.filter(trusted_content=kind).order_by("-pull_count", "id")[:size])

    through = Repository.categories.through
    counts = dict(
        through.objects.filter(
            repository_id__in=Repository.objects.filter(repository_visibility_q(user=user)).values("id")
        )
        .values_list("category_id")
        .annotate(n=Count("repository_id"))
        .order_by()
    )
    return HomeSections(
        official=trusted(TrustedContent.OFFICIAL),
        verified=trusted(TrustedContent.VERIFIED),
        sponsored=trusted(TrustedContent.SPONSORED),
        recent=list(visible.filter(last_pushed_at__isnull=False).order_by("-last_pushed_at", "id")[: size * 2]),
        popular=list(visible.order_by("-pull_count", "id")[: size * 2]),
        categories=[(c, counts.get(c.id, 0)) for c in Category.objects.all()],
    )


def namespace_get(*, name: str) -> Namespace | None:
    return Namespace.objects.filter(name=name).select_related("user").first()


def namespace_badges(namespace: Namespace) -> dict[str, bool]:
    now = timezone.now()
    return {
        "official": namespace.name == OFFICIAL_NAMESPACE,
        "verified": bool(namespace.verified_until and namespace.verified_until > now),
        "sponsored": bool(namespace.sponsored_until and namespace.sponsored_until > now),
    }


# The Hub API's repository orders (Docker Hub's `ordering`).
API_REPOSITORY_ORDERINGS = {
    "last_updated": [F("last_pushed_at").asc(nulls_first=True), "name"],
    "-last_updated": [F("last_pushed_at").desc(nulls_last=True), "name"],
    "name": ["name"],
    "-name": ["-name"],
    "pull_count": ["pull_count", "name"],
    "-pull_count": ["-pull_count", "name"],
}


def namespace_repository_list(*, user, namespace: Namespace, order=None) -> QuerySet[Repository]:
    """A namespace's repositories that `user` may see, most pulled first unless `order` says otherwise."""
    return (
        Repository.objects.filter(repository_visibility_q(user=user), namespace=namespace)
        .select_related("namespace")
        .prefetch_related("platforms", "categories")
        .order_by(*(order or ["-pull_count", "name"]), "id")
    )


def repository_names_list(*, user, n: int | None, last: str | None) -> list[str]:
    """`namespace/name` of the repositories `user` may read, in byte order after `last` (/v2/_catalog)."""
    rows = (
        Repository.objects.filter(repository_visibility_q(user=user))
        .annotate(full_name=Concat("namespace__name", Value("/"), "name", output_field=CharField()))
        .annotate(sort_name=byte_order("full_name"))
    )
    if last:
        rows = rows.filter(sort_name__gt=last)
    rows = rows.order_by("sort_name").values_list("full_name", flat=True)
    return list(rows[:n] if n is not None else rows)


def repository_by_full_name(*, user, full_name: str) -> Repository | None:
    """The repository `namespace/name` if `user` may see it; None for a malformed name too."""
    namespace, _, name = full_name.strip().partition("/")
    if not namespace or not name:
        return None
    return repository_get(user=user, namespace=namespace, name=name)


def repository_logo_get(*, repository: Repository) -> bytes | None:
    """The logo's PNG bytes (the column no list reads)."""
    logo = Repository.objects.filter(pk=repository.pk).values_list("logo", flat=True).first()
    return bytes(logo) if logo else None


def repository_media_types(*, repository: Repository) -> list[str]:
    return sorted(set(repository.manifests.values_list("media_type", flat=True).distinct()))


def repository_category_slugs(*, repository: Repository) -> list[str]:
    return list(repository.categories.values_list("slug", flat=True))


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def category_names() -> dict[str, str]:
    """Category names by slug."""
    return dict(Category.objects.values_list("slug", "name"))


def console_namespaces(*, user) -> list[Namespace]:
    """Namespaces the user may create repositories in: their own and their organizations' (editor or owner)."""
    if user is None or not user.is_authenticated:
        return []
    candidates = Namespace.objects.filter(user_id=user.pk) | Namespace.objects.filter(memberships__user_id=user.pk)
    if user.is_superuser:
        candidates = Namespace.objects.all()
    return [ns for ns in candidates.distinct().order_by("name") if may(user, PUSH, namespace=ns)]


def console_repositories(*, user) -> QuerySet[Repository]:
    namespaces = [ns.pk for ns in console_namespaces(user=user)]
    return (
        Repository.objects.filter(namespace_id__in=namespaces)
        .select_related("namespace")
        .order_by("namespace__name", "name")
    )


def starred_repository_list(*, user, starred_by) -> QuerySet[Repository]:
    """The repositories `starred_by` starred that `user` may see, most recently starred first."""
    return (
        Repository.objects.filter(repository_visibility_q(user=user), stars__user=starred_by)
        .select_related("namespace")
        .prefetch_related("categories")
        .order_by("-stars__created_at", "id")
    )
