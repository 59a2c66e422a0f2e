"""Routes of the publisher console (/console/) and the curator console (/curation/).

Repository names hold slashes, so a repository's pages sit after a `/-/` separator, which no
repository name can contain (each name component starts with a letter or digit).
"""

from django.urls import path

from images.console import views

REPO = "r/<str:namespace>/<path:name>/-"

console_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new", views.repository_new, name="repository-new"),
    path("preview", views.markdown_preview, name="preview"),
    path("audit", views.audit_all, name="audit-all"),
    path("audit/<str:namespace>", views.namespace_audit, name="audit"),
    path("verification/<str:namespace>", views.verification, name="verification"),
    path("verification/<str:namespace>/recheck", views.verification_recheck, name="verification-recheck"),
    path("webhooks/callback/<uuid:delivery_uuid>", views.webhook_callback, name="webhook-callback"),
    path(f"{REPO}/settings", views.repository_settings, name="settings"),
    path(f"{REPO}/logo", views.repository_logo, name="logo"),
    path(f"{REPO}/logo.png", views.logo_image, name="logo-image"),
    path(f"{REPO}/archive", views.repository_archive, name="archive"),
    path(f"{REPO}/delete", views.repository_delete, name="delete"),
    path(f"{REPO}/tags", views.repository_tags, name="tags"),
    path(f"{REPO}/tags/<str:tag>/delete", views.tag_delete, name="tag-delete"),
    path(f"{REPO}/mirrors", views.mirrors, name="mirrors"),
    path(f"{REPO}/mirrors/<int:mirror_id>/sync", views.mirror_sync, name="mirror-sync"),
    path(f"{REPO}/mirrors/<int:mirror_id>/status", views.mirror_status, name="mirror-status"),
    path(f"{REPO}/webhooks", views.webhook_list, name="webhooks"),
    path(f"{REPO}/webhooks/<int:webhook_id>", views.webhook_detail, name="webhook"),
    path(f"{REPO}/webhooks/<int:webhook_id>/test", views.webhook_test, name="webhook-test"),
    path(f"{REPO}/webhooks/<int:webhook_id>/delete", views.webhook_delete, name="webhook-delete"),
]

curation_urlpatterns = [
    path("", views.curation_home, name="home"),
    path("requests/<int:request_id>", views.curation_request, name="request"),
    path("verified/<str:namespace>/revoke", views.curation_verified_revoke, name="verified-revoke"),
    path("sponsored", views.curation_sponsored, name="sponsored"),
    path("sponsored/<str:namespace>/revoke", views.curation_sponsored_revoke, name="sponsored-revoke"),
    path("official", views.curation_official, name="official"),
]
