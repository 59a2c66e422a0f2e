"""Small real images for the lineage tests: a Debian-like base and images built on it, layer by layer."""

import json

from images.oci.build import Image, LayerSpec, canonical_json, image_build
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index

OS_RELEASE = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
SITE = "usr/local/lib/python3.11/site-packages"
# A critical advisory (CVSS 9.8) for the Jinja2 the first base holds; the re-pushed base holds the fixed one.
ADVISORY = """\
id: PYSEC-2019-217
modified: "2021-01-01T00:00:00Z"
details: In Pallets Jinja before 2.10.1, str.format_map allows a sandbox escape.
severity:
- type: CVSS_V3
  score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
affected:
- package: {name: jinja2, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}, {fixed: 2.10.1}]
"""


def base_layers(jinja: str = "2.10") -> list[LayerSpec]:
    return [
        LayerSpec({"usr/lib/os-release": OS_RELEASE}, "ADD rootfs.tar /"),
        LayerSpec(dist_info_layer({"Jinja2": jinja}, SITE), f"RUN pip install Jinja2=={jinja}"),
    ]


def layer(name: str) -> LayerSpec:
    return LayerSpec({f"app/{name}.txt": f"{name}\n".encode()}, f"COPY {name}.txt /app/")


def built(layers: list[LayerSpec], **kwargs) -> Image:
    return image_build(layers, cmd=["sh"], **kwargs)


def annotated(image: Image, annotations: dict[str, str]) -> Image:
    body = json.loads(image.manifest)
    body["annotations"] = annotations
    return Image(manifest=canonical_json(body), config=image.config, layers=image.layers)


def pushed(repository, image: Image, tag: str):
    manifest = image_push(repository=repository, image=image, tag=tag)
    assert manifest_index(manifest_id=manifest.pk) == "indexed"
    manifest.refresh_from_db()
    return manifest
