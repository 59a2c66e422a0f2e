from django.http import Http404
from django.shortcuts import render

from images import selectors
from images.web import params

PAGE_SIZE = 24


def publisher_detail(request, namespace: str):
    ns = selectors.namespace_get(name=namespace)
    if ns is None:
        raise Http404("No such publisher")
    repositories = selectors.namespace_repository_list(user=request.user, namespace=ns)
    pages = params.Pages(number=params.page_number(request), per_page=PAGE_SIZE, total=repositories.count())
    return render(
        request,
        "images/publisher_detail.html",
        {
            "namespace": ns,
            "badges": selectors.namespace_badges(ns),
            "repositories": list(repositories[pages.offset : pages.offset + PAGE_SIZE]),
            "pages": pages,
        },
    )
