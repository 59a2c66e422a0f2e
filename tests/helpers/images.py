"""Small real images for registry tests, built offline with images/oci/build.py.

The layers hold real files from this machine (its dpkg status database, os-release), so what is
pushed looks like a Debian image to anyone who reads it, indexer included.
"""

from pathlib import Path

from images.oci.build import Image, Index, LayerSpec, image_build, index_build, oci_layout_write


def _read(path: str, fallback: bytes) -> bytes:
    p = Path(path)
    return p.read_bytes() if p.is_file() else fallback


def debian_image(*, architecture: str = "amd64", variant: str = "", marker: str = "") -> Image:
    """A two-layer image: /etc/os-release + /var/lib/dpkg/status of this machine, then an app file."""
    base = LayerSpec(
        files={
            "etc/os-release": _read("/etc/os-release", b'ID=debian\nVERSION_ID="12"\n'),
            "var/lib/dpkg/status": _read("/var/lib/dpkg/status", b""),
        },
        created_by="/bin/sh -c #(nop) ADD rootfs.tar.xz in /",
    )
    app = LayerSpec(
        files={"app/hello.txt": f"hello from {architecture}{variant} {marker}\n".encode()},
        created_by="COPY hello.txt /app/",
    )
    return image_build([base, app], architecture=architecture, variant=variant, cmd=["cat", "/app/hello.txt"])


def multi_platform_index(marker: str = "") -> Index:
    return index_build(
        [
            debian_image(architecture="amd64", marker=marker),
            debian_image(architecture="arm64", variant="v8", marker=marker),
        ]
    )


def layout_write(directory: Path, target: Image | Index, tag: str = "latest") -> str:
    """Write an OCI layout and return the skopeo reference `oci:DIR:TAG`."""
    oci_layout_write(directory, target, tag)
    return f"oci:{directory}:{tag}"
