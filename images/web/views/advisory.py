"""Advisory pages: an OSV record as Hub stores it, so findings link somewhere that works offline."""

from django.shortcuts import render

from images.markdown import readme_html
from images.selectors.advisories import advisory_page


def advisory_detail(request, advisory_id: str):
    page = advisory_page(name=advisory_id[:100], agent=request.user)
    if page is None:
        return render(request, "images/advisory_missing.html", {"advisory_id": advisory_id[:100]}, status=404)
    context = {"page": page, "vulnerability": page.vulnerability, "asked": advisory_id}
    context["details_html"] = readme_html(page.vulnerability.details)
    return render(request, "images/advisory_detail.html", context)
