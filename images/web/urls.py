"""Catalogue pages. Repository names may hold slashes, so the longer routes come first.

Official images (namespace `library`) are also served under /_/<name>.
"""

from django.urls import path

from images.web.views import advisory, catalogue, compare, image, publisher, repository, sbom


def repository_routes(prefix: str, suffix: str, **kwargs) -> list:
    return [
        path(
            f"{prefix}/tags/<str:tag>/images/<str:digest>/status", image.image_status, kwargs, f"image-status{suffix}"
        ),
        path(f"{prefix}/tags/<str:tag>/images/<str:digest>", image.image_detail, kwargs, f"image{suffix}"),
        path(f"{prefix}/tags/<str:tag>", image.tag_detail, kwargs, f"tag{suffix}"),
        path(f"{prefix}/sbom/<str:digest>.<str:fmt>.json", sbom.image_sbom, kwargs, f"image-sbom{suffix}"),
        path(f"{prefix}/compare/<path:refs>", compare.compare, kwargs, f"compare{suffix}"),
        path(f"{prefix}/tags", repository.repository_tags, kwargs, f"repository-tags{suffix}"),
        path(f"{prefix}/star", repository.repository_star, kwargs, f"repository-star{suffix}"),
        path(prefix, repository.repository_detail, kwargs, f"repository{suffix}"),
    ]


app_name = "web"
urlpatterns = [
    path("", catalogue.home, name="home"),
    path("search", catalogue.search, name="search"),
    path("u/<str:namespace>", publisher.publisher_detail, name="publisher"),
    path("advisories/<str:advisory_id>", advisory.advisory_detail, name="advisory"),
    *repository_routes("r/<str:namespace>/<path:name>", ""),
    *repository_routes("_/<path:name>", "-official", namespace="library"),
]
