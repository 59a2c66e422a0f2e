"""`/v2/_catalog`: the repositories the caller may read, with the same paging as tag lists."""

from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.http import JsonResponse

from images.models import Repository
from images.registry.auth import unauthorized
from images.registry.dispatch import RegistryView
from images.registry.tags import page_size, with_next_link
from images.services.permissions import repository_readable_filter
from images.services.tags import byte_order
from images.services.tokens import token_allows, token_principal


def catalog_list(*, user, n: int | None, last: str | None) -> list[str]:
    rows = (
        Repository.objects.filter(repository_readable_filter(user))
        .annotate(full_name=Concat("namespace__name", Value("/"), "name", output_field=CharField()))
        .annotate(sort_name=byte_order("full_name"))
    )
    if last:
        rows = rows.filter(sort_name__gt=last)
    rows = rows.order_by("sort_name").values_list("full_name", flat=True)
    return list(rows[:n] if n is not None else rows)


class CatalogView(RegistryView):
    repository_scoped = False
    http_method_names = ["get"]

    def authorize_global(self) -> None:
        if self.claims is None or not token_allows(self.claims, "registry", "catalog", "*"):
            raise unauthorized("registry:catalog:*", claims=self.claims)

    def get(self, request):
        n = page_size(request)
        names = catalog_list(user=token_principal(self.claims), n=n, last=request.GET.get("last"))
        return with_next_link(JsonResponse({"repositories": names}), "/v2/_catalog", names, n)
