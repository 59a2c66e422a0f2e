"""`/v2/_catalog`: the repositories the caller may read, with the same paging as tag lists."""

from django.http import JsonResponse

from images.registry.auth import unauthorized
from images.registry.dispatch import RegistryView
from images.registry.tags import page_size, with_next_link
from images.selectors.repositories import repository_names_list
from images.services.tokens import token_allows, token_principal


class CatalogView(RegistryView):
    repository_scoped = False
    http_method_names = ["get"]

    def authorize_global(self) -> None:
        if self.claims is None or not token_allows(self.claims, "registry", "catalog", "*"):
            raise unauthorized("registry:catalog:*", claims=self.claims)

    def get(self, request):
        n = page_size(request)
        names = repository_names_list(user=token_principal(self.claims), n=n, last=request.GET.get("last"))
        return with_next_link(JsonResponse({"repositories": names}), "/v2/_catalog", names, n)
