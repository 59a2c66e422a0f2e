"""`GET /v2/`: the API version check (200 with a valid token, else 401 with the Bearer challenge)."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from images.registry.dispatch import RegistryView
from images.registry.errors import Code, RegistryError, error_response


class BaseView(RegistryView):
    repository_scoped = False
    http_method_names = ["get", "head"]

    def get(self, request):
        return HttpResponse(b"{}", content_type="application/json")

    head = get


@csrf_exempt
def not_found(request):
    """Any other path under /v2/: the error envelope instead of an HTML 404 page."""
    error = RegistryError(Code.UNSUPPORTED, {"path": request.path[:200]}, message="no such endpoint", status=404)
    response = error_response(error, head=request.method == "HEAD")
    response["Docker-Distribution-API-Version"] = "registry/2.0"
    return response
