from pathlib import Path

import pytest

from images.indexing.packages import golang
from tests.helpers.integration import require

FIXTURES = Path(__file__).parent.parent / "fixtures" / "golang"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("skopeo.buildinfo", [("stdlib", "1.19.8", "pkg:golang/stdlib@1.19.8")]),
        (
            "cbtemulator.buildinfo",
            [
                ("stdlib", "1.24.3", "pkg:golang/stdlib@1.24.3"),
                ("cloud.google.com/go/bigtable", "(devel)", "pkg:golang/cloud.google.com/go/bigtable@%28devel%29"),
                ("cloud.google.com/go/iam", "(devel)", "pkg:golang/cloud.google.com/go/iam@%28devel%29"),
                (
                    "cloud.google.com/go/longrunning",
                    "(devel)",
                    "pkg:golang/cloud.google.com/go/longrunning@%28devel%29",
                ),
                ("github.com/google/btree", "v1.1.3", "pkg:golang/github.com/google/btree@v1.1.3"),
                ("golang.org/x/net", "v0.40.0", "pkg:golang/golang.org/x/net@v0.40.0"),
                ("golang.org/x/sys", "v0.33.0", "pkg:golang/golang.org/x/sys@v0.33.0"),
                ("golang.org/x/text", "v0.25.0", "pkg:golang/golang.org/x/text@v0.25.0"),
                (
                    "google.golang.org/genproto",
                    "v0.0.0-20250505200425-f936aa4a68b2",
                    "pkg:golang/google.golang.org/genproto@v0.0.0-20250505200425-f936aa4a68b2",
                ),
                (
                    "google.golang.org/genproto/googleapis/api",
                    "v0.0.0-20250505200425-f936aa4a68b2",
                    "pkg:golang/google.golang.org/genproto/googleapis/api@v0.0.0-20250505200425-f936aa4a68b2",
                ),
                (
                    "google.golang.org/genproto/googleapis/rpc",
                    "v0.0.0-20250505200425-f936aa4a68b2",
                    "pkg:golang/google.golang.org/genproto/googleapis/rpc@v0.0.0-20250505200425-f936aa4a68b2",
                ),
                ("google.golang.org/grpc", "v1.72.0", "pkg:golang/google.golang.org/grpc@v1.72.0"),
                ("google.golang.org/protobuf", "v1.36.6", "pkg:golang/google.golang.org/protobuf@v1.36.6"),
                ("rsc.io/binaryregexp", "v0.2.0", "pkg:golang/rsc.io/binaryregexp@v0.2.0"),
            ],
        ),
        (
            "go-app-stager.buildinfo",
            # A Google-internal toolchain version is no Go release: no stdlib entry. The yaml module
            # is replaced by a local directory, so its own version no longer describes the code.
            [
                ("go-app-stager", "(devel)", "pkg:golang/go-app-stager@%28devel%29"),
                ("gopkg.in/yaml.v2", "(devel)", "pkg:golang/gopkg.in/yaml.v2@%28devel%29"),
            ],
        ),
    ],
)
def test_parse_buildinfo_excerpt(fixture, expected):
    packages = golang.parse_binary((FIXTURES / fixture).read_bytes(), "usr/bin/tool")
    assert [(p.name, p.version, p.purl) for p in packages] == expected
    assert all(p.type == "golang" and p.path == "usr/bin/tool" for p in packages)


GO_BINARIES = [
    Path(path)
    for path in (
        "/usr/bin/skopeo",
        "/usr/bin/umoci",
        "/usr/bin/docker-registry",
        "/usr/lib/google-cloud-sdk/platform/bigtable-emulator/cbtemulator",
    )
    if Path(path).exists()
]


def test_whole_binaries_and_their_excerpts_agree():
    require(bool(GO_BINARIES), "no Go binary is installed (apt-get install skopeo umoci docker-registry)")
    for binary in GO_BINARIES:
        data = binary.read_bytes()
        packages = golang.parse_binary(data, "bin")
        assert packages and packages[0].name == "stdlib", binary
        excerpt = golang.buildinfo_excerpt(data)
        assert len(excerpt) < 4096, binary
        assert golang.parse_binary(excerpt, "bin") == packages, binary


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"#!/bin/sh\necho hi\n", id="shell-script"),
        pytest.param(Path("/bin/sh").read_bytes() if Path("/bin/sh").exists() else b"\x7fELF", id="c-binary"),
        pytest.param(golang.MAGIC + b"\x08\x02" + bytes(16) + b"\xff\xff\xff", id="truncated-varint"),
        pytest.param(golang.MAGIC + b"\x08\x02" + bytes(16) + b"\x7fgo", id="string-past-end"),
        pytest.param(golang.MAGIC + b"\x08\x00" + bytes(16), id="pointer-format-without-elf"),
        pytest.param(b"\x7fELF" + b"\x02\x01" + bytes(100), id="elf-with-garbage-headers"),
    ],
)
def test_not_go_binaries(data):
    assert golang.parse_binary(data, "x") == []
    assert golang.buildinfo_excerpt(data) is None


@pytest.mark.parametrize(
    "go_version, expected",
    [
        ("go1.21.5", "1.21.5"),
        ("go1.22", "1.22.0"),
        ("go1.22rc1", "1.22.0-rc.1"),
        ("go1.21.0 X:boringcrypto", "1.21.0"),
        ("devel go1.23-abc", ""),
        ("", ""),
    ],
)
def test_stdlib_version(go_version, expected):
    assert golang.stdlib_version(go_version) == expected
