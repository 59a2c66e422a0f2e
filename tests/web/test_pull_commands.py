"""The pull-command builder's text for every client (a pure function: no database, no server)."""

import pytest

from images.templatetags.pull_commands import CLIENTS, PullTarget, pull_command

HOST = "hub.example.com"
DEBIAN = PullTarget(host=HOST, namespace="library", name="debian", tag="12")
DIGEST = "sha256:" + "ab" * 32


def test_official_images_use_their_one_part_name_as_the_readme_says():
    assert pull_command(DEBIAN) == "docker pull hub.example.com/debian:12"
    assert PullTarget(host=HOST, namespace="alice", name="web/app", tag="1.0").reference == (
        "hub.example.com/alice/web/app:1.0"
    )
    # A library repository with a slash in its name cannot be shortened: `host/a/b` would mean namespace `a`.
    assert PullTarget(host=HOST, namespace="library", name="a/b", tag="1").path == "hub.example.com/library/a/b"


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ("docker", "docker pull hub.example.com/debian:12"),
        ("podman", "podman pull hub.example.com/debian:12"),
        ("nerdctl", "nerdctl pull hub.example.com/debian:12"),
        ("skopeo", "skopeo copy docker://hub.example.com/debian:12 oci:./debian:12"),
        ("dockerfile", "FROM hub.example.com/debian:12"),
        ("kubernetes", "image: hub.example.com/debian:12"),
        ("compose", "image: hub.example.com/debian:12"),
    ],
)
def test_each_client_by_tag(client, expected):
    assert pull_command(DEBIAN, client) == expected


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ("docker", "docker pull --platform linux/arm64/v8 hub.example.com/debian:12"),
        ("podman", "podman pull --platform linux/arm64/v8 hub.example.com/debian:12"),
        ("nerdctl", "nerdctl pull --platform linux/arm64/v8 hub.example.com/debian:12"),
        (
            "skopeo",
            "skopeo copy --override-os linux --override-arch arm64 --override-variant v8 "
            "docker://hub.example.com/debian:12 oci:./debian:12",
        ),
        ("dockerfile", "FROM --platform=linux/arm64/v8 hub.example.com/debian:12"),
        ("kubernetes", "image: hub.example.com/debian:12"),  # a pod runs its node's platform
        ("compose", "image: hub.example.com/debian:12\nplatform: linux/arm64/v8"),
    ],
)
def test_each_client_with_a_platform(client, expected):
    target = PullTarget(host=HOST, namespace="library", name="debian", tag="12", platform="linux/arm64/v8")
    assert pull_command(target, client) == expected


def test_a_digest_pin_replaces_the_tag_in_every_client():
    pinned = PullTarget(host="127.0.0.1:8000", namespace="alice", name="app", tag="1.0", digest=DIGEST)
    for client in CLIENTS:
        command = pull_command(pinned, client)
        assert f"127.0.0.1:8000/alice/app@{DIGEST}" in command, client
        assert ":1.0@" not in command and "app:1.0 " not in command, client  # skopeo refuses tag+digest
    assert pull_command(pinned, "skopeo") == f"skopeo copy docker://127.0.0.1:8000/alice/app@{DIGEST} oci:./app:1.0"


def test_skopeo_without_variant_and_unknown_client():
    amd64 = PullTarget(host=HOST, namespace="library", name="debian", tag="12", platform="linux/amd64")
    assert pull_command(amd64, "skopeo").startswith("skopeo copy --override-os linux --override-arch amd64 docker://")
    with pytest.raises(ValueError, match="unknown client"):
        pull_command(amd64, "curl")


def test_commands_hold_no_characters_a_shell_would_split_or_expand():
    target = PullTarget(host=HOST, namespace="alice", name="app", tag="v1.2_rc-3", platform="linux/amd64")
    for client in ("docker", "podman", "nerdctl", "skopeo"):
        assert not set(pull_command(target, client)) & set("'\"$`;&|<>*?\\")
