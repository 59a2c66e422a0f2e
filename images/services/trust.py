"""Trusted content: which badge a repository shows, derived from curators' grants.

Official Image is a mark on the repository; Verified Publisher and Sponsored OSS are grants to its
namespace with an expiry. `Repository.trusted_content` keeps the result so search can facet on it;
every grant or revocation calls `trusted_content_refresh` so the badge changes everywhere at once.
"""

from django.db.models import Q
from django.utils import timezone

from images.models import Repository
from images.models.catalogue import TrustedContent


def trusted_content_refresh(*, namespace_id: int | None = None) -> int:
    """Recompute the badge of every repository (of one namespace, when given); returns how many changed."""
    now = timezone.now()
    repositories = Repository.objects.all()
    if namespace_id is not None:
        repositories = repositories.filter(namespace_id=namespace_id)
    verified = Q(namespace__verified_until__gt=now)
    sponsored = Q(namespace__sponsored_until__gt=now)
    changed = 0
    # Precedence when several apply: Official, then Verified Publisher, then Sponsored OSS.
    for badge, rule in [
        (TrustedContent.OFFICIAL, Q(is_official=True)),
        (TrustedContent.VERIFIED, Q(is_official=False) & verified),
        (TrustedContent.SPONSORED, Q(is_official=False) & ~verified & sponsored),
        (TrustedContent.NONE, Q(is_official=False) & ~verified & ~sponsored),
    ]:
        changed += repositories.filter(rule).exclude(trusted_content=badge).update(trusted_content=badge)
    return changed
