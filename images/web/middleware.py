"""Requests whose address holds a NUL character get a 400 before any view runs.

PostgreSQL refuses a NUL in any text it is given, so a NUL in a URL part or a query parameter that a view
passes to a query (a tag filter, a namespace in the path) would end in a server error. No name, digest or
filter Hub knows can hold one. Form and JSON bodies need no such check: Django's and DRF's character fields
refuse NUL themselves. Registry paths never get here (images.registry.middleware) and validate their names.
"""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "The address holds a NUL character, which no name or filter can contain."
# Hub API paths answer in JSON ({"detail", "message"}, as images.api.errors does); pages with a page.
API_PREFIXES = ("/v1/", "/v2/", "/api/")


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            if request.path_info.startswith(API_PREFIXES):
                return JsonResponse({"detail": MESSAGE, "message": MESSAGE}, status=400)
            return render(request, "400.html", {"message": MESSAGE}, status=400)
        return self.get_response(request)
