"""Stars: a signed-in user marks a repository; Repository.star_count follows in the same transaction."""

from django.db import transaction
from django.db.models import F

from images.models import Repository, Star


@transaction.atomic
def star_create(*, user, repository: Repository) -> bool:
    """Star `repository` for `user`. Returns False when it was already starred (nothing changes)."""
    _, created = Star.objects.get_or_create(user=user, repository=repository)
    if created:
        Repository.objects.filter(pk=repository.pk).update(star_count=F("star_count") + 1)
    return created


@transaction.atomic
def star_delete(*, user, repository: Repository) -> bool:
    """Remove the star. Returns False when there was none."""
    deleted, _ = Star.objects.filter(user=user, repository=repository).delete()
    if deleted:
        Repository.objects.filter(pk=repository.pk, star_count__gt=0).update(star_count=F("star_count") - 1)
    return bool(deleted)
