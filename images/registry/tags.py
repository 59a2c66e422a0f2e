"""`/v2/<name>/tags/list`: lexical order, `n` and `last`, and a `Link` to the next page."""

from urllib.parse import urlencode

from django.http import JsonResponse

from images.registry.dispatch import RegistryView
from images.registry.errors import Code, RegistryError
from images.registry.params import ascii_int
from images.services.tags import tag_list

PAGE_MAX = 10_000


def page_size(request) -> int | None:
    raw = request.GET.get("n")
    if raw is None or raw == "":
        return None
    n = ascii_int(raw)
    if n is None or n > PAGE_MAX:
        raise RegistryError(Code.PAGINATION_NUMBER_INVALID, {"n": raw[:20], "max": PAGE_MAX})
    return n


def with_next_link(response, path: str, items: list[str], n: int | None):
    if n and len(items) == n:
        response["Link"] = f'<{path}?{urlencode({"n": n, "last": items[-1]})}>; rel="next"'
    return response


class TagListView(RegistryView):
    http_method_names = ["get"]

    def get(self, request, name):
        n = page_size(request)
        tags = tag_list(repository=self.repository(), n=n, last=request.GET.get("last"))
        return with_next_link(JsonResponse({"name": name, "tags": tags}), f"/v2/{name}/tags/list", tags, n)
