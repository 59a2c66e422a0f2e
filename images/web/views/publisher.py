from django.http import Http404
from django.shortcuts import render

from images.selectors.repositories import namespace_badges, namespace_get, namespace_repository_list
from images.web import params

PAGE_SIZE = 24


def publisher_detail(request, namespace: str):
    ns = namespace_get(name=namespace)
    if ns is None:
        raise Http404("No such publisher")
    repositories = namespace_repository_list(user=request.user, namespace=ns)
    pages = params.Pages(number=params.page_number(request), per_page=PAGE_SIZE, total=repositories.count())
    return render(
        request,
        "images/publisher_detail.html",
        {
            "namespace": ns,
            "badges": namespace_badges(ns),
            "repositories": list(repositories[pages.offset : pages.offset + PAGE_SIZE]),
            "pages": pages,
        },
    )
