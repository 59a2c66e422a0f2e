"""Mirroring from Debian's Go docker-registry, for real, over loopback HTTP."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.accounts.services import user_create
from images.indexing.fetch import UpstreamError, parse_reference
from images.models import Manifest, Mirror, Tag
from images.models.content import IndexStatus
from images.oci.build import LayerSpec, image_build, index_build, oci_layout_write
from images.services.indexing import manifest_index
from images.services.mirrors import mirror_create, mirror_sync, tags_select
from tests.helpers.integration import require_binary
from tests.helpers.upstream import docker_registry

DPKG = b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13\n\n"


@pytest.mark.parametrize(
    "kind, pattern, expected",
    [
        ("all", "", ["1.0", "1.1", "2.0", "latest"]),
        ("glob", "1.*", ["1.0", "1.1"]),
        ("regex", r"\d+\.\d+", ["1.0", "1.1", "2.0"]),
        ("regex", r"1", []),
    ],
)
def test_tags_select(kind, pattern, expected):
    assert tags_select(["1.0", "1.1", "2.0", "latest"], kind, pattern) == expected


@pytest.mark.parametrize(
    "text, registry, repository, reference",
    [
        ("127.0.0.1:5000/ns/app:1.0", "127.0.0.1:5000", "ns/app", "1.0"),
        ("registry.example.org/ns/name", "registry.example.org", "ns/name", "latest"),
        ("debian:12", "registry-1.docker.io", "library/debian", "12"),
        ("localhost/app@sha256:" + "a" * 64, "localhost", "app", "sha256:" + "a" * 64),
    ],
)
def test_parse_reference(text, registry, repository, reference):
    parsed = parse_reference(text)
    assert (parsed.registry, parsed.repository, parsed.reference) == (registry, repository, reference)


def skopeo_push(layout_dir, tag, registry, path):
    skopeo = require_binary("skopeo")
    subprocess.run(
        [
            skopeo,
            "copy",
            "--quiet",
            "--all",
            "--dest-tls-verify=false",
            f"oci:{layout_dir}:{tag}",
            f"docker://{registry}/{path}:{tag}",
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.django_db
@pytest.mark.integration
def test_mirror_copies_tags_byte_for_byte_and_indexes_them(tmp_path):
    alice = user_create(username="alice", password="pw-alice-123456")
    amd64 = image_build([LayerSpec({"var/lib/dpkg/status": DPKG}, "ADD rootfs /")], cmd=["sh"])
    arm64 = image_build([LayerSpec({"var/lib/dpkg/status": DPKG}, "ADD rootfs /")], architecture="arm64")
    multi = index_build([amd64, arm64])
    with docker_registry(tmp_path / "upstream") as upstream:
        oci_layout_write(tmp_path / "single", amd64, "1.0")
        skopeo_push(tmp_path / "single", "1.0", upstream, "team/app")
        oci_layout_write(tmp_path / "multi", multi, "2.0")
        skopeo_push(tmp_path / "multi", "2.0", upstream, "team/app")

        mirror = mirror_create(user=alice, repository="alice/app", upstream=f"{upstream}/team/app")
        seen = []
        mirror = mirror_sync(mirror_id=mirror.pk, progress=lambda done, total, tag: seen.append((done, total, tag)))
        assert mirror.status == Mirror.Status.OK and mirror.tags_synced == 2
        assert seen == [(1, 2, "1.0"), (2, 2, "2.0")]
        tags = dict(Tag.objects.filter(repository=mirror.repository).values_list("name", "manifest__digest"))
        assert tags == {"1.0": amd64.digest, "2.0": multi.digest}
        stored = Manifest.objects.get(repository=mirror.repository, digest=multi.digest)
        assert bytes(stored.content) == multi.manifest

        # A second sync copies nothing new and changes nothing.
        assert mirror_sync(mirror_id=mirror.pk).status == Mirror.Status.OK
        assert Manifest.objects.filter(repository=mirror.repository).count() == 3

    child = Manifest.objects.get(repository=mirror.repository, digest=amd64.digest)
    assert manifest_index(manifest_id=child.pk) == IndexStatus.INDEXED
    assert list(child.packages.values_list("name", "source_name")) == [("zlib1g", "zlib")]


@pytest.mark.django_db
@pytest.mark.integration
def test_an_unknown_upstream_repository_fails_with_the_reason(tmp_path):
    alice = user_create(username="alice", password="pw-alice-123456")
    with docker_registry(tmp_path / "upstream") as upstream:
        mirror = mirror_create(user=alice, repository="alice/none", upstream=f"{upstream}/no/such")
        with pytest.raises(UpstreamError):
            mirror_sync(mirror_id=mirror.pk)
    mirror.refresh_from_db()
    assert mirror.status == Mirror.Status.FAILED
    assert "NAME_UNKNOWN" in mirror.status_detail


@pytest.mark.django_db
def test_only_those_who_administer_the_repository_add_mirrors():
    alice = user_create(username="alice", password="pw-alice-123456")
    bob = user_create(username="bob", password="pw-bob-12345678")
    with pytest.raises(PermissionDenied):
        mirror_create(user=bob, repository="alice/app", upstream="registry.example.org/x/y")
    with pytest.raises(ValidationError):
        mirror_create(
            user=alice,
            repository="alice/app",
            upstream="registry.example.org/x/y",
            tag_filter_kind="regex",
            tag_filter="(",
        )
