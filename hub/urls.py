from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub import views
from images.api import urls as api_urls
from images.api.views.search import CatalogSearchView
from images.console import urls as console_urls
from images.web import alerts, organizations

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The Hub API's /v2/ paths: each begins with a reserved name. Every other /v2/ path, and /token,
    # never reaches this URLconf: images.registry.middleware serves them from images/registry/urls.py.
    path("v2/", include((api_urls.v2_urlpatterns, "api"))),
    path("v1/", include(api_urls.v1_urlpatterns)),
    path("api/v2/", include((api_urls.v2_urlpatterns, "api"), namespace="api-alias")),
    path("api/search/v3/catalog/search", CatalogSearchView.as_view(), name="api-catalog-search"),
    path("api/", include(api_urls.docs_urlpatterns)),
    path("", include("hub.accounts.urls")),
    path("", include((organizations.urlpatterns, "orgs"))),
    path("", include((alerts.urlpatterns, "alerts"))),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", include((console_urls.console_urlpatterns, "console"))),
    path("curation/", include((console_urls.curation_urlpatterns, "curation"))),
    path("", include("images.web.urls")),
]
