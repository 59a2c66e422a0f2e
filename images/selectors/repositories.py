"""Reads of repositories and namespaces for pages, the API and the registry. Visibility is the
authorization module's filter, applied here once.

Every selector returns plain objects or evaluated lists with everything the template needs already
fetched (select_related / prefetch_related), so rendering a page runs no query."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from images.models import (
    Category,
    Namespace,
    Repository,
    Star,
)
from images.models.catalogue import TrustedContent
from images.services.permissions import repository_readable_filter

OFFICIAL_NAMESPACE = "library"


def repository_visibility_q(*, user) -> Q:
    """Who sees what: images.services.permissions decides, for every list, page and search."""
    return repository_readable_filter(user)


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


def namespace_repository_list(*, user, namespace: Namespace) -> QuerySet[Repository]:
    return (
        Repository.objects.filter(repository_visibility_q(user=user), namespace=namespace)
        .select_related("namespace")
        .prefetch_related("platforms")
        .order_by("-pull_count", "name")
    )
