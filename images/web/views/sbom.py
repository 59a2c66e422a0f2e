from django.http import Http404, JsonResponse

from images.exports import manifest_sbom
from images.selectors.images import image_manifest_get
from images.web.views.repository import repository_or_404

URL_FORMATS = {"cdx": "cyclonedx", "spdx": "spdx"}  # the file suffix in the download link


def image_sbom(request, namespace: str, name: str, digest: str, fmt: str):
    """`…/sbom/<digest>.cdx.json` or `.spdx.json`: the SBOM of an indexed image, as a download."""
    repository = repository_or_404(request, namespace, name)
    manifest = image_manifest_get(repository=repository, digest=digest)
    if manifest is None or fmt not in URL_FORMATS:
        raise Http404("No such image")
    document = manifest_sbom(manifest=manifest, fmt=URL_FORMATS[fmt])
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    filename = f"{repository.name.replace('/', '_')}-{digest.split(':')[-1][:12]}.{fmt}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
