"""Manifests and indexes as pushed: parse the body with its Content-Type into frozen dataclasses.

What is checked is what Hub relies on or stores: the shape and types of every field the image-spec
(manifest.md, image-index.md, descriptor.md) and Docker's schema 2 define, digests Hub can verify,
sizes that are int64, media types that follow the grammar, platform strings without control
characters (they become database columns, and PostgreSQL refuses NUL), and the limits in
images/documents.py (strict reading). Fields nobody defines are ignored, as the spec says, and the bytes are stored as
pushed. Every refusal is ManifestInvalid (or TooLarge) with a reason naming the field.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from images.documents import DocumentError, load_json_object
from images.errors import ManifestInvalid, TooLarge
from images.oci.digests import digest_problem
from images.oci.media_types import (
    FOREIGN_LAYER_TYPES,
    IMAGE_MANIFEST_TYPES,
    MANIFEST_TYPES,
    OCI_INDEX,
    OCI_MANIFEST,
    content_type_base,
    media_type_valid,
)

MANIFEST_MAX_BYTES = 4 * 1024 * 1024
SIZE_MAX = 2**63 - 1  # descriptor sizes are int64
# C0 controls and DEL: never part of a platform name, and NUL cannot be stored in PostgreSQL text.
_CONTROL = frozenset(chr(c) for c in [*range(0x20), 0x7F])


@dataclass(frozen=True)
class Platform:
    architecture: str = ""
    os: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: tuple[str, ...] = ()
    features: tuple[str, ...] = ()  # Docker manifest lists only


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int
    urls: tuple[str, ...] = ()
    artifact_type: str = ""
    platform: Platform | None = None
    annotations: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def is_foreign(self) -> bool:
        """A layer whose bytes live at its `urls`, not in the registry."""
        return self.media_type in FOREIGN_LAYER_TYPES and bool(self.urls)


@dataclass(frozen=True)
class _Document:
    """What image manifests and indexes share: a media type and, given by keyword, OCI 1.1's subject and
    artifactType, and annotations."""

    media_type: str
    subject: Descriptor | None = field(default=None, kw_only=True)
    artifact_type: str = field(default="", kw_only=True)
    annotations: dict[str, str] = field(default_factory=dict, hash=False, kw_only=True)

    @property
    def referrer_type(self) -> str:
        """What the referrers API lists it under: its artifactType."""
        return self.artifact_type


@dataclass(frozen=True)
class ImageManifest(_Document):
    config: Descriptor
    layers: tuple[Descriptor, ...]
    is_index: ClassVar[bool] = False

    @property
    def blobs(self) -> tuple[Descriptor, ...]:
        """The config and layers the registry must hold (foreign layers excepted), in order."""
        return tuple(d for d in (self.config, *self.layers) if not d.is_foreign)

    @property
    def referrer_type(self) -> str:
        """An image's artifactType, else its config's media type."""
        return self.artifact_type or self.config.media_type


@dataclass(frozen=True)
class ImageIndex(_Document):
    manifests: tuple[Descriptor, ...]
    is_index: ClassVar[bool] = True


Manifest = ImageManifest | ImageIndex


def _invalid(reason: str, **detail) -> ManifestInvalid:
    return ManifestInvalid(reason=reason, **detail)


def manifest_size_check(size: int) -> None:
    if size > MANIFEST_MAX_BYTES:
        raise TooLarge("manifest too big", limit=MANIFEST_MAX_BYTES)


# --- fields ---------------------------------------------------------------------------------------
def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be an object")
    return value


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise _invalid(f"{where} must be a list")
    return value


def _string(value, where: str, *, plain: bool = False) -> str:
    """A string; `plain` ones (stored in columns) may hold no control character."""
    if not isinstance(value, str):
        raise _invalid(f"{where} must be a string")
    if plain and not _CONTROL.isdisjoint(value):
        raise _invalid(f"{where} holds a control character")
    return value


def _strings(value, where: str, *, plain: bool = False) -> tuple[str, ...]:
    return tuple(_string(item, f"{where}[{i}]", plain=plain) for i, item in enumerate(_list(value, where)))


def _media_type(value, where: str) -> str:
    if value is None:
        raise _invalid(f"{where} is missing")
    if not media_type_valid(value):
        raise _invalid(f"{where} is not a media type")
    return value


def _optional(document: dict, key: str, default):
    """An optional field's value; null counts as absent, as Go's encoding/json (clients, distribution) reads it."""
    value = document.get(key)
    return default if value is None else value


def _optional_media_type(document: dict, key: str, where: str) -> str:
    """artifactType: absent or empty means none."""
    value = _optional(document, key, "")
    return "" if value == "" else _media_type(value, where)


def _annotations(value, where: str) -> dict[str, str]:
    annotations = _object(value, where)
    for key, item in annotations.items():
        _string(key, f"{where} key", plain=True)
        _string(item, f"{where}[{key[:64]!r}]")
    return dict(annotations)


def _size(value, where: str) -> int:
    if value is None:
        raise _invalid(f"{where} is missing")
    # bool is an int in Python; a float (even 1.0) is not a JSON integer.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= SIZE_MAX:
        raise _invalid(f"{where} must be an integer from 0 to 2^63-1")
    return value


def _digest(value, where: str) -> str:
    if value is None:
        raise _invalid(f"{where} is missing")
    problem = digest_problem(value)
    if problem:
        raise _invalid(f"{where}: {problem}")
    return value


def _platform(value, where: str) -> Platform:
    platform = _object(value, where)

    def text(key: str) -> str:
        return _string(_optional(platform, key, ""), f"{where}.{key}", plain=True)

    def texts(key: str) -> tuple[str, ...]:
        return _strings(_optional(platform, key, []), f"{where}.{key}", plain=True)

    return Platform(
        architecture=text("architecture"),
        os=text("os"),
        variant=text("variant"),
        os_version=text("os.version"),
        os_features=texts("os.features"),
        features=texts("features"),
    )


def descriptor_parse(value, where: str, *, with_platform: bool = False) -> Descriptor:
    """One descriptor (config, layer, index entry, subject); `where` names it in errors."""
    descriptor = _object(value, where)
    platform = _optional(descriptor, "platform", None)
    _string(_optional(descriptor, "data", ""), f"{where}.data")  # embedded content (base64), never decoded
    return Descriptor(
        media_type=_media_type(descriptor.get("mediaType"), f"{where}.mediaType"),
        digest=_digest(descriptor.get("digest"), f"{where}.digest"),
        size=_size(descriptor.get("size"), f"{where}.size"),
        urls=_strings(_optional(descriptor, "urls", []), f"{where}.urls", plain=True),
        artifact_type=_optional_media_type(descriptor, "artifactType", f"{where}.artifactType"),
        platform=_platform(platform, f"{where}.platform") if with_platform and platform is not None else None,
        annotations=_annotations(_optional(descriptor, "annotations", {}), f"{where}.annotations"),
    )


# --- documents ------------------------------------------------------------------------------------
def _media_type_of(document: dict, content_type: str) -> str:
    """The manifest's media type, from its own field, the Content-Type, or (OCI allows leaving
    mediaType out) its shape; the field and a manifest Content-Type must agree."""
    declared = document.get("mediaType")
    if declared is not None and not isinstance(declared, str):
        raise _invalid("mediaType must be a string")
    content_type = content_type_base(content_type)
    if declared and content_type in MANIFEST_TYPES and declared != content_type:
        raise _invalid("mediaType does not match Content-Type", media_type=declared[:255], content_type=content_type)
    media_type = declared or (content_type if content_type in MANIFEST_TYPES else "")
    if not media_type:
        media_type = OCI_INDEX if "manifests" in document else OCI_MANIFEST
    if media_type not in MANIFEST_TYPES:
        raise _invalid("unsupported manifest media type", media_type=media_type[:255])
    return media_type


def _subject(document: dict) -> Descriptor | None:
    subject = _optional(document, "subject", None)
    return None if subject is None else descriptor_parse(subject, "subject")


def manifest_parse(body: bytes, content_type: str = "") -> Manifest:
    """Parse a pushed manifest or index; raises TooLarge or ManifestInvalid (with a reason)."""
    manifest_size_check(len(body))
    try:
        document = load_json_object(body, MANIFEST_MAX_BYTES, strict=True)
    except DocumentError as exc:
        raise _invalid(f"manifest {exc}") from None
    schema_version = document.get("schemaVersion")
    if type(schema_version) is not int or schema_version != 2:
        raise _invalid("schemaVersion must be 2")
    media_type = _media_type_of(document, content_type)
    artifact_type = _optional_media_type(document, "artifactType", "artifactType")
    annotations = _annotations(_optional(document, "annotations", {}), "annotations")
    if media_type in IMAGE_MANIFEST_TYPES:
        if document.get("config") is None:
            raise _invalid("config is missing")
        layers = _list(document.get("layers"), "layers")
        return ImageManifest(
            media_type=media_type,
            config=descriptor_parse(document["config"], "config"),
            layers=tuple(descriptor_parse(layer, f"layers[{i}]") for i, layer in enumerate(layers)),
            subject=_subject(document),
            artifact_type=artifact_type,
            annotations=annotations,
        )
    # _media_type_of allowed only MANIFEST_TYPES: this is one of INDEX_TYPES.
    children = _list(document.get("manifests"), "manifests")
    return ImageIndex(
        media_type=media_type,
        manifests=tuple(
            descriptor_parse(child, f"manifests[{i}]", with_platform=True) for i, child in enumerate(children)
        ),
        subject=_subject(document),
        artifact_type=artifact_type,
        annotations=annotations,
    )
