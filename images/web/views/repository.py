from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from images.markdown import readme_html
from images.selectors.diff import previous_tag_names
from images.selectors.lineage import publisher_outdated, repository_dependents
from images.selectors.repositories import namespace_badges, repository_get, repository_is_starred
from images.selectors.tags import TAG_SORTS, tag_page
from images.services.stars import star_create, star_delete
from images.templatetags.images_ui import repo_url
from images.web import params
from images.web.pull import pull_builder

TAGS_PAGE_SIZE = 50


def repository_or_404(request, namespace: str, name: str):
    repository = repository_get(user=request.user, namespace=namespace, name=name)
    if repository is None:
        raise Http404("No such repository")
    return repository


def repository_context(request, repository) -> dict:
    return {
        "repo": repository,
        "badges": namespace_badges(repository.namespace),
        "starred": repository_is_starred(user=request.user, repository=repository),
        "pull_reference": f"{request.get_host()}/{repository.namespace.name}/{repository.name}",
    }


def repository_detail(request, namespace: str, name: str):
    repository = repository_or_404(request, namespace, name)
    context = repository_context(request, repository)
    context["readme"] = readme_html(repository.full_description)
    context["recent_tags"] = tag_page(repository=repository, sort="newest", limit=5)
    context["dependents"] = repository_dependents(repository=repository, user=request.user)
    context["outdated"] = publisher_outdated(repository=repository, user=request.user)
    context["pull"] = pull_builder(request, repository, context["recent_tags"].rows)
    return render(request, "images/repository_detail.html", context)


def repository_tags(request, namespace: str, name: str):
    repository = repository_or_404(request, namespace, name)
    name_filter = params.text(request, "name", limit=128)
    sort = request.GET.get("sort", "version")
    sort = sort if sort in TAG_SORTS else "version"
    number = params.page_number(request)
    page = tag_page(
        repository=repository,
        name_filter=name_filter,
        sort=sort,
        offset=(number - 1) * TAGS_PAGE_SIZE,
        limit=TAGS_PAGE_SIZE,
    )
    context = repository_context(request, repository)
    context.update(
        {
            "tags": page,
            "tags_url": repo_url(repository, "tags/"),  # once, not per row
            "compare_url": repo_url(repository, "compare/"),
            "previous": previous_tag_names(repository=repository, names=[row.tag.name for row in page.rows]),
            "pages": params.Pages(number=number, per_page=TAGS_PAGE_SIZE, total=page.total),
            "name_filter": name_filter,
            "sort": sort,
            "sorts": TAG_SORTS,
        }
    )
    return render(request, "images/repository_tags.html", context)


@require_POST
@login_required
def repository_star(request, namespace: str, name: str):
    repository = repository_or_404(request, namespace, name)
    if request.POST.get("action") == "unstar":
        star_delete(user=request.user, repository=repository)
    else:
        star_create(user=request.user, repository=repository)
    if request.htmx:
        repository.refresh_from_db(fields=["star_count"])
        return render(request, "images/_star_button.html", repository_context(request, repository))
    return redirect(repo_url(repository))
