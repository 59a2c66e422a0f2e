"""One advisory as Hub stores it, found by its id or any alias, with the images it affects that the
caller may see."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from images.api.schema import MISSING, operation
from images.api.serializers.advisories import AdvisorySerializer
from images.api.views.base import ApiView, found
from images.selectors.advisories import AdvisoryPage, advisory_page


def advisory_data(page: AdvisoryPage) -> dict:
    vulnerability = page.vulnerability
    return {
        "id": vulnerability.osv_id,
        "aliases": [str(alias) for alias in vulnerability.aliases or []],
        "also_stored_as": page.others,
        "summary": vulnerability.summary,
        "details": vulnerability.details,
        "severity": vulnerability.severity,
        "severity_source": vulnerability.severity_source,
        "cvss_score": vulnerability.cvss_score,
        "cvss_vector": vulnerability.cvss_vector,
        "published": vulnerability.published,
        "modified": vulnerability.modified,
        "affected": [
            {
                "ecosystem": entry.ecosystem,
                "name": entry.name,
                "purl": entry.purl,
                "ranges": [
                    {"type": r.type, "events": [{"kind": e.kind, "version": e.version} for e in r.events]}
                    for r in entry.ranges
                ],
                "versions": list(entry.versions),
            }
            for entry in page.affected
        ],
        "references": [{"type": type_, "url": url} for type_, url in page.references],
        "images": [
            {
                "repository": f"{row.repository.namespace.name}/{row.repository.name}",
                "tag": row.tag,
                "digest": row.digest,
                "platform": row.platform,
                "package": row.package,
                "version": row.version,
                "fixed_version": row.fixed_version,
            }
            for row in page.images
        ],
    }


@extend_schema(tags=["advisories"])
class AdvisoryDetailView(ApiView):
    @operation("advisory_get", AdvisorySerializer, MISSING)
    def get(self, request, advisory_id: str):
        """An advisory by its id or an alias (CVE-..., GHSA-...): ranges, references, affected images."""
        page = found(advisory_page(name=advisory_id[:100], agent=request.user), "no such advisory")
        return Response(AdvisorySerializer(advisory_data(page)).data)
