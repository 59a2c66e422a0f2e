"""Routes of the Hub API v2 (Docker Hub's paths), `/v1/search`, the OpenAPI schema and its docs.

hub/urls.py mounts `v2_urlpatterns` under /v2/ ahead of the registry (every path starts with one of
hub.accounts.names.API_PATH_NAMES, so no registry path is shadowed) and again under /api/v2/.
Docker Hub's tools call these paths with and without the trailing slash; both are served.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound

from hub.accounts.names import API_PATH_NAMES
from images.api.views import accounts, advisories, alerts, compare, groups, hooks, images, orgs, repositories, search
from images.api.views.base import ApiView


def _routes(route: str, view, name: str) -> list:
    """`route/` (the canonical form, in the schema) and `route` (what many scripts send)."""
    return [path(f"{route}/", view, name=name), path(route, view, name=f"{name}-noslash")]


class NotFoundView(ApiView):
    def get(self, request, rest=""):
        raise NotFound("no such Hub API endpoint")

    post = put = patch = delete = get


REPO = "<str:namespace>/<path:name>"
HOOK = "<str:webhook_id>"
IMAGE = f"{REPO}/images/<str:digest>"
# A repository name may hold slashes, so one path can read as two routes: `app/mirrors/images/sync` is
# also the image `sync` of a repository `app/mirrors`. Routes are tried in this order so that a value
# in a route's own parameter (a tag named `webhooks`, a mirror id, a digest) wins over a repository
# name whose last part is a route's word. tests/api/test_routes.py resolves every route with such values.
_repository_routes = [
    *_routes(f"{REPO}/tags/<str:tag>/images", images.TagImagesView.as_view(), "tag-images"),
    *_routes(f"{REPO}/mirrors/<str:mirror_id>/sync", hooks.MirrorSyncView.as_view(), "mirror-sync"),
    *_routes(f"{REPO}/webhooks/{HOOK}/deliveries", hooks.WebhookDeliveryListView.as_view(), "webhook-deliveries"),
    *_routes(f"{REPO}/webhooks/{HOOK}/test", hooks.WebhookTestView.as_view(), "webhook-test"),
    *_routes(f"{REPO}/webhooks/{HOOK}", hooks.WebhookDetailView.as_view(), "webhook-detail"),
    *_routes(f"{REPO}/tags/<str:tag>", images.TagDetailView.as_view(), "tag-detail"),
    *_routes(f"{REPO}/tags", images.TagListView.as_view(), "tag-list"),
    *_routes(f"{IMAGE}/packages", images.PackageListView.as_view(), "image-packages"),
    *_routes(f"{IMAGE}/vulnerabilities", images.VulnerabilityListView.as_view(), "image-vulns"),
    *_routes(f"{IMAGE}/sbom", images.SbomView.as_view(), "image-sbom"),
    *_routes(IMAGE, images.ImageDetailView.as_view(), "image-detail"),
    *_routes(f"{REPO}/compare", compare.CompareView.as_view(), "repository-compare"),
    *_routes(f"{REPO}/stars", accounts.StarView.as_view(), "repository-stars"),
    *_routes(f"{REPO}/mirrors", hooks.MirrorListView.as_view(), "mirror-list"),
    *_routes(f"{REPO}/webhooks", hooks.WebhookListView.as_view(), "webhook-list"),
    *_routes(REPO, repositories.RepositoryDetailView.as_view(), "repository-detail"),
]


def _prefixed(prefix: str, routes: list, suffix: str) -> list:
    return [path(f"{prefix}{p.pattern._route}", p.callback, name=f"{p.name}{suffix}") for p in routes]


v2_urlpatterns = [
    *_routes("users/login", accounts.LoginView.as_view(), "login"),
    *_routes("users/<str:username>/repositories/starred", accounts.UserStarredView.as_view(), "user-starred"),
    *_routes("users/<str:username>", accounts.UserDetailView.as_view(), "user-detail"),
    *_routes("access-tokens", accounts.AccessTokenListView.as_view(), "access-token-list"),
    *_routes("access-tokens/<str:token_id>", accounts.AccessTokenDetailView.as_view(), "access-token-detail"),
    *_routes("alerts/searches", alerts.SavedSearchListView.as_view(), "saved-search-list"),
    *_routes(
        "alerts/searches/<str:search_id>/notices", alerts.SavedSearchNoticeListView.as_view(), "saved-search-notices"
    ),
    *_routes("alerts/searches/<str:search_id>", alerts.SavedSearchDetailView.as_view(), "saved-search-detail"),
    *_routes("alerts/cve/notices", alerts.CveNoticeListView.as_view(), "cve-alert-notices"),
    *_routes("alerts/cve", alerts.CveAlertSettingsView.as_view(), "cve-alert-settings"),
    *_routes("search/repositories", search.SearchRepositoriesView.as_view(), "search-repositories"),
    *_routes("search/catalog", search.CatalogSearchView.as_view(), "search-catalog"),
    *_routes("advisories/<str:advisory_id>", advisories.AdvisoryDetailView.as_view(), "advisory-detail"),
    path("repositories/", repositories.RepositoryCreateView.as_view(), name="repository-create"),
    *_prefixed("repositories/", _repository_routes, ""),
    *_routes("repositories/<str:namespace>", repositories.RepositoryListView.as_view(), "repository-list"),
    *_routes("namespaces/<str:namespace>/storage", compare.StorageUseView.as_view(), "namespace-storage"),
    # /v2/namespaces/{namespace}/repositories/{name}/... (Docker Hub's newer spelling of the same)
    *_routes(
        "namespaces/<str:namespace>/repositories", repositories.RepositoryListView.as_view(), "ns-repository-list"
    ),
    *[
        path(
            p.pattern._route.replace("<str:namespace>/", "namespaces/<str:namespace>/repositories/", 1),
            p.callback,
            name=f"ns-{p.name}",
        )
        for p in _repository_routes
    ],  # fmt: skip
    # Organizations ("orgs" is a reserved name, so these shadow no repository); teams are Docker Hub's "groups".
    *_routes(
        "orgs/<str:org>/groups/<str:team>/repositories/<path:repository>",
        groups.GroupRepositoryDetailView.as_view(),
        "org-group-repository",
    ),
    *_routes(
        "orgs/<str:org>/groups/<str:team>/repositories",
        groups.GroupRepositoryListView.as_view(),
        "org-group-repositories",
    ),
    *_routes(
        "orgs/<str:org>/groups/<str:team>/members/<str:username>",
        groups.GroupMemberDetailView.as_view(),
        "org-group-member",
    ),
    *_routes("orgs/<str:org>/groups/<str:team>/members", groups.GroupMemberListView.as_view(), "org-group-members"),
    *_routes("orgs/<str:org>/groups/<str:team>", groups.GroupDetailView.as_view(), "org-group"),
    *_routes("orgs/<str:org>/groups", groups.GroupListView.as_view(), "org-groups"),
    *_routes("orgs/<str:org>/members/<str:username>", orgs.OrgMemberDetailView.as_view(), "org-member"),
    *_routes("orgs/<str:org>/members", orgs.OrgMemberListView.as_view(), "org-members"),
    *_routes("orgs/<str:org>", orgs.OrganizationDetailView.as_view(), "org-detail"),
    re_path(rf"^(?:{'|'.join(sorted(API_PATH_NAMES))})(?:/[\s\S]*)?\Z", NotFoundView.as_view(), name="not-found"),
]

v1_urlpatterns = [
    path("search", search.V1SearchView.as_view(), name="v1-search"),
    path("_ping", search.v1_ping, name="v1-ping"),
]

docs_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
