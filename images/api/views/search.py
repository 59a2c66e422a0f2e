"""Search, three ways, all through images.search.repository_search (the web page's search and ranking):

GET /v1/search                Docker's registry search, what `docker search` and `podman search` call
GET /v2/search/repositories/  Docker Hub's classic search (paginated like every list)
GET /v2/search/catalog/       Docker Hub's catalog search (api/search/v3): badges, categories,
                              operating_systems, architectures, sort, order, from, size; `total`;
                              Hub's own `posture` filters and facet, and each result's `posture`
                              per result, `matches`: what matched a pkg:/cve:/... term

Counts are bounded (images.search.service.count_cap, 1,000 by default): past the cap, `total`,
`count` and `num_results` are the cap, the catalog search says so in `total_is_approximate` and
its facets are counted over the first matches found; `order=asc` then reads the first `total`
results from their end. /v1/search keeps Docker's shape, with no such field.
"""

from django.db.models import prefetch_related_objects
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from images.api.pagination import HubPagination
from images.api.parameters import CATALOG_SORTS, SEARCH_CATALOG, SEARCH_REPOSITORIES, V1_SEARCH
from images.api.query import query_choice, query_int, query_list, query_text
from images.api.schema import BAD_OR_UNSIGNED, BAD_REQUEST, operation
from images.api.serializers.common import paginated
from images.api.serializers.content import CatalogSearchSerializer, SearchRepositorySerializer, V1SearchSerializer
from images.api.views.base import ApiView
from images.api.views.repositories import BADGES
from images.models.catalogue import TrustedContent
from images.search.facets import ARCHITECTURE_LABELS, OS_LABELS, POSTURE_FILTERS, SearchFilters
from images.search.service import repository_search
from images.selectors.repositories import OFFICIAL_NAMESPACE
from images.templatetags.images_ui import repo_url

QUERY_MAX = 200
V1_DEFAULT_N = 25
BADGE_FILTERS = {badge: trusted for trusted, badge in BADGES.items()}
# Docker Hub's sort names and the search service's.
MAX_FROM = 10_000


def v1_name(repository) -> str:
    """Official images are `nginx`, not `library/nginx`, as on Docker Hub (and as podman shows them)."""
    if repository.namespace.name == OFFICIAL_NAMESPACE:
        return repository.name
    return repository.full_name


@extend_schema(exclude=True)
def v1_ping(request):
    """The Docker daemon pings the index before `docker search`."""
    response = JsonResponse({"standalone": True})
    response["X-Docker-Registry-Version"] = "0.6.0"
    response["X-Docker-Registry-Standalone"] = "True"
    return response


@extend_schema(tags=["search"])
class V1SearchView(ApiView):
    @operation("v1_search", V1SearchSerializer, BAD_OR_UNSIGNED, parameters=V1_SEARCH)
    def get(self, request):
        """Registry search for docker search / podman search."""
        query = query_text(request, "q", limit=QUERY_MAX)
        n = query_int(request, "n", V1_DEFAULT_N, 1, 100)
        page = query_int(request, "page", 1, 1, MAX_FROM)
        result = repository_search(user=request.user, query=query, offset=(page - 1) * n, limit=n, facets=False)
        data = {
            "query": query,
            "num_results": result.total,
            "num_pages": max(1, -(-result.total // n)),
            "page": page,
            "page_size": n,
            "results": [
                {
                    "name": v1_name(r),
                    "description": r.short_description,
                    "star_count": r.star_count,
                    "is_official": r.trusted_content == TrustedContent.OFFICIAL,
                    "is_automated": False,
                    "is_trusted": False,
                }
                for r in result.items
            ],
        }
        return Response(V1SearchSerializer(data).data)


@extend_schema(tags=["search"])
class SearchRepositoriesView(ApiView):
    @operation(
        "search_repositories", paginated(SearchRepositorySerializer), BAD_REQUEST, parameters=SEARCH_REPOSITORIES
    )
    def get(self, request):
        """Docker Hub's classic repository search."""
        query = query_text(request, "query", "q", limit=QUERY_MAX)
        paginator = HubPagination()
        size = paginator.get_page_size(request)
        page = query_int(request, "page", 1, 1, MAX_FROM // size)
        result = repository_search(user=request.user, query=query, offset=(page - 1) * size, limit=size, facets=False)
        rows = [
            {
                "repo_name": v1_name(r),
                "short_description": r.short_description,
                "star_count": r.star_count,
                "pull_count": r.pull_count,
                "repo_owner": r.namespace.name,
                "is_automated": False,
                "is_official": r.trusted_content == TrustedContent.OFFICIAL,
            }
            for r in result.items
        ]
        base = request.build_absolute_uri(request.path)

        def link(number: int) -> str:
            params = request.query_params.copy()
            params["page"] = str(number)
            params["page_size"] = str(size)
            return f"{base}?{params.urlencode()}"

        last = max(1, -(-result.total // size))
        return Response(
            {
                "count": result.total,
                "next": link(page + 1) if page < last else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": SearchRepositorySerializer(rows, many=True).data,
            }
        )


def _posture(repository) -> dict:
    """The latest tag's findings (images/services/posture.py); counts are null while it is not scanned."""
    return {
        "critical": repository.vulns_critical,
        "high": repository.vulns_high,
        "medium": repository.vulns_medium,
        "low": repository.vulns_low,
        "unknown": repository.vulns_unknown,
        "fixable_critical_high": repository.vulns_fixable,
        "total": repository.vulns_total,
        "last_scanned_at": repository.last_scanned_at,
        "has_sbom": repository.has_sbom,
    }


def _match(repository, match) -> dict:
    return {
        **{key: getattr(match, key) for key in ("tag", "digest", "type", "name", "version", "advisory", "severity")},
        "fixed_version": match.fixed_version,
        "url": f"{repo_url(repository, match.image_path)}?{match.query}",
    }


def _labelled(values, labels: dict[str, str]) -> list[dict]:
    return [{"name": v, "label": labels.get(v, v)} for v in values]


@extend_schema(tags=["search"])
class CatalogSearchView(ApiView):
    @operation("search_catalog", CatalogSearchSerializer, BAD_REQUEST, parameters=SEARCH_CATALOG)
    def get(self, request):
        """Docker Hub's catalog search, with filters, facets and total."""
        query = query_text(request, "query", "q", limit=QUERY_MAX)
        filters = SearchFilters(
            trusted=tuple(BADGE_FILTERS[b] for b in query_list(request, "badges", list(BADGE_FILTERS))),
            categories=query_list(request, "categories"),
            os=query_list(request, "operating_systems"),
            architectures=query_list(request, "architectures"),
            posture=query_list(request, "posture", list(POSTURE_FILTERS)),
            bases=query_list(request, "base_images"),
        )
        sort = query_choice(request, "sort", CATALOG_SORTS, "best_match")
        order = query_choice(request, "order", ("desc", "asc"), "desc")
        offset = query_int(request, "from", 0, 0, MAX_FROM)
        size = query_int(request, "size", 25, 1, 100)
        search = {"user": request.user, "query": query, "filters": filters, "sort": CATALOG_SORTS[sort]}
        if order == "desc":
            result = repository_search(**search, offset=offset, limit=size)
            items = result.items
        else:
            # The service ranks highest first; ascending is the same ranking read from its end.
            result = repository_search(**search, offset=0, limit=0)
            start = max(0, result.total - offset - size)
            count = max(0, min(size, result.total - offset))
            items = repository_search(**search, offset=start, limit=count, facets=False).items[::-1] if count else []
        facets = {
            "badges": [
                {"value": BADGES[f.value], "label": f.label, "count": f.count, "selected": f.selected}
                for f in result.facets.get("trusted", [])
            ],
            "categories": [f.__dict__ for f in result.facets.get("categories", [])],
            "operating_systems": [f.__dict__ for f in result.facets.get("os", [])],
            "architectures": [f.__dict__ for f in result.facets.get("architectures", [])],
            "posture": [f.__dict__ for f in result.facets.get("posture", [])],
            "base_images": [f.__dict__ for f in result.facets.get("bases", [])],
        }
        prefetch_related_objects(items, "categories")  # a web result shows none, so search leaves them
        rows = []
        for r in items:
            platforms = list(r.platforms.all())
            rows.append(
                {
                    "id": r.full_name,
                    "name": v1_name(r),
                    "slug": v1_name(r),
                    "type": "image",
                    "publisher": {"id": r.namespace.name, "name": r.namespace.display_name or r.namespace.name},
                    "created_at": r.created_at,
                    "updated_at": r.last_pushed_at,
                    "short_description": r.short_description,
                    "badge": BADGES.get(r.trusted_content, "none"),
                    "star_count": r.star_count,
                    "pull_count": r.pull_count,
                    "operating_systems": _labelled(sorted({p.os for p in platforms if p.os}), OS_LABELS),
                    "architectures": _labelled(
                        sorted({p.architecture for p in platforms if p.architecture}), ARCHITECTURE_LABELS
                    ),
                    "categories": [{"name": c.name, "slug": c.slug} for c in r.categories.all()],
                    "posture": _posture(r),
                    "matches": [_match(r, m) for m in getattr(r, "content_matches", ())],
                }
            )
        data = {
            "total": result.total,
            "total_is_approximate": result.total_is_approximate,
            "results": rows,
            "facets": facets,
        }
        return Response(CatalogSearchSerializer(data).data)
