"""`/v2/<name>/referrers/<digest>`: an image index of the manifests whose subject is the digest."""

import json

from django.http import HttpResponse

from images.oci.media_types import OCI_INDEX
from images.registry.dispatch import RegistryView
from images.services.manifests import referrer_list


class ReferrerListView(RegistryView):
    http_method_names = ["get"]

    def get(self, request, name, digest):
        artifact_type = request.GET.get("artifactType") or None
        descriptors = referrer_list(repository=self.repository(), digest=digest, artifact_type=artifact_type)
        body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descriptors}).encode()
        response = HttpResponse(body, content_type=OCI_INDEX)
        if artifact_type:
            response["OCI-Filters-Applied"] = "artifactType"
        return response
