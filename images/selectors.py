"""Reads for pages, the API and templates. Private repositories are filtered here, once."""

from django.db.models import F, Q, QuerySet

from images.models import Repository


def repository_list_visible(*, user) -> QuerySet[Repository]:
    """Repositories `user` may see: every public one, plus private ones in their own namespace."""
    visible = Q(is_private=False)
    if user is not None and user.is_authenticated:
        visible |= Q(namespace__user=user)
    return (
        Repository.objects.filter(visible)
        .select_related("namespace")
        .order_by(F("last_pushed_at").desc(nulls_last=True), "namespace__name", "name")
    )
