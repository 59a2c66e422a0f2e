"""Webhooks of a repository: list, add, show, delete, send a test delivery, and each one's delivery history.

The console's rule (images.services.authorization, ADMINISTER): owners and admin teams, and the
credential must allow `delete` (a repo:admin token). Those who may not read the repository get 404, as
for every repository endpoint. A webhook's secret is in the answer to its creation and nowhere else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from images.api.pagination import HubPagination
from images.api.parameters import PAGE
from images.api.schema import ERRORS
from images.api.serializers.common import paginated
from images.api.serializers.content import (
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from images.api.views.base import ADMINISTER, ApiView, object_id, repository_for
from images.models import Repository, Webhook, WebhookDelivery
from images.selectors import hooks as hook_reads
from images.services.webhooks import webhook_create, webhook_delete, webhook_test

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
    pk = object_id(webhook_id)
    webhook = hook_reads.webhook_get(repository=repository, webhook_id=pk) if pk is not None else None
    if webhook is None:
        raise exceptions.NotFound("no such webhook")
    return webhook


def _denied(exc: PermissionDenied):
    return exceptions.PermissionDenied(str(exc))


@extend_schema(tags=TAGS)
class WebhookListView(ApiView):
    @extend_schema(operation_id="webhook_list", responses={200: WebhookSerializer(many=True), **ERRORS})
    def get(self, request, namespace: str, name: str):
        """The webhooks told about every tag pushed to this repository."""
        repository = _administered(request, namespace, name)
        webhooks = hook_reads.webhook_list(repository=repository)
        return Response(WebhookSerializer([webhook_data(w) for w in webhooks], many=True).data)

    @extend_schema(
        operation_id="webhook_create",
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer, **ERRORS},
    )
    def post(self, request, namespace: str, name: str):
        """Add a webhook; its secret (given or generated) is in this answer only."""
        repository = _administered(request, namespace, name)
        form = WebhookCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            webhook, secret = webhook_create(user=request.user, repository=repository, **form.validated_data)
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        except PermissionDenied as exc:
            raise _denied(exc) from None
        return Response(
            WebhookCreatedSerializer({**webhook_data(webhook), "secret": secret}).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=TAGS)
class WebhookDetailView(ApiView):
    @extend_schema(operation_id="webhook_get", responses={200: WebhookSerializer, **ERRORS})
    def get(self, request, namespace: str, name: str, webhook_id: str):
        """One webhook."""
        return Response(WebhookSerializer(webhook_data(_webhook(request, namespace, name, webhook_id))).data)

    @extend_schema(operation_id="webhook_delete", responses={204: None, **ERRORS})
    def delete(self, request, namespace: str, name: str, webhook_id: str):
        """Delete a webhook and its delivery history."""
        webhook = _webhook(request, namespace, name, webhook_id)
        try:
            webhook_delete(user=request.user, webhook=webhook)
        except PermissionDenied as exc:
            raise _denied(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class WebhookTestView(ApiView):
    @extend_schema(operation_id="webhook_test", request=None, responses={202: WebhookDeliverySerializer, **ERRORS})
    def post(self, request, namespace: str, name: str, webhook_id: str):
        """Send a test delivery (the push payload of the latest tag); it is sent in the background."""
        webhook = _webhook(request, namespace, name, webhook_id)
        try:
            delivery = webhook_test(user=request.user, webhook=webhook)
        except PermissionDenied as exc:
            raise _denied(exc) from None
        return Response(WebhookDeliverySerializer(delivery_data(delivery)).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=TAGS)
class WebhookDeliveryListView(ApiView):
    @extend_schema(
        operation_id="webhook_delivery_list",
        parameters=PAGE,
        responses={200: paginated(WebhookDeliverySerializer), **ERRORS},
    )
    def get(self, request, namespace: str, name: str, webhook_id: str):
        """The webhook's deliveries, newest first, with the receiver's status code for each attempt."""
        webhook = _webhook(request, namespace, name, webhook_id)
        paginator = HubPagination()
        page = paginator.paginate_queryset(hook_reads.delivery_list(webhook=webhook), request, view=self)
        return paginator.get_paginated_response(
            WebhookDeliverySerializer([delivery_data(d) for d in page], many=True).data
        )
