"""The pure image diff: layers, history, packages in each ecosystem's order, findings, sizes, config."""

import gzip
import io

import pytest

from images.indexing.diff import (
    ConfigChange,
    FindingFact,
    HistoryStep,
    ImageFacts,
    LayerFact,
    PackageChange,
    PackageFact,
    config_compare,
    config_summary,
    findings_compare,
    history_compare,
    image_diff,
    layers_compare,
    packages_compare,
)
from images.indexing.tarstream import iter_layer
from images.oci.build import LayerSpec, layer_tar


def layer(digest: str, size: int = 10) -> LayerFact:
    return LayerFact(digest, size)


def test_layers_shared_added_and_removed_keep_each_images_order():
    shared, added, removed = layers_compare(
        [layer("a"), layer("b"), layer("c")], [layer("a"), layer("b"), layer("d"), layer("e")]
    )
    assert [x.digest for x in shared] == ["a", "b"]
    assert [x.digest for x in added] == ["d", "e"]
    assert [x.digest for x in removed] == ["c"]


def test_a_layer_twice_in_one_image_counts_twice():
    shared, added, removed = layers_compare([layer("a")], [layer("a"), layer("a")])
    assert ([x.digest for x in shared], [x.digest for x in added], removed) == (["a"], ["a"], [])


def test_history_is_a_line_diff_of_the_commands():
    steps = history_compare(["FROM x", "RUN a", "CMD old"], ["FROM x", "RUN a", "RUN b", "CMD new"])
    assert steps == [
        HistoryStep("same", "FROM x"),
        HistoryStep("same", "RUN a"),
        HistoryStep("removed", "CMD old"),
        HistoryStep("added", "RUN b"),
        HistoryStep("added", "CMD new"),
    ]


@pytest.mark.parametrize(
    ("ecosystem", "kind", "before", "after", "bucket"),
    [
        ("Debian:12", "deb", "1.2-1", "1.10-1", "upgraded"),  # numeric, not text, order
        ("Debian:12", "deb", "1:0.9-1", "2.0-1", "downgraded"),  # the epoch wins
        ("Debian:12", "deb", "2.0~rc1-1", "2.0-1", "upgraded"),  # a tilde sorts before release
        ("Alpine:v3.19", "apk", "1.2.3-r9", "1.2.3-r10", "upgraded"),
        ("Debian:12", "pypi", "2.9", "2.10", "upgraded"),  # a language package: its own ecosystem (PyPI)
        ("Debian:12", "pypi", "1.0", "1.0rc1", "downgraded"),
        ("Debian:12", "npm", "1.0.0-beta", "1.0.0", "upgraded"),
        ("Debian:12", "deb", "1.0", "not a version!", "changed"),  # unparseable: no guess at up or down
        ("", "deb", "1.0", "2.0", "changed"),  # no OS ecosystem known
    ],
)
def test_package_versions_are_ordered_the_ecosystems_way(ecosystem, kind, before, after, bucket):
    changes = packages_compare([PackageFact(kind, "p", before)], [PackageFact(kind, "p", after)], ecosystem)
    assert changes[bucket] == [PackageChange(kind, "p", before, after)]
    assert sum(len(v) for v in changes.values()) == 1


def test_packages_added_removed_and_a_name_at_several_versions():
    pip = PackageFact("pypi", "pip", "24.0")
    before = [PackageFact("pypi", "six", "1.16"), PackageFact("pypi", "pip", "23.0"), pip]
    after = [PackageFact("pypi", "flask", "3.0"), pip, PackageFact("pypi", "pip", "25.0")]
    changes = packages_compare(before, after, "Debian:12")
    assert changes["added"] == [PackageChange("pypi", "flask", "", "3.0"), PackageChange("pypi", "pip", "", "25.0")]
    assert changes["removed"] == [PackageChange("pypi", "pip", "23.0", ""), PackageChange("pypi", "six", "1.16", "")]
    assert changes["upgraded"] == changes["downgraded"] == changes["changed"] == []


def test_findings_fixed_and_introduced_most_severe_first_each_once():
    old = FindingFact("CVE-1", "openssl", "3.0.1", "high")
    both = FindingFact("CVE-2", "zlib", "1.2", "low")
    new_low, new_critical = FindingFact("CVE-3", "curl", "8.0", "low"), FindingFact("CVE-4", "curl", "8.0", "critical")
    fixed, introduced = findings_compare([old, old, both], [both, new_low, new_critical])
    assert fixed == [old]
    assert introduced == [new_critical, new_low]


def test_config_summary_reads_the_oci_config():
    summary = config_summary(
        {
            "config": {
                "Entrypoint": ["/entry.sh"],
                "Cmd": ["serve", "--port", "80"],
                "User": "app",
                "Env": ["PATH=/bin", "MODE=prod", "EMPTY="],
                "Labels": {"org.opencontainers.image.version": "1.0"},
                "ExposedPorts": {"80/tcp": {}, "443/tcp": {}},
            }
        }
    )
    assert summary == {
        "entrypoint": "/entry.sh",
        "cmd": "serve --port 80",
        "user": "app",
        "workdir": None,
        "env": {"PATH": "/bin", "MODE": "prod", "EMPTY": ""},
        "labels": {"org.opencontainers.image.version": "1.0"},
        "ports": ["443/tcp", "80/tcp"],
    }
    assert config_summary({}) == config_summary({"config": None}) == config_summary({"config": {"Env": [5]}})


def test_config_changes_field_by_field_and_key_by_key():
    before = config_summary({"config": {"Cmd": ["a"], "Env": ["A=1", "B=2"], "ExposedPorts": {"80/tcp": {}}}})
    after = config_summary(
        {"config": {"Cmd": ["b"], "User": "app", "Env": ["A=1", "B=3", "C=4"], "ExposedPorts": {"8080/tcp": {}},
                    "Labels": {"x": "y"}}}
    )  # fmt: skip
    assert config_compare(before, after) == [
        ConfigChange("cmd", "", "a", "b"),
        ConfigChange("user", "", None, "app"),
        ConfigChange("env", "B", "2", "3"),
        ConfigChange("env", "C", None, "4"),
        ConfigChange("label", "x", None, "y"),
        ConfigChange("port", "80/tcp", "80/tcp", None),
        ConfigChange("port", "8080/tcp", None, "8080/tcp"),
    ]
    assert config_compare(before, before) == []


def test_image_diff_puts_it_together_with_size_changes():
    before = ImageFacts(layers=[layer("a", 100)], history=["ADD x"], compressed_size=100, uncompressed_size=300)
    after = ImageFacts(layers=[layer("a", 100), layer("b", 50)], history=["ADD x", "RUN y"], compressed_size=150)
    diff = image_diff(before, after)
    assert [x.digest for x in diff.layers_added] == ["b"]
    assert diff.history_changed
    assert (diff.compressed.delta, diff.uncompressed.delta) == (50, None)
    assert not image_diff(before, before).history_changed


def test_the_layer_walk_measures_the_whole_uncompressed_stream():
    blob = layer_tar(LayerSpec({"etc/hostname": b"x\n", "big": b"y" * 70_000}, "ADD"))
    sizes = []
    paths = [entry.path for entry in iter_layer(io.BytesIO(blob), "", on_size=sizes.append)]
    assert sorted(paths) == ["big", "etc", "etc/hostname"]
    assert sizes == [len(gzip.decompress(blob))]  # the tar padding after the end marker included
