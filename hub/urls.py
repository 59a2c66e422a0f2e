from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hub import views
from images.registry.auth import token_view

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("v2/", include("images.registry.urls")),
    path("token", token_view, name="registry-token"),
    path("settings/", include("hub.accounts.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("images.web.urls")),
]
