"""Addresses holding a NUL character are answered before any view runs.

PostgreSQL refuses a NUL in any text it is given, so a NUL that a view passed to a query (a name in the
path, a tag or package filter) ended in a server error. No name, digest or filter Hub knows can hold one:
in the path it names nothing (404, as for any unknown name), in a query parameter it is a bad request (400).
Form and JSON bodies need no such check: Django's and DRF's character fields refuse NUL themselves, and
Basic credentials are checked where they are decoded (images/api/auth.py). Registry paths and /token never
get here (images.registry.middleware): images/registry/params.py refuses a NUL in theirs.
"""

from django.http import JsonResponse
from django.shortcuts import render

# Hub API paths answer in JSON ({"detail", "message"}, as images.api.errors does); the site with a page.
API_PREFIXES = ("/v1/", "/v2/", "/api/")


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return _answer(request, 404, "Not found", "The address holds a NUL character, which no name can contain.")
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            message = "A query parameter holds a NUL character, which no name or filter can contain."
            return _answer(request, 400, "Bad request", message)
        return self.get_response(request)


def _answer(request, status: int, title: str, message: str):
    if request.path_info.startswith(API_PREFIXES):
        return JsonResponse({"detail": message, "message": message}, status=status)
    return render(request, "bad_address.html", {"title": title, "message": message}, status=status)
