"""Routes of the publisher console (/console/) and the curator console (/curation/).

Repository names hold slashes, so a repository's pages sit after a `/-/` separator, which no
repository name can contain (each name component starts with a letter or digit).
"""

from django.urls import path

from images.console.views import curation, hooks, listings, storage, verification

REPO = "r/<str:namespace>/<path:name>/-"

console_urlpatterns = [
    path("", listings.dashboard, name="dashboard"),
    path("new", listings.repository_new, name="repository-new"),
    path("preview", listings.markdown_preview, name="preview"),
    path("audit", verification.audit_all, name="audit-all"),
    path("audit/<str:namespace>", verification.namespace_audit, name="audit"),
    path("storage/<str:namespace>", storage.namespace_storage, name="storage"),
    path("verification/<str:namespace>", verification.verification, name="verification"),
    path("verification/<str:namespace>/recheck", verification.verification_recheck, name="verification-recheck"),
    path("webhooks/callback/<uuid:delivery_uuid>", hooks.webhook_callback, name="webhook-callback"),
    path(f"{REPO}/settings", listings.repository_settings, name="settings"),
    path(f"{REPO}/logo", listings.repository_logo, name="logo"),
    path(f"{REPO}/logo.png", listings.logo_image, name="logo-image"),
    path(f"{REPO}/archive", listings.repository_archive, name="archive"),
    path(f"{REPO}/delete", listings.repository_delete, name="delete"),
    path(f"{REPO}/tags", listings.repository_tags, name="tags"),
    path(f"{REPO}/tags/<str:tag>/delete", listings.tag_delete, name="tag-delete"),
    path(f"{REPO}/mirrors", hooks.mirrors, name="mirrors"),
    path(f"{REPO}/mirrors/<int:mirror_id>/sync", hooks.mirror_sync, name="mirror-sync"),
    path(f"{REPO}/mirrors/<int:mirror_id>/status", hooks.mirror_status, name="mirror-status"),
    path(f"{REPO}/webhooks", hooks.webhook_list, name="webhooks"),
    path(f"{REPO}/webhooks/<int:webhook_id>", hooks.webhook_detail, name="webhook"),
    path(f"{REPO}/webhooks/<int:webhook_id>/test", hooks.webhook_test, name="webhook-test"),
    path(f"{REPO}/webhooks/<int:webhook_id>/delete", hooks.webhook_delete, name="webhook-delete"),
]

curation_urlpatterns = [
    path("", curation.curation_home, name="home"),
    path("requests/<int:request_id>", curation.curation_request, name="request"),
    path("verified/<str:namespace>/revoke", curation.curation_revoke, {"status": "verified"}, name="verified-revoke"),
    path("sponsored", curation.curation_sponsored, name="sponsored"),
    path(
        "sponsored/<str:namespace>/revoke", curation.curation_revoke, {"status": "sponsored"}, name="sponsored-revoke"
    ),
    path("official", curation.curation_official, name="official"),
]
