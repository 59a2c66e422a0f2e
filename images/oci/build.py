"""Build small OCI images in memory: the demo catalogue, the tests and the benchmarks make their images with this.

Pure: files in, bytes out. Layers are gzip'd tarballs with deterministic metadata, so the same
input always gives the same digests.
"""

import gzip
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from images.oci.digests import digest_compute
from images.oci.media_types import OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST

EPOCH = "2024-01-01T00:00:00Z"


def sha256(data: bytes) -> str:
    return digest_compute(data, "sha256")


def canonical_json(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class LayerSpec:
    """One layer: files (path -> bytes; a value of None writes a whiteout) and the command that made it."""

    files: dict[str, bytes | None]
    created_by: str
    symlinks: dict[str, str] = field(default_factory=dict)


@dataclass
class _Pushed:
    """What is pushed as one manifest: its bytes, known by their digest."""

    manifest: bytes

    @property
    def digest(self) -> str:
        return sha256(self.manifest)


@dataclass
class Image(_Pushed):
    config: bytes
    layers: list[bytes]
    media_type: str = OCI_MANIFEST

    @property
    def blobs(self) -> dict[str, bytes]:
        return {sha256(blob): blob for blob in [self.config, *self.layers]}


@dataclass
class Index(_Pushed):
    images: list[Image]
    media_type: str = OCI_INDEX


def layer_tar(spec: LayerSpec) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        directories = sorted(
            {str(parent) for path in spec.files for parent in Path(path).parents if str(parent) != "."}
        )
        for directory in directories:
            info = tarfile.TarInfo(directory)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        for path, data in sorted(spec.files.items()):
            if data is None:
                parent, name = str(Path(path).parent), Path(path).name
                path, data = (f"{parent}/.wh.{name}" if parent != "." else f".wh.{name}"), b""
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o755 if data.startswith(b"\x7fELF") else 0o644, 0
            tar.addfile(info, io.BytesIO(data))
        for path, target in sorted(spec.symlinks.items()):
            info = tarfile.TarInfo(path)
            info.type, info.linkname, info.mtime = tarfile.SYMTYPE, target, 0
            tar.addfile(info)
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)


def _diff_id(layer: bytes) -> str:
    return sha256(gzip.decompress(layer))


def image_build(
    layers: list[LayerSpec],
    *,
    os: str = "linux",
    architecture: str = "amd64",
    variant: str = "",
    env: list[str] | None = None,
    cmd: list[str] | None = None,
    labels: dict[str, str] | None = None,
) -> Image:
    blobs = [layer_tar(spec) for spec in layers]
    history = [{"created": EPOCH, "created_by": spec.created_by} for spec in layers]
    config_body = {"Env": env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    if cmd:
        config_body["Cmd"] = cmd
        history.append({"created": EPOCH, "created_by": f"CMD {json.dumps(cmd)}", "empty_layer": True})
    if labels:
        config_body["Labels"] = labels
    config = {
        "architecture": architecture,
        "os": os,
        "created": EPOCH,
        "config": config_body,
        "rootfs": {"type": "layers", "diff_ids": [_diff_id(blob) for blob in blobs]},
        "history": history,
    }
    if variant:
        config["variant"] = variant
    config_bytes = canonical_json(config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": sha256(config_bytes), "size": len(config_bytes)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": sha256(blob), "size": len(blob)} for blob in blobs],
    }
    return Image(manifest=canonical_json(manifest), config=config_bytes, layers=blobs)


def index_build(images: list[Image]) -> Index:
    manifests = []
    for image in images:
        config = json.loads(image.config)
        platform = {"architecture": config["architecture"], "os": config["os"]}
        if config.get("variant"):
            platform["variant"] = config["variant"]
        manifests.append(
            {"mediaType": image.media_type, "digest": image.digest, "size": len(image.manifest), "platform": platform}
        )
    body = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
    return Index(manifest=canonical_json(body), images=images)


def oci_layout_write(directory: Path, target: Image | Index, tag: str) -> Path:
    """Write an OCI image layout that `skopeo copy oci:DIR:TAG ...` reads."""
    blobs_dir = directory / "blobs" / "sha256"
    blobs_dir.mkdir(parents=True, exist_ok=True)
    images = target.images if isinstance(target, Index) else [target]
    contents = [target.manifest] + [b for image in images for b in (image.manifest, image.config, *image.layers)]
    for blob in contents:
        (blobs_dir / sha256(blob).split(":", 1)[1]).write_bytes(blob)
    (directory / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": target.media_type,
                "digest": target.digest,
                "size": len(target.manifest),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    (directory / "index.json").write_text(json.dumps(index))
    return directory
