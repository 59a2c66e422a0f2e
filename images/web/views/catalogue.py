from django.shortcuts import render

from images.search.facets import POSTURE_FILTERS, TRUSTED_FILTERS, SearchFilters
from images.search.service import SORTS, SearchResult, repository_search
from images.search.terms import QueryInvalid
from images.selectors.repositories import category_names, home_sections
from images.web import params

SEARCH_PAGE_SIZE = 25


def home(request):
    sections = home_sections(user=request.user)
    return render(request, "images/home.html", {"sections": sections, "hide_header_search": True})


def search(request):
    query = params.text(request, "q")
    filters = SearchFilters(
        trusted=params.values(request, "trusted", allowed=TRUSTED_FILTERS),
        categories=params.values(request, "category"),
        os=params.values(request, "os"),
        architectures=params.values(request, "arch"),
        posture=params.values(request, "posture", allowed=POSTURE_FILTERS),
        bases=params.values(request, "base"),
    )
    sort = request.GET.get("sort", "best")
    sort = sort if sort in SORTS else "best"
    number = params.page_number(request)
    offset = (number - 1) * SEARCH_PAGE_SIZE
    # The Packages tab of a `pkg:` query: the versions found, instead of the repositories.
    tab = "packages" if request.GET.get("tab") == "packages" else "repositories"
    error = ""
    try:
        result = repository_search(
            user=request.user,
            query=query,
            filters=filters,
            sort=sort,
            offset=offset,
            limit=SEARCH_PAGE_SIZE,
            package_versions=tab == "packages",
        )
    except QueryInvalid as invalid:
        result, error = SearchResult(total=0, items=[]), invalid.message
    pages = params.Pages(number=number, per_page=SEARCH_PAGE_SIZE, total=result.total)
    context = {
        "q": query,
        "error": error,
        "tab": tab,
        "filters": filters,
        "sort": sort,
        "sorts": SORTS,
        "hide_header_search": True,
        "result": result,
        "pages": pages,
        "category_names": category_names() if filters.categories else {},
    }
    return render(request, "images/search.html", context)
