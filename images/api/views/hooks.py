"""A repository's mirrors (upstream repositories copied in) and webhooks (calls on every push): repository
settings, for those who administer the repository."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from images.api.parameters import PAGE
from images.api.schema import ERRORS, operation
from images.api.serializers.common import paginated
from images.api.serializers.content import (
    MirrorCreateSerializer,
    MirrorSerializer,
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from images.api.views.base import ADMINISTER, ApiView, found, object_id, repository_for
from images.models import Mirror, Repository, Webhook, WebhookDelivery
from images.selectors import hooks as hook_reads
from images.services.mirrors import mirror_create, mirror_enqueue
from images.services.webhooks import webhook_create, webhook_delete, webhook_test


def mirror_data(mirror: Mirror) -> dict:
    return {
        "id": mirror.pk,
        "upstream": f"{mirror.upstream_registry}/{mirror.upstream_repository}",
        "tag_filter_kind": mirror.tag_filter_kind,
        "tag_filter": mirror.tag_filter,
        "has_credentials": bool(mirror.username or mirror.password),
        "sync_interval_minutes": mirror.sync_interval_minutes,
        "enabled": mirror.enabled,
        "status": mirror.status,
        "status_detail": mirror.status_detail,
        "progress": mirror.progress,
        "tags_synced": mirror.tags_synced,
        "last_synced_at": mirror.last_synced_at,
    }


@extend_schema(tags=["mirrors"])
class MirrorListView(ApiView):
    @operation("mirror_list", MirrorSerializer(many=True), ERRORS)
    def get(self, request, namespace: str, name: str):
        """The mirrors that keep this repository in step with other registries."""
        repository, _ = repository_for(request, namespace, name, ADMINISTER)
        return Response(
            MirrorSerializer([mirror_data(m) for m in hook_reads.mirror_list(repository=repository)], many=True).data
        )

    @operation("mirror_create", {201: MirrorSerializer}, ERRORS, request=MirrorCreateSerializer)
    def post(self, request, namespace: str, name: str):
        """Mirror an upstream repository into this one; the first sync starts at once."""
        repository_for(request, namespace, name, ADMINISTER)
        values = self.body(request, MirrorCreateSerializer)
        mirror = mirror_create(user=request.user, repository=f"{namespace}/{name}", **values)
        mirror_enqueue(mirror=mirror)
        mirror.refresh_from_db()
        return Response(MirrorSerializer(mirror_data(mirror)).data, status=201)


@extend_schema(tags=["mirrors"])
class MirrorSyncView(ApiView):
    @operation("mirror_sync", {202: MirrorSerializer}, ERRORS, request=None)
    def post(self, request, namespace: str, name: str, mirror_id: str):
        """Sync a mirror now."""
        repository, _ = repository_for(request, namespace, name, ADMINISTER)
        mirror = found(hook_reads.mirror_get(repository=repository, mirror_id=object_id(mirror_id)), "no such mirror")
        mirror_enqueue(mirror=mirror)
        mirror.refresh_from_db()
        return Response(MirrorSerializer(mirror_data(mirror)).data, status=202)


TAGS = ["webhooks"]


def webhook_data(webhook: Webhook) -> dict:
    return {
        "id": webhook.pk,
        "name": webhook.name,
        "url": webhook.url,
        "hook_url": webhook.url,
        "active": webhook.active,
        "creator": webhook.created_by.username if webhook.created_by else None,
        "created_at": webhook.created_at,
    }


def delivery_data(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "uuid": str(delivery.uuid),
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_status": delivery.response_status,
        "error": delivery.error,
        "history": delivery.history,
        "callback_state": delivery.callback_state,
        "callback_description": delivery.callback_description,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


def _administered(request, namespace: str, name: str) -> Repository:
    repository, _ = repository_for(request, namespace, name, ADMINISTER)
    return repository


def _webhook(request, namespace: str, name: str, webhook_id: str) -> Webhook:
    repository = _administered(request, namespace, name)
    return found(hook_reads.webhook_get(repository=repository, webhook_id=object_id(webhook_id)), "no such webhook")


@extend_schema(tags=TAGS)
class WebhookListView(ApiView):
    @operation("webhook_list", WebhookSerializer(many=True), ERRORS)
    def get(self, request, namespace: str, name: str):
        """The webhooks told about every tag pushed to this repository."""
        repository = _administered(request, namespace, name)
        webhooks = hook_reads.webhook_list(repository=repository)
        return Response(WebhookSerializer([webhook_data(w) for w in webhooks], many=True).data)

    @operation("webhook_create", {201: WebhookCreatedSerializer}, ERRORS, request=WebhookCreateSerializer)
    def post(self, request, namespace: str, name: str):
        """Add a webhook; its secret (given or generated) is in this answer only."""
        repository = _administered(request, namespace, name)
        values = self.body(request, WebhookCreateSerializer)
        webhook, secret = webhook_create(user=request.user, repository=repository, **values)
        return Response(
            WebhookCreatedSerializer({**webhook_data(webhook), "secret": secret}).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=TAGS)
class WebhookDetailView(ApiView):
    @operation("webhook_get", WebhookSerializer, ERRORS)
    def get(self, request, namespace: str, name: str, webhook_id: str):
        """One webhook."""
        return Response(WebhookSerializer(webhook_data(_webhook(request, namespace, name, webhook_id))).data)

    @operation("webhook_delete", {204: None}, ERRORS)
    def delete(self, request, namespace: str, name: str, webhook_id: str):
        """Delete a webhook and its delivery history."""
        webhook_delete(user=request.user, webhook=_webhook(request, namespace, name, webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class WebhookTestView(ApiView):
    @operation("webhook_test", {202: WebhookDeliverySerializer}, ERRORS, request=None)
    def post(self, request, namespace: str, name: str, webhook_id: str):
        """Send a test delivery (the push payload of the latest tag); it is sent in the background."""
        delivery = webhook_test(user=request.user, webhook=_webhook(request, namespace, name, webhook_id))
        return Response(WebhookDeliverySerializer(delivery_data(delivery)).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=TAGS)
class WebhookDeliveryListView(ApiView):
    @operation("webhook_delivery_list", paginated(WebhookDeliverySerializer), ERRORS, parameters=PAGE)
    def get(self, request, namespace: str, name: str, webhook_id: str):
        """The webhook's deliveries, newest first, with the receiver's status code for each attempt."""
        deliveries = hook_reads.delivery_list(webhook=_webhook(request, namespace, name, webhook_id))
        return self.page(request, deliveries, WebhookDeliverySerializer, lambda page: [delivery_data(r) for r in page])
