"""/v2/alerts/: your saved searches (CRUD, and what each told) and your CVE alert settings. Only your own: another
person's saved search is a 404, an anonymous caller a 401; changes need a token scope that may write."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from images import alerts as alert_runs
from images.api.auth import credential_of
from images.api.parameters import PAGE
from images.api.schema import ERRORS, LIST_ERRORS, READ_ERRORS, operation
from images.api.serializers.alerts import (
    CveAlertSettingsSerializer,
    CveAlertSettingsWriteSerializer,
    CveNoticeSerializer,
    SavedSearchSerializer,
    SavedSearchUpdateSerializer,
    SavedSearchWriteSerializer,
    SearchNoticeSerializer,
)
from images.api.serializers.common import paginated
from images.api.views.base import ApiView, found, object_id
from images.models import CveAlertSubscription, SavedSearch
from images.selectors import alerts as selectors
from images.services import alerts as services
from images.services import cve_alerts
from images.services.alert_messages import absolute_url, repository_display, repository_path
from images.services.authorization import PUSH

TAGS = ["alerts"]


def _person(request, *, write: bool = False):
    """The signed-in caller (401 otherwise); a change needs a credential that may write (403 otherwise)."""
    credential = credential_of(request)
    if credential is None or not getattr(request.user, "pk", None):
        raise exceptions.NotAuthenticated("sign in, or send a token: Authorization: Bearer <token>")
    if write and PUSH not in credential.allowed:
        raise exceptions.PermissionDenied("this token's scope is read-only")
    return request.user


def _saved(request, search_id: str) -> SavedSearch:
    user = _person(request)
    return found(selectors.saved_search_of(user=user, search_id=object_id(search_id)), "saved search not found")


def saved_search_data(saved: SavedSearch) -> dict:
    fields = ("id", "name", "query", "filters", "sort", "mode", "email", "webhook_url", "webhook_secret", "active")
    data = {name: getattr(saved, name) for name in fields}
    data["filters"] = {name: [str(v) for v in values] for name, values in (saved.filters or {}).items()}
    data.update(
        search_url=alert_runs.search_url(saved), created_at=saved.created_at, last_checked_at=saved.last_checked_at
    )
    return data


def notice_data(notice) -> dict:
    return {
        "kind": notice.kind,
        "repository": repository_display(notice.repository),
        "tag": notice.tag or None,
        "url": absolute_url(repository_path(notice.repository, notice.tag)),
        "notified_at": notice.notified_at,
        "told": notice.message_id is not None,
    }


@extend_schema(tags=TAGS)
class SavedSearchListView(ApiView):
    @operation("saved_search_list", paginated(SavedSearchSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request):
        """Your saved searches, by name."""
        searches = selectors.saved_searches_of(user=_person(request))
        return self.page(request, searches, SavedSearchSerializer, lambda rows: [saved_search_data(s) for s in rows])

    @operation("saved_search_create", {201: SavedSearchSerializer}, ERRORS, request=SavedSearchWriteSerializer)
    def post(self, request):
        """Save a search: you are told of each repository or tag that starts matching it (not of what matches now)."""
        user = _person(request, write=True)
        saved = alert_runs.saved_search_save(user=user, **self.body(request, SavedSearchWriteSerializer))
        return Response(SavedSearchSerializer(saved_search_data(saved)).data, status=201)


@extend_schema(tags=TAGS)
class SavedSearchDetailView(ApiView):
    @operation("saved_search_get", SavedSearchSerializer, READ_ERRORS)
    def get(self, request, search_id: str):
        """One of your saved searches."""
        return Response(SavedSearchSerializer(saved_search_data(_saved(request, search_id))).data)

    @operation("saved_search_update", SavedSearchSerializer, ERRORS, request=SavedSearchUpdateSerializer)
    def patch(self, request, search_id: str):
        """Change a saved search (mode, email, webhook, active, or what it looks for)."""
        saved = _saved(request, search_id)
        user = _person(request, write=True)
        saved = alert_runs.saved_search_change(
            user=user, saved=saved, **self.body(request, SavedSearchUpdateSerializer)
        )
        return Response(SavedSearchSerializer(saved_search_data(saved)).data)

    @operation("saved_search_delete", {204: None}, ERRORS)
    def delete(self, request, search_id: str):
        """Delete a saved search and its notices."""
        saved = _saved(request, search_id)
        services.saved_search_delete(user=_person(request, write=True), saved=saved)
        return Response(status=204)


@extend_schema(tags=TAGS)
class SavedSearchNoticeListView(ApiView):
    @operation("saved_search_notices", paginated(SearchNoticeSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request, search_id: str):
        """What a saved search told you (or will, in its digest), newest first."""
        notices = selectors.notices_of(saved=_saved(request, search_id))
        return self.page(request, notices, SearchNoticeSerializer, lambda rows: [notice_data(n) for n in rows])


def cve_settings_data(subscription: CveAlertSubscription | None) -> dict:
    subscription = subscription or CveAlertSubscription(enabled=True, email=True)
    return {
        "enabled": subscription.enabled,
        "email": subscription.email,
        "webhook_url": subscription.webhook_url,
        "webhook_secret": subscription.webhook_secret,
    }


@extend_schema(tags=TAGS)
class CveAlertSettingsView(ApiView):
    @operation("cve_alerts_get", CveAlertSettingsSerializer, READ_ERRORS)
    def get(self, request):
        """Your CVE alerts: an image you starred, or that your organizations publish, gained a critical or high
        finding. On unless turned off."""
        return Response(
            CveAlertSettingsSerializer(cve_settings_data(selectors.cve_subscription_of(user=_person(request)))).data
        )

    @operation("cve_alerts_update", CveAlertSettingsSerializer, ERRORS, request=CveAlertSettingsWriteSerializer)
    def patch(self, request):
        """Turn CVE alerts on or off, by mail and/or webhook."""
        user = _person(request, write=True)
        subscription = cve_alerts.cve_subscription_update(
            user=user, **self.body(request, CveAlertSettingsWriteSerializer)
        )
        return Response(CveAlertSettingsSerializer(cve_settings_data(subscription)).data)


@extend_schema(tags=TAGS)
class CveNoticeListView(ApiView):
    @operation("cve_alert_notices", paginated(CveNoticeSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request):
        """The CVE alerts you were sent, newest first."""
        notices = selectors.cve_notices_of(user=_person(request))

        def shape(rows):
            return [
                {
                    "repository": repository_display(n.repository),
                    "tags": n.tags.split(", ") if n.tags else [],
                    "digest": n.manifest.digest,
                    "vulnerability": n.vulnerability.osv_id,
                    "severity": n.severity,
                    "package": n.package,
                    "notified_at": n.notified_at,
                }
                for n in rows
            ]

        return self.page(request, notices, CveNoticeSerializer, shape)
