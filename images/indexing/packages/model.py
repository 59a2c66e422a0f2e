"""The one record every package parser returns."""

from dataclasses import dataclass

from packageurl import PackageURL


@dataclass(frozen=True)
class Package:
    """A package found in an image.

    ``type`` is the purl type (deb, apk, rpm, pypi, npm, golang, maven, gem). For OS packages
    ``source_name``/``source_version`` name the source package, which is what Debian, Ubuntu and
    Alpine advisories are written against. ``layer_index`` is filled in by the layer walk.
    """

    name: str
    version: str
    type: str
    purl: str
    path: str
    source_name: str = ""
    source_version: str = ""
    licenses: tuple[str, ...] = ()
    arch: str = ""
    layer_index: int | None = None


@dataclass(frozen=True)
class Distro:
    """What OS package purls need to know about the image's distribution."""

    namespace: str  # debian, ubuntu, alpine, rocky ...
    qualifier: str = ""  # debian-12, alpine-3.19.1 ...


def make_purl(type: str, name: str, version: str, namespace: str = "", **qualifiers: str) -> str:
    qualifiers = {key: value for key, value in qualifiers.items() if value}
    return PackageURL(
        type=type, namespace=namespace or None, name=name, version=version or None, qualifiers=qualifiers
    ).to_string()
