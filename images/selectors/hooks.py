"""Reads of a repository's mirrors and webhooks (with their deliveries)."""

from django.db.models import QuerySet

from images.models import Mirror, Repository, Webhook, WebhookDelivery


def mirror_list(*, repository: Repository) -> list[Mirror]:
    return list(Mirror.objects.filter(repository=repository).order_by("pk"))


def mirror_get(*, repository: Repository, mirror_id: int | None) -> Mirror | None:
    """The repository's mirror `mirror_id`; None for another's, a missing one, and no id (a malformed one)."""
    return Mirror.objects.filter(repository=repository, pk=mirror_id).first()


def webhook_list(*, repository: Repository) -> list[Webhook]:
    return list(Webhook.objects.filter(repository=repository).select_related("created_by").order_by("name", "pk"))


def webhook_get(*, repository: Repository, webhook_id: int | None) -> Webhook | None:
    """The repository's webhook `webhook_id`, as mirror_get reads a mirror."""
    return (
        Webhook.objects.select_related("repository__namespace", "created_by")
        .filter(repository=repository, pk=webhook_id)
        .first()
    )


def delivery_list(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first (the API pages them; the console shows the first 50)."""
    return webhook.deliveries.order_by("-created_at", "-pk")
