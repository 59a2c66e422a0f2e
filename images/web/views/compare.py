"""The compare page: what changed from one platform image to another (selectors/diff.py has the
reference syntax), and the image page's layer-sharing parts."""

from django.shortcuts import render

from images.selectors.diff import RefError, image_compare
from images.templatetags.images_ui import repo_url
from images.web import params
from images.web.views.repository import repository_context, repository_or_404


def compare(request, namespace: str, name: str, refs: str):
    repository = repository_or_404(request, namespace, name)
    context = repository_context(request, repository)
    before, dots, after = refs.partition("...")
    platform = params.text(request, "platform", limit=200)
    context.update({"before_ref": before, "after_ref": after, "platform": platform})
    if not dots or not before or not after:
        context["error"] = "Write the comparison as <a>...<b>: two tags, digests or <namespace>/<name>:<tag>."
        return render(request, "images/compare.html", context, status=400)
    try:
        comparison = image_compare(
            user=request.user, repository=repository, before=before, after=after, platform=platform
        )
    except RefError as error:
        context["error"] = error.message
        return render(request, "images/compare.html", context, status=error.status)
    context.update({"comparison": comparison, "diff": comparison.diff, "compare_url": repo_url(repository, "compare/")})
    return render(request, "images/compare.html", context)
