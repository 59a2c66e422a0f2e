from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from images.models.security import Severity
from images.selectors.images import (
    SEVERITY_ORDER,
    finding_list,
    image_detail_get,
    image_manifest_get,
    image_total_size,
    package_list,
    package_types,
)
from images.selectors.lineage import image_lineage
from images.selectors.sharing import image_sharing_get
from images.selectors.tags import tag_get, tag_page, tag_platform_default
from images.templatetags.images_ui import repo_url
from images.web import params
from images.web.pull import pull_builder
from images.web.views.repository import repository_context, repository_or_404

PACKAGES_PAGE_SIZE = 100
FINDINGS_PAGE_SIZE = 100


def tag_detail(request, namespace: str, name: str, tag: str):
    """A tag opens the image of its default platform (linux/amd64 when it has one)."""
    repository = repository_or_404(request, namespace, name)
    row = tag_get(repository=repository, name=tag)
    if row is None:
        raise Http404("No such tag")
    platform = tag_platform_default(row)
    if platform is None:
        context = repository_context(request, repository)
        context["row"] = row
        context["pull"] = _pull(request, repository, row)
        return render(request, "images/tag_detail.html", context)
    return redirect(repo_url(repository, f"tags/{tag}/images/{platform.digest}"))


def _image(request, namespace, name, tag, digest):
    repository = repository_or_404(request, namespace, name)
    row = tag_get(repository=repository, name=tag)
    if row is None or digest not in {p.digest for p in row.platforms}:
        raise Http404("No such image")
    manifest = image_manifest_get(repository=repository, digest=digest)
    if manifest is None:
        raise Http404("No such image")
    return repository, row, manifest


def image_detail(request, namespace: str, name: str, tag: str, digest: str):
    repository, row, manifest = _image(request, namespace, name, tag, digest)
    detail = image_detail_get(manifest=manifest)

    package_filter = params.text(request, "package", limit=100)
    package_type = params.text(request, "type", limit=32)
    packages = package_list(manifest=manifest, name_filter=package_filter, type_filter=package_type)
    package_total = packages.count()
    package_pages = params.Pages(
        number=params.page_number(request, "packages_page"), per_page=PACKAGES_PAGE_SIZE, total=package_total
    )

    fixable = request.GET.get("fixable") == "1"
    severity = request.GET.get("severity", "")
    severity = severity if severity in Severity.values else ""
    vuln = params.text(request, "vuln", limit=100)  # an advisory id: what a `cve:` search result links to
    findings = finding_list(manifest=manifest, fixable_only=fixable, severity=severity, search=vuln)
    finding_pages = params.Pages(
        number=params.page_number(request, "vulns_page"), per_page=FINDINGS_PAGE_SIZE, total=len(findings)
    )

    lineage = image_lineage(manifest=manifest, user=request.user)
    context = repository_context(request, repository)
    context.update(
        {
            "row": row,
            "tag": row.tag,
            "manifest": manifest,
            "detail": detail,
            "total_size": image_total_size(manifest),
            "packages": list(packages[package_pages.offset : package_pages.offset + PACKAGES_PAGE_SIZE]),
            "package_pages": package_pages,
            "package_filter": package_filter,
            "package_type": package_type,
            "package_types": package_types(manifest=manifest),
            "findings": findings[finding_pages.offset : finding_pages.offset + FINDINGS_PAGE_SIZE],
            "finding_pages": finding_pages,
            "fixable": fixable,
            "severity": severity,
            "vuln": vuln,
            "severities": SEVERITY_ORDER,
            "image_url": repo_url(repository, f"tags/{tag}/images/{digest}"),
            "status_url": repo_url(repository, f"tags/{tag}/images/{digest}/status"),
            "sbom_base": repo_url(repository, f"sbom/{digest}"),
            "lineage": lineage,
            "sharing": image_sharing_get(
                user=request.user,
                repository=repository,
                manifest=manifest,
                tag=tag,
                have_ref=params.text(request, "have", limit=600),
                base_ref=f"{lineage.base.repository.full_name}@{lineage.base.digest}" if lineage.base else "",
            ),
            "compare_url": repo_url(repository, "compare/"),
        }
    )
    # A multi-platform tag's image page pulls the platform shown; a one-platform tag needs no --platform.
    platform = next(p.label for p in row.platforms if p.digest == manifest.digest) if len(row.platforms) > 1 else ""
    context["pull"] = _pull(request, repository, row, platform=platform)
    return render(request, "images/image_detail.html", context)


def _pull(request, repository, row, platform=""):
    """The builder offers this tag first, then the repository's most recent ones."""
    recent = tag_page(repository=repository, sort="newest", limit=5).rows
    rows = [row] + [r for r in recent if r.tag.pk != row.tag.pk]
    return pull_builder(request, repository, rows, default_tag=row.tag.name, default_platform=platform)


def image_status(request, namespace: str, name: str, tag: str, digest: str):
    """The indexing-progress fragment the image page polls; once indexing ends the page reloads itself."""
    repository, row, manifest = _image(request, namespace, name, tag, digest)
    detail = image_detail_get(manifest=manifest)
    if not detail.indexing and request.htmx:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "images/_index_status.html",
        {"manifest": manifest, "status_url": repo_url(repository, f"tags/{tag}/images/{digest}/status")},
    )
