"""Mirrors of a repository: list, add (and sync at once), sync again. Push rights are needed for all three,
since a mirror writes into the repository; upstream credentials are never sent back."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from images.api.schema import ERRORS
from images.api.serializers.content import MirrorCreateSerializer, MirrorSerializer
from images.api.views.base import ADMINISTER, ApiView, object_id, repository_for
from images.models import Mirror
from images.selectors import hooks as hook_reads
from images.services.mirrors import mirror_create, mirror_enqueue


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
    @extend_schema(operation_id="mirror_list", responses={200: MirrorSerializer(many=True), **ERRORS})
    def get(self, request, namespace: str, name: str):
        """The mirrors that keep this repository in step with other registries."""
        repository, _ = repository_for(request, namespace, name, ADMINISTER)
        return Response(
            MirrorSerializer([mirror_data(m) for m in hook_reads.mirror_list(repository=repository)], many=True).data
        )

    @extend_schema(
        operation_id="mirror_create", request=MirrorCreateSerializer, responses={201: MirrorSerializer, **ERRORS}
    )
    def post(self, request, namespace: str, name: str):
        """Mirror an upstream repository into this one; the first sync starts at once."""
        repository_for(request, namespace, name, ADMINISTER)
        form = MirrorCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            mirror = mirror_create(user=request.user, repository=f"{namespace}/{name}", **form.validated_data)
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        mirror_enqueue(mirror=mirror)
        mirror.refresh_from_db()
        return Response(MirrorSerializer(mirror_data(mirror)).data, status=201)


@extend_schema(tags=["mirrors"])
class MirrorSyncView(ApiView):
    @extend_schema(operation_id="mirror_sync", request=None, responses={202: MirrorSerializer, **ERRORS})
    def post(self, request, namespace: str, name: str, mirror_id: str):
        """Sync a mirror now."""
        repository, _ = repository_for(request, namespace, name, ADMINISTER)
        pk = object_id(mirror_id)
        mirror = hook_reads.mirror_get(repository=repository, mirror_id=pk) if pk is not None else None
        if mirror is None:
            raise exceptions.NotFound("no such mirror")
        mirror_enqueue(mirror=mirror)
        mirror.refresh_from_db()
        return Response(MirrorSerializer(mirror_data(mirror)).data, status=202)
