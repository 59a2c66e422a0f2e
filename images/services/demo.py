"""The demo catalogue: a handful of small images built on this machine and pushed through the same
service functions a `docker push` uses, then indexed by the real worker.

Layers hold real package databases: this machine's dpkg status, os-release and the packages'
copyright files (their licences), the METADATA of the
Python distributions installed here, and pinned old Python packages (in the format pip writes)
for the PyPA advisories to find.
"""

import importlib.metadata
import io
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from images.models import Category, Namespace, Repository
from images.oci.build import Image, Index, LayerSpec, image_build, index_build
from images.services.authorization import SYSTEM
from images.services.manifests import manifest_put
from images.services.repositories import repository_ensure
from images.services.trust import trusted_content_refresh
from images.services.uploads import blob_put_monolithic

log = logging.getLogger(__name__)

DPKG_STATUS = Path("/var/lib/dpkg/status")
# A real-format excerpt of the Debian security tracker's JSON (see images/demo/README.md).
DEMO_OS_ADVISORIES = Path(__file__).resolve().parent.parent / "demo" / "debian-security-tracker.json"
DOC_DIR = Path("/usr/share/doc")
# The copyright files the demo copies, each at most this large (the few larger, up to 2 MiB, would
# make every demo image's base layer several MiB bigger for a handful of packages).
MAX_COPYRIGHT_BYTES = 256 << 10
OS_RELEASE = Path("/usr/lib/os-release")
OLD_PYTHON_PACKAGES = {"Jinja2": "2.10", "requests": "2.19.1", "urllib3": "1.24.1", "PyYAML": "5.3"}
APK_INSTALLED = """\
C:Q1S0QlqoAhrPNSgc5zbPgDpAbaSJE=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1695907035

C:Q1lR9iFoBhY9ZQyUzgCJJa+B6eUWE=
P:busybox
V:1.36.1-r2
A:x86_64
S:509854
I:946176
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1695907035

"""
ALPINE_OS_RELEASE = b"""NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.18.4
PRETTY_NAME="Alpine Linux v3.18"
HOME_URL="https://alpinelinux.org/"
"""
DEMO_README = """# {name}

{description}

## How to use this image

```console
$ podman pull {host}/{full_name}:latest
$ podman run --rm -it {host}/{full_name}:latest
```

This image is part of Hub's demo catalogue: it was built on this machine from real package
databases, pushed through Hub's registry code and indexed by Hub's worker.
"""


def image_push(*, repository: Repository, image: Image | Index, tag: str, pushed_by=None):
    """Store an image exactly as a client push would: blobs, child manifests, then the tagged manifest."""
    images = image.images if isinstance(image, Index) else [image]
    for built in images:
        for digest, blob in built.blobs.items():
            blob_put_monolithic(repository=repository, digest=digest, stream=io.BytesIO(blob), length=len(blob))
        if isinstance(image, Index):
            manifest_put(
                repository=repository,
                reference=built.digest,
                content_type=built.media_type,
                body=built.manifest,
                pushed_by=pushed_by,
            )
    return manifest_put(
        repository=repository, reference=tag, content_type=image.media_type, body=image.manifest, pushed_by=pushed_by
    )


def dist_info_layer(packages: dict[str, str], site_packages: str) -> dict[str, bytes]:
    """METADATA files as pip writes them, one dist-info directory per package."""
    files = {}
    for name, version in packages.items():
        folder = f"{site_packages}/{name.replace('-', '_')}-{version}.dist-info"
        files[f"{folder}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        files[f"{folder}/INSTALLER"] = b"pip\n"
    return files


def installed_python_layer(site_packages: str, limit: int = 40) -> dict[str, bytes]:
    """The real METADATA of Python distributions installed on this machine."""
    files = {}
    for distribution in sorted(importlib.metadata.distributions(), key=lambda d: d.metadata["Name"] or "")[:limit]:
        metadata = distribution.read_text("METADATA")
        name, version = distribution.metadata["Name"], distribution.version
        if metadata and name and version:
            folder = f"{site_packages}/{name.replace('-', '_')}-{version}.dist-info"
            files[f"{folder}/METADATA"] = metadata.encode()
    return files


def debian_doc_files(doc: Path = DOC_DIR) -> tuple[dict[str, bytes], dict[str, str]]:
    """This machine's ``/usr/share/doc/*/copyright`` files, and the doc directories that are
    symlinks to another package's (as dpkg installs them), laid out as in an image: the licences
    the indexer reads for the Debian packages of the status database beside them."""
    files: dict[str, bytes] = {}
    symlinks: dict[str, str] = {}
    if not doc.is_dir():
        return files, symlinks
    for entry in sorted(doc.iterdir()):
        path = f"usr/share/doc/{entry.name}"
        if entry.is_symlink():
            symlinks[path] = os.readlink(entry)
        elif (copyright := entry / "copyright").is_symlink():
            symlinks[f"{path}/copyright"] = os.readlink(copyright)
        elif copyright.is_file() and copyright.stat().st_size <= MAX_COPYRIGHT_BYTES:
            files[f"{path}/copyright"] = copyright.read_bytes()
    return files, symlinks


def _base_layer() -> LayerSpec | None:
    if not DPKG_STATUS.exists() or not OS_RELEASE.exists():
        return None
    copyrights, doc_links = debian_doc_files()
    return LayerSpec(
        {
            "usr/lib/os-release": OS_RELEASE.read_bytes(),
            "var/lib/dpkg/status": DPKG_STATUS.read_bytes(),
            **copyrights,
        },
        "/bin/sh -c #(nop) ADD file:rootfs.tar.xz in / ",
        symlinks={"etc/os-release": "../usr/lib/os-release", **doc_links},
    )


def demo_images() -> list[dict]:
    """What to seed: repository, listing and tags -> image."""
    site = "usr/local/lib/python3.11/site-packages"
    alpine = LayerSpec(
        {"lib/apk/db/installed": APK_INSTALLED.encode(), "etc/os-release": ALPINE_OS_RELEASE},
        "/bin/sh -c #(nop) ADD file:alpine-minirootfs.tar.gz in / ",
    )
    entries = [
        {
            "repository": "sponsored/toolbox",
            "description": "A tiny Alpine toolbox with busybox",
            "categories": ["developer-tools"],
            "tags": {"3.18": image_build([alpine], cmd=["/bin/sh"])},
        }
    ]
    base = _base_layer()
    if base is None:
        log.warning("demo: no /var/lib/dpkg/status here, so the Debian-based demo images are left out")
        return entries
    debian = {
        arch: image_build([base], architecture=arch, variant=variant, cmd=["bash"])
        for arch, variant in (("amd64", ""), ("arm64", "v8"))
    }
    debian_index = index_build(list(debian.values()))
    python = image_build(
        [base, LayerSpec(installed_python_layer(site), "RUN /bin/sh -c pip install --no-cache-dir pip setuptools")],
        env=["PATH=/usr/local/bin:/usr/bin:/bin", "PYTHON_VERSION=3.11.7"],
        cmd=["python3"],
    )

    def webapp(version: str, pins: dict[str, str]) -> Image:
        return image_build(
            [
                base,
                LayerSpec(
                    dist_info_layer(pins, site),
                    f"RUN /bin/sh -c pip install {' '.join(f'{k}=={v}' for k, v in pins.items())}",
                ),
                LayerSpec(
                    {"srv/app/VERSION": version.encode(), "srv/app/app.py": b"print('hello')\n"},
                    "COPY app /srv/app # buildkit",
                ),
            ],
            cmd=["python3", "/srv/app/app.py"],
            labels={"org.opencontainers.image.version": version},
        )

    entries += [
        {
            "repository": "library/debian",
            "official": True,
            "description": "Debian is a Linux distribution composed of free and open-source software",
            "categories": ["operating-systems"],
            "tags": {"12": debian_index, "bookworm": debian_index, "latest": debian_index},
        },
        {
            "repository": "library/python",
            "official": True,
            "description": "Python is an interpreted, interactive, object-oriented programming language",
            "categories": ["languages-frameworks"],
            "tags": {"3.11": python, "latest": python},
        },
        {
            "repository": "acme/webapp",
            "description": "Acme's example web application (with old, vulnerable Python pins)",
            "categories": ["web-servers", "developer-tools"],
            "tags": {
                "1.9": webapp("1.9", OLD_PYTHON_PACKAGES),
                "1.10": webapp("1.10", {**OLD_PYTHON_PACKAGES, "Jinja2": "2.11.3", "urllib3": "1.26.5"}),
                "latest": webapp("1.10", {**OLD_PYTHON_PACKAGES, "Jinja2": "2.11.3", "urllib3": "1.26.5"}),
            },
        },
    ]
    return entries


def demo_vulndb() -> Path | None:
    """The advisories shipped beside the project (../shared/vulndb), when present."""
    for candidate in (settings.BASE_DIR.parent / "shared" / "vulndb", settings.BASE_DIR / "shared" / "vulndb"):
        if candidate.is_dir():
            return candidate
    return None


def demo_seed(*, stdout=None) -> bool:
    """Seed the demo catalogue once: does nothing when any repository exists. Returns whether it seeded."""
    if Repository.objects.exists():
        return False
    now = timezone.now()
    namespaces = {
        "library": {"kind": Namespace.Kind.ORGANIZATION, "display_name": "Official Images"},
        "acme": {
            "kind": Namespace.Kind.ORGANIZATION,
            "display_name": "Acme Corp",
            "verified_until": now + timedelta(days=365),
        },
        "sponsored": {
            "kind": Namespace.Kind.ORGANIZATION,
            "display_name": "Toolbox Project",
            "sponsored_until": now + timedelta(days=365),
        },
    }
    for name, fields in namespaces.items():
        Namespace.objects.get_or_create(name=name, defaults=fields)
    for entry in demo_images():
        namespace_name, name = entry["repository"].split("/", 1)
        with transaction.atomic():
            repository = repository_ensure(actor=SYSTEM, namespace_name=namespace_name, name=name)
            full_name = entry["repository"] if namespace_name != "library" else name
            Repository.objects.filter(pk=repository.pk).update(
                short_description=entry["description"][:100],
                full_description=DEMO_README.format(
                    name=name, description=entry["description"], host=settings.PUBLIC_HOST, full_name=full_name
                ),
                is_official=entry.get("official", False),
            )
            repository.categories.set(Category.objects.filter(slug__in=entry["categories"]))
            for tag, image in entry["tags"].items():
                image_push(repository=repository, image=image, tag=tag)
        if stdout:
            stdout.write(f"demo: pushed {entry['repository']} ({', '.join(entry['tags'])})\n")
    trusted_content_refresh()
    return True
