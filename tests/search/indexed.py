"""A small catalogue of real images for package and advisory search: built offline, stored as a push
stores them (images.services.demo.image_push) and indexed by the indexer itself (manifest_index), with
one OSV record imported the way `import_vulns` imports it.

  acme/webapp     public   1.0: Debian openssl 3.0.11-1~deb12u2, Jinja2 2.10 (PYSEC-2019-217, critical, fixed
                           in 2.10.1), urllib3 1.26.4;  2.0: openssl 3.0.15-1~deb12u1, Jinja2 2.11.3
  acme/edge       public   3.19 (an index: amd64 and arm64): Alpine openssl 3.1.4-r5
  acme/nginx      public   latest: Debian openssl 1.1.1w-0+deb11u1, nginx 1.22.1-9
  zed/secret      private  latest: Debian openssl 1.1.1n-0+deb11u5, Jinja2 2.10
"""

from hub.accounts.services import user_create
from images.models import Namespace
from images.oci.build import LayerSpec, image_build, index_build
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.repositories import repository_create, repository_ensure, repository_get
from images.services.vulns import vulnerability_import

DEBIAN_12 = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
DEBIAN_11 = b'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\n'
ALPINE = b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n'
SITE = "usr/local/lib/python3.11/site-packages"
JINJA_ADVISORY = """\
id: PYSEC-2019-217
modified: "2021-01-01T00:00:00Z"
aliases: [CVE-2019-10906, GHSA-462w-v97r-4m45]
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


def dpkg_status(packages: dict[str, str]) -> bytes:
    stanzas = [
        f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: {version}\n"
        if name == "libssl3"
        else f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n"
        for name, version in packages.items()
    ]
    return "\n".join(stanzas).encode() + b"\n"


def debian(os_release: bytes, debs: dict[str, str], python: dict[str, str] | None = None, architecture="amd64"):
    layers = [
        LayerSpec({"usr/lib/os-release": os_release, "var/lib/dpkg/status": dpkg_status(debs)}, "ADD rootfs.tar /")
    ]
    if python:
        layers.append(LayerSpec(dist_info_layer(python, SITE), "RUN pip install -r requirements.txt"))
    return image_build(layers, architecture=architecture)


def alpine(architecture: str, packages: dict[str, str]):
    installed = "".join(f"P:{name}\nV:{version}\nA:x86_64\no:{name}\n\n" for name, version in packages.items())
    files = {"etc/os-release": ALPINE, "lib/apk/db/installed": installed.encode()}
    return image_build([LayerSpec(files, "ADD alpine-minirootfs.tar.gz /")], architecture=architecture)


def push_and_index(namespace: str, name: str, tag: str, image, *, owner=None):
    """Push `image` as `namespace/name:tag` and index it; `owner`: a user whose own namespace it is, the
    repository then created private by them."""
    if owner is not None:
        repository = repository_get(namespace, name) or repository_create(
            actor=owner, namespace=owner.namespace, name=name, is_private=True
        )
    else:
        if not Namespace.objects.filter(name=namespace).exists():
            Namespace.objects.create(name=namespace, kind=Namespace.Kind.ORGANIZATION)
        repository = repository_ensure(actor=SYSTEM, namespace_name=namespace, name=name)
    manifest = image_push(repository=repository, image=image, tag=tag)
    manifest_index(manifest_id=manifest.pk)
    for child in manifest.child_links.all():
        manifest_index(manifest_id=child.child_id)
    return repository, manifest


def build(tmp_path, zed=None) -> dict:
    """The catalogue of the module docstring; returns its repositories by full name. `zed`: the owner of
    zed/secret (created when not given)."""
    (tmp_path / "PYSEC-2019-217.yaml").write_text(JINJA_ADVISORY)
    vulnerability_import(source=str(tmp_path))
    webapp, _ = push_and_index(
        "acme",
        "webapp",
        "1.0",
        debian(
            DEBIAN_12,
            {"openssl": "3.0.11-1~deb12u2", "libssl3": "3.0.11-1~deb12u2"},
            {"Jinja2": "2.10", "urllib3": "1.26.4"},
        ),
    )
    push_and_index(
        "acme",
        "webapp",
        "2.0",
        debian(DEBIAN_12, {"openssl": "3.0.15-1~deb12u1", "libssl3": "3.0.15-1~deb12u1"}, {"Jinja2": "2.11.3"}),
    )
    edge, _ = push_and_index(
        "acme",
        "edge",
        "3.19",
        index_build(
            [
                alpine("amd64", {"openssl": "3.1.4-r5"}),
                alpine("arm64", {"openssl": "3.1.4-r5", "busybox": "1.36.1-r15"}),
            ]
        ),
    )
    nginx, _ = push_and_index(
        "acme", "nginx", "latest", debian(DEBIAN_11, {"openssl": "1.1.1w-0+deb11u1", "nginx": "1.22.1-9"})
    )
    secret, _ = push_and_index(
        "zed",
        "secret",
        "latest",
        debian(DEBIAN_11, {"openssl": "1.1.1n-0+deb11u5"}, {"Jinja2": "2.10"}),
        owner=zed or user_create(username="zed", password="zed-password-123"),
    )
    return {r.full_name: r for r in (webapp, edge, nginx, secret)}
