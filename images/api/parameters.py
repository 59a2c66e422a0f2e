"""The query parameters of the Hub API's list and search endpoints, as the OpenAPI schema describes them."""

from drf_spectacular.utils import OpenApiParameter

from images.exports import SBOM_FORMATS
from images.models.choices import Severity
from images.selectors.repositories import API_REPOSITORY_ORDERINGS
from images.selectors.tags import API_TAG_ORDERINGS

# The catalog search's `sort` values (Docker Hub's) and the search service's sort each means.
CATALOG_SORTS = {
    "best_match": "best",
    "pull_count": "pulls",
    "star_count": "stars",
    "updated_at": "updated",
    "fewest_vulnerabilities": "vulns",
}

PAGE = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


IMAGE_PACKAGES = [
    OpenApiParameter("name", str, description="Only packages whose name contains this."),
    OpenApiParameter("type", str, description="A purl type: deb, apk, rpm, pypi, npm, golang, maven, gem."),
    *PAGE,
]


IMAGE_VULNERABILITIES = [
    OpenApiParameter("severity", str, enum=[sev.value for sev in Severity]),
    OpenApiParameter("fixable", bool, description="Only findings with a fixed version."),
    OpenApiParameter("search", str, description="Advisory id or package name contains this."),
    *PAGE,
]


IMAGE_SBOM = [
    OpenApiParameter("format", str, enum=list(SBOM_FORMATS), description="Default cyclonedx."),
]


REPOSITORY_LIST = [
    OpenApiParameter("ordering", str, enum=sorted(API_REPOSITORY_ORDERINGS), description="Default -last_updated."),
    *PAGE,
]


V1_SEARCH = [
    OpenApiParameter("q", str, description="The search terms (the web page's query language)."),
    OpenApiParameter("n", int, description="Results per page, 1-100 (default 25)."),
    OpenApiParameter("page", int, description="Page number, from 1."),
]


SEARCH_REPOSITORIES = [
    OpenApiParameter("query", str, description="The search terms (the web page's query language)."),
    *PAGE,
]


SEARCH_CATALOG = [
    OpenApiParameter(
        "query",
        str,
        description="The search terms (the web page's query language), package and advisory terms included: "
        "pkg:openssl<3.0.14, pkg:pypi/jinja2@2.10, cve:CVE-2024-3094, severity:high, fixable:yes. "
        "A term that cannot be read is a 400.",
    ),
    OpenApiParameter("badges", str, description="official, verified_publisher, open_source (comma-separated)"),
    OpenApiParameter("categories", str, description="Category slugs (comma-separated)."),
    OpenApiParameter("operating_systems", str, description="linux, windows ... (comma-separated)"),
    OpenApiParameter("architectures", str, description="amd64, arm64 ... (comma-separated)"),
    OpenApiParameter(
        "posture",
        str,
        description="Security posture of the latest tag, all must hold (comma-separated): "
        "no_critical_high, no_fixable, recently_scanned (7 days), sbom.",
    ),
    OpenApiParameter(
        "base_images", str, description="Only repositories built on these (namespace/name, comma-separated)."
    ),
    OpenApiParameter("sort", str, enum=sorted(CATALOG_SORTS), description="Default best_match."),
    OpenApiParameter("order", str, enum=["desc", "asc"], description="Default desc."),
    OpenApiParameter("from", int, description="Offset of the first result (default 0)."),
    OpenApiParameter("size", int, description="Results, 1-100 (default 25)."),
]


TAG_LIST = [
    OpenApiParameter("name", str, description="Only tags whose name contains this."),
    OpenApiParameter(
        "ordering", str, enum=list(API_TAG_ORDERINGS), description="Default -last_updated (newest first)."
    ),
    *PAGE,
]


IMAGE_COMPARE = [
    OpenApiParameter(
        "from",
        str,
        required=True,
        description="The image compared from: a tag or digest of this repository, or <namespace>/<name>:<tag> "
        "or <namespace>/<name>@<digest> of any other.",
    ),
    OpenApiParameter("to", str, required=True, description="The image compared to, written as `from`."),
    OpenApiParameter(
        "platform", str, description="os/architecture[/variant] picked from an index; default linux/amd64 or the first."
    ),
]
