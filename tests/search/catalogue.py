"""Builds catalogue rows for search and page tests.

Repositories, manifests and tags are written with the ORM the way the registry services leave them,
and the indexer's derived data (platforms, layers, packages, findings) the way the indexer would.
"""

import hashlib
import itertools
from datetime import timedelta

from django.utils import timezone

from hub.accounts.services import user_create
from images.models import Category, Manifest, ManifestReference, Namespace, Repository, Tag
from images.services.search_index import repository_platforms_refresh

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
_counter = itertools.count(1)


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def namespace(name: str, *, verified: bool = False, sponsored: bool = False, user: bool = False) -> Namespace:
    existing = Namespace.objects.filter(name=name).first()
    if existing:
        return existing
    if user:
        ns = user_create(username=name, password=f"pw-{name}-123456").namespace
    else:
        ns = Namespace.objects.create(name=name, kind=Namespace.Kind.ORGANIZATION, display_name=name.title())
    later = timezone.now() + timedelta(days=365)
    if verified or sponsored:
        ns.verified_until = later if verified else None
        ns.sponsored_until = later if sponsored else None
        ns.save()
    return ns


def repository(
    full_name: str,
    *,
    short: str = "",
    readme: str = "",
    trusted: str = "",
    private: bool = False,
    pulls: int = 0,
    stars: int = 0,
    categories: tuple[str, ...] = (),
    platforms: tuple[str, ...] = ("linux/amd64",),
    tags: tuple[str, ...] = ("latest",),
    pushed_days_ago: int = 1,
) -> Repository:
    ns_name, name = full_name.split("/", 1)
    ns = namespace(ns_name)
    pushed = timezone.now() - timedelta(days=pushed_days_ago)
    repo = Repository.objects.create(
        namespace=ns,
        name=name,
        short_description=short,
        full_description=readme,
        is_private=private,
        is_official=ns_name == "library",
        trusted_content=trusted or ("official" if ns_name == "library" else ""),
        pull_count=pulls,
        star_count=stars,
        last_pushed_at=pushed,
    )
    if categories:
        repo.categories.set(Category.objects.filter(slug__in=categories))
    for tag in tags:
        image_tag(repo, tag, platforms=platforms, pushed=pushed)
    repository_platforms_refresh(repository_id=repo.id)
    return repo


def platform_manifest(repo: Repository, platform: str, *, status: str = "indexed", size: int = 30_000_000) -> Manifest:
    os_, arch, *variant = platform.split("/")
    seed = f"{repo.id}-{platform}-{next(_counter)}"
    return Manifest.objects.create(
        repository=repo,
        digest=digest_of(seed),
        media_type=OCI_MANIFEST,
        size=500,
        content=b"{}",
        os=os_,
        architecture=arch,
        variant=variant[0] if variant else "",
        compressed_size=size,
        index_status=status,
    )


def image_tag(repo: Repository, name: str, *, platforms=("linux/amd64",), pushed=None, status="indexed") -> Tag:
    """A tag pointing at one image manifest, or at an index of one image per platform."""
    pushed = pushed or timezone.now()
    if len(platforms) == 1:
        manifest = platform_manifest(repo, platforms[0], status=status)
    else:
        manifest = Manifest.objects.create(
            repository=repo,
            digest=digest_of(f"index-{repo.id}-{name}-{next(_counter)}"),
            media_type=OCI_INDEX,
            size=800,
            content=b"{}",
            is_index=True,
            index_status="indexed",
        )
        for position, platform in enumerate(platforms):
            child = platform_manifest(repo, platform, status=status)
            ManifestReference.objects.create(
                parent=manifest,
                child=child,
                position=position,
                os=child.os,
                architecture=child.architecture,
                variant=child.variant,
            )
    return Tag.objects.create(repository=repo, name=name, manifest=manifest, pushed_at=pushed)


def image_contents(manifest: Manifest, *, layers, packages=(), findings=()) -> dict:
    """Index results as the indexer writes them.

    layers: [(created_by, size)] (size 0 = an empty history step); packages: [(name, version, layer_position)];
    findings: [(osv_id, package_name, severity, fixed_version)].
    """
    from images.models import Finding, Layer, Package, Vulnerability

    made_layers = {}
    for position, (created_by, size) in enumerate(layers):
        made_layers[position] = Layer.objects.create(
            manifest=manifest,
            position=position,
            empty_layer=size == 0,
            digest="" if size == 0 else digest_of(f"{manifest.digest}-layer-{position}"),
            size=size,
            created_by=created_by,
        )
    made_packages = {}
    for name, version, layer_position in packages:
        made_packages[name] = Package.objects.create(
            manifest=manifest,
            layer=made_layers.get(layer_position),
            type="deb",
            name=name,
            version=version,
            purl=f"pkg:deb/debian/{name}@{version}",
        )
    for osv_id, package_name, severity, fixed in findings:
        vulnerability, _ = Vulnerability.objects.get_or_create(
            osv_id=osv_id, defaults={"severity": severity, "summary": f"Problem in {package_name}"}
        )
        Finding.objects.create(
            manifest=manifest,
            package=made_packages[package_name],
            vulnerability=vulnerability,
            severity=severity,
            fixed_version=fixed,
            fix_state="fixed" if fixed else "unfixed",
        )
    total = sum(size for _, size in layers)
    Manifest.objects.filter(pk=manifest.pk).update(
        compressed_size=total, os_name="Debian GNU/Linux 12 (bookworm)", index_status="indexed"
    )
    manifest.refresh_from_db()
    return {"layers": made_layers, "packages": made_packages}
