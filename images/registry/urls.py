"""Routes of the OCI Distribution API, mounted at /v2/ (the names follow the spec's endpoints)."""

from django.urls import path, re_path

from images.registry import base, blobs, catalog, manifests, referrers, tags, uploads

urlpatterns = [
    path("", base.BaseView.as_view(), name="registry-base"),
    path("_catalog", catalog.CatalogView.as_view(), name="registry-catalog"),
    path("<path:name>/blobs/uploads/", uploads.UploadStartView.as_view(), name="registry-upload-start"),
    path("<path:name>/blobs/uploads/<str:upload_id>", uploads.UploadView.as_view(), name="registry-upload"),
    path("<path:name>/blobs/<str:digest>", blobs.BlobView.as_view(), name="registry-blob"),
    path("<path:name>/manifests/<str:reference>", manifests.ManifestView.as_view(), name="registry-manifest"),
    path("<path:name>/tags/list", tags.TagListView.as_view(), name="registry-tags"),
    path("<path:name>/referrers/<str:digest>", referrers.ReferrerListView.as_view(), name="registry-referrers"),
    re_path(r"^.*$", base.not_found, name="registry-not-found"),
]
