"""images/oci/media_types.py: the groups and the grammar, and that the package stays pure."""

import subprocess
import sys

import pytest

from images.oci import media_types
from images.oci.media_types import content_type_base, media_type_valid


@pytest.mark.parametrize(
    "value",
    [
        media_types.OCI_MANIFEST,
        media_types.DOCKER_FOREIGN_LAYER,
        "application/vnd.example.sbom.v1+json",
        "text/plain",
        "a/" + "b" * 127,
    ],
)
def test_valid(value):
    assert media_type_valid(value)


@pytest.mark.parametrize(
    "value",
    [None, 5, "", "application", "application/", "/json", "a/b/c", "a/" + "b" * 128, "application/json\n",
     "application/json\u0000", "application/json; charset=utf-8", "appli cation/json", "application/jsön"],
)  # fmt: skip
def test_invalid(value):
    assert not media_type_valid(value)


def test_groups():
    assert media_types.MANIFEST_TYPES == media_types.IMAGE_MANIFEST_TYPES | media_types.INDEX_TYPES
    assert set(media_types.MANIFEST_ACCEPT) == media_types.MANIFEST_TYPES
    assert set(media_types.MANIFEST_ACCEPT[:2]) == media_types.INDEX_TYPES  # indexes asked for first
    assert not media_types.FOREIGN_LAYER_TYPES & media_types.LAYER_TYPES
    every = [value for name, value in vars(media_types).items() if name.isupper() and isinstance(value, str)]
    assert all(media_type_valid(value) for value in every)


@pytest.mark.parametrize(
    "header, expected",
    [(None, ""), ("", ""), (" application/json ", "application/json"), ("a/b; charset=utf-8", "a/b")],
)
def test_content_type_base(header, expected):
    assert content_type_base(header) == expected


def test_the_oci_package_imports_no_django():
    code = (
        "import sys, images.documents, images.oci.build, images.oci.digests, images.oci.manifests,"
        " images.oci.media_types; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"
